import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { LmStudioClient } from '../../src/backends/lmStudio';
import { apiRoot } from '../../src/backends/openaiCompatible';

/**
 * LM Studio's REST model list (`/api/v0/models`: every downloaded model with `state` loaded | not-loaded) and its
 * OpenAI-compatible chat, which loads a model on demand (JIT) before it streams.
 */
async function fakeLmStudio(): Promise<{ url: string; server: Server; loaded: Set<string> }> {
  const loaded = new Set<string>();
  const models = [
    { id: 'qwen2.5-coder-7b-instruct', type: 'llm' },
    { id: 'text-embedding-nomic-embed-text-v1.5', type: 'embeddings' },
  ];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (req.url === '/api/v0/models') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: models.map((m) => ({ ...m, object: 'model', publisher: 'lmstudio-community', arch: 'qwen2', compatibility_type: 'gguf', quantization: 'Q4_K_M', state: loaded.has(m.id) ? 'loaded' : 'not-loaded', max_context_length: 32768 })) }));
        return;
      }
      const body = JSON.parse(raw) as { model: string };
      loaded.add(body.model);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: body.model, system_fingerprint: body.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: 'hello' }, null));
      res.write(chunk({}, 'stop'));
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [], usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, loaded };
}

describe('LM Studio backend', () => {
  it('warmth from the REST list\'s state, known chat models only, and a JIT-loaded model turns ready after a chat', async () => {
    const fake = await fakeLmStudio();
    const client = new LmStudioClient({ baseUrl: fake.url });
    try {
      assert.deepEqual(await client.models(), [{ id: 'qwen2.5-coder-7b-instruct', aliases: [] }]);
      assert.deepEqual(await client.status(), { kind: 'LM Studio', models: [] });
      const answer = await client.chat({ model: 'qwen2.5-coder-7b-instruct', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, signal: AbortSignal.timeout(5000) });
      assert.deepEqual([answer.text, answer.finishReason, answer.inputTokens, answer.outputTokens], ['hello', 'stop', 12, 1]);
      assert.deepEqual((await client.status()).models, [{ model: 'qwen2.5-coder-7b-instruct', state: 'ready' }]);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    }
  });
});

describe('OpenAI-compatible API root', () => {
  it('keeps a versioned root and adds /v1 to a bare address', () => {
    assert.equal(apiRoot('https://openrouter.ai/api/v1'), 'https://openrouter.ai/api/v1');
    assert.equal(apiRoot('https://api.deepseek.com/'), 'https://api.deepseek.com/v1');
    assert.equal(apiRoot('https://generativelanguage.googleapis.com/v1beta'), 'https://generativelanguage.googleapis.com/v1beta');
  });
});
