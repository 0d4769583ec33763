// LlamaSwapClient.chat against the fake llama-swap: the request it sends, streaming, loading state,
// reasoning, tokens.
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { LlamaSwapClient, type LlamaSwapOptions } from '../../src/backends/llamaSwap';
import type { ChatRequest } from '../../src/core/types';
import { FakeLlamaSwap, type FakeLlamaSwapOptions } from '../fakes/fakeLlamaSwap';

const CHAT = '/v1/chat/completions';

function sse(json: object): string {
  return `data: ${JSON.stringify(json)}\n\n`;
}

describe('LlamaSwapClient.chat', function () {
  this.timeout(5000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;

  async function setup(fakeOptions: FakeLlamaSwapOptions = {}, clientOptions: Partial<LlamaSwapOptions> = {}): Promise<void> {
    fake = await FakeLlamaSwap.start({ loaded: 'qwen-7b', ...fakeOptions });
    client = new LlamaSwapClient({ baseUrl: fake.url, ...clientOptions });
  }

  function request(extra: Partial<ChatRequest> = {}): ChatRequest {
    return { model: 'qwen-7b', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], maxTokens: 64, signal: new AbortController().signal, ...extra };
  }

  afterEach(async () => {
    await client?.close();
    await fake?.close();
  });

  it('sends the documented body: stream, max_tokens, include_usage, no response_format for generation', async () => {
    await setup();
    await client.chat(request({ temperature: 0.2 }));
    const [rec] = fake.requests;
    assert.equal(rec.method, 'POST');
    assert.equal(rec.path, CHAT);
    assert.equal(rec.headers['content-type'], 'application/json');
    assert.deepEqual(rec.body, {
      model: 'qwen-7b', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }],
      stream: true, max_tokens: 64, temperature: 0.2, stream_options: { include_usage: true },
    });
  });

  it('omits temperature when unset and adds a strict json_schema response_format only for jsonSchema', async () => {
    await setup();
    const schema = { type: 'object', properties: { verdict: { enum: ['accept', 'escalate'] } }, required: ['verdict'] };
    await client.chat(request({ jsonSchema: { name: 'verdict', schema } }));
    await client.chat(request());
    const [judge, plain] = fake.requests.map((r) => r.body as Record<string, unknown>);
    assert.deepEqual(judge.response_format, { type: 'json_schema', json_schema: { name: 'verdict', schema, strict: true } });
    assert.ok(!('temperature' in judge));
    assert.ok(!('response_format' in plain));
  });

  it('sends Authorization: Bearer only when an apiKey is set', async () => {
    await setup({ apiKey: 'sk-local-123' }, { apiKey: 'sk-local-123' });
    await client.chat(request());
    assert.equal(fake.requests[0].headers.authorization, 'Bearer sk-local-123');
    await client.close();
    client = new LlamaSwapClient({ baseUrl: fake.url });
    await assert.rejects(client.chat(request()), { kind: 'auth', status: 401 });
    assert.equal(fake.requests[1].headers.authorization, undefined);
  });

  it('delivers deltas in order while the server still holds the stream open', async () => {
    await setup({ responder: () => ({ kind: 'text', pieces: ['```ts\n', 'const a', ' = 1;\n', '```'], chunkDelayMs: 60, finish: 'stop' }) });
    const deltas: string[] = [];
    let openAtFirstDelta: boolean | undefined;
    const result = await client.chat(request({
      onText: (d) => {
        openAtFirstDelta ??= fake.requests[0].closedAt === undefined && fake.requests[0].lastChunkAt !== undefined;
        deltas.push(d);
      },
    }));
    assert.equal(openAtFirstDelta, true);
    assert.deepEqual(deltas, ['```ts\n', 'const a', ' = 1;\n', '```']);
    assert.equal(result.text, '```ts\nconst a = 1;\n```');
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.loadMs, undefined);
  });

  it('reports finish_reason length when max_tokens cut the answer', async () => {
    await setup({ responder: () => ({ kind: 'text', pieces: ['a', 'b', 'c', 'd'] }) });
    const result = await client.chat(request({ maxTokens: 2 }));
    assert.equal(result.text, 'ab');
    assert.equal(result.finishReason, 'length');
    assert.equal(result.outputTokens, 2);
  });

  it('takes tokens from usage, preferring it over timings', async () => {
    await setup({
      responder: () => ({
        kind: 'raw', chunks: [
          sse({ choices: [{ finish_reason: null, index: 0, delta: { content: 'x' } }], id: 'c1' }),
          sse({ choices: [{ finish_reason: 'stop', index: 0, delta: {} }], id: 'c1' }),
          sse({ choices: [], id: 'c1', usage: { completion_tokens: 7, prompt_tokens: 30, total_tokens: 37 }, timings: { cache_n: 0, prompt_n: 1, predicted_n: 1 } }),
          'data: [DONE]\n\n',
        ],
      }),
    });
    const result = await client.chat(request());
    assert.deepEqual([result.inputTokens, result.outputTokens], [30, 7]);
  });

  it('takes tokens from the finish chunk timings when there is no usage (prompt_n + cache_n, predicted_n)', async () => {
    await setup({
      responder: () => ({
        kind: 'raw', chunks: [
          sse({ choices: [{ finish_reason: null, index: 0, delta: { content: 'x' } }], id: 'c1' }),
          sse({ choices: [{ finish_reason: 'stop', index: 0, delta: {} }], id: 'c1', timings: { cache_n: 19, prompt_n: 1, predicted_n: 5 } }),
          'data: [DONE]\n\n',
        ],
      }),
    });
    const result = await client.chat(request());
    assert.deepEqual([result.inputTokens, result.outputTokens, result.finishReason], [20, 5, 'stop']);
  });

  it('maps an unknown finish_reason to other, and accepts a finished stream without [DONE]', async () => {
    await setup({
      responder: () => ({
        kind: 'raw', chunks: [
          sse({ choices: [{ finish_reason: null, index: 0, delta: { content: 'x' } }] }),
          sse({ choices: [{ finish_reason: 'tool_calls', index: 0, delta: {} }] }),
        ],
      }),
    });
    const result = await client.chat(request());
    assert.deepEqual([result.text, result.finishReason], ['x', 'other']);
  });

  it('sends a cold load\'s loading-state chunks to onLoading, never to the text, and measures loadMs', async () => {
    await setup({ loaded: undefined, sendLoadingState: true, loadingTickMs: 40, models: [{ id: 'qwen-7b', loadMs: 300 }] });
    const loading: string[] = [];
    const deltas: string[] = [];
    const started = performance.now();
    const result = await client.chat(request({ onLoading: (m) => loading.push(m), onText: (d) => deltas.push(d) }));
    const elapsed = performance.now() - started;
    assert.equal(loading[0], 'llama-swap loading model: qwen-7b');
    assert.match(loading[loading.length - 1], /^Done! \(0\.\d\ds\)$/);
    assert.ok(!loading.some((m) => m.includes('━') || /^\.+$/.test(m)), `noise in ${JSON.stringify(loading)}`);
    assert.equal(result.text, 'Hello from qwen-7b');
    assert.deepEqual(deltas, ['Hello', ' from', ' qwen-7b']);
    assert.ok(result.loadMs !== undefined && result.loadMs >= 280 && result.loadMs <= elapsed + 1, `loadMs ${result.loadMs}, elapsed ${elapsed}`);
  });

  it('recognises the newer loading format (an id on every chunk, lines streamed a few characters at a time)', async () => {
    const env = (delta: object) => sse({ id: 'chatcmpl-17', object: 'chat.completion.chunk', created: 1, model: 'qwen-7b', choices: [{ index: 0, delta, finish_reason: null }] });
    const pieces = ['━━━━━', '\n', 'llama', '-swap', ' load', 'ing m', 'odel:', ' qwen', '-7b', '\n', '\n', 'Reticulating splines...', ' ', '.', '.', '\n', 'Done!', ' (0.4', '2s)', '\n', '━━━━━', '\n', ' ', '\n'];
    await setup({
      responder: () => ({
        kind: 'raw', chunks: [
          env({ role: 'assistant' }),
          ...pieces.map((p) => env({ reasoning_content: p })),
          sse({ id: 'real', choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] }),
          sse({ id: 'real', choices: [{ index: 0, delta: { reasoning_content: 'The user wants a haiku.' }, finish_reason: null }] }),
          sse({ id: 'real', choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] }),
          'data: [DONE]\n\n',
        ],
      }),
    });
    const loading: string[] = [];
    const result = await client.chat(request({ onLoading: (m) => loading.push(m) }));
    assert.deepEqual(loading, ['llama-swap loading model: qwen-7b', 'Reticulating splines... ..', 'Done! (0.42s)']);
    assert.equal(result.text, 'ok');
    assert.ok(result.loadMs !== undefined);
  });

  it('also reads loading messages sent whole without newlines, as the protocol notes show them', async () => {
    const say = (t: string) => sse({ choices: [{ delta: { reasoning_content: t } }] });
    await setup({
      responder: () => ({
        kind: 'raw', chunks: [
          say('llama-swap loading model: qwen-7b'), say('.'), say('.'), say('Done! (4.21s)'),
          sse({ id: 'c', choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] }), 'data: [DONE]\n\n',
        ],
      }),
    });
    const loading: string[] = [];
    const result = await client.chat(request({ onLoading: (m) => loading.push(m) }));
    assert.deepEqual(loading, ['llama-swap loading model: qwen-7b', 'Done! (4.21s)']);
    assert.equal(result.text, 'ok');
  });

  it('ignores a thinking model\'s reasoning_content: not loading, not the answer', async () => {
    await setup({
      responder: () => ({
        kind: 'raw', chunks: [
          sse({ id: 'c', choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] }),
          sse({ id: 'c', choices: [{ index: 0, delta: { reasoning_content: 'Let me think about ```code```.\n' }, finish_reason: null }] }),
          sse({ id: 'c', choices: [{ index: 0, delta: { content: 'answer' }, finish_reason: null }] }),
          sse({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
          'data: [DONE]\n\n',
        ],
      }),
    });
    const loading: string[] = [];
    const result = await client.chat(request({ onLoading: (m) => loading.push(m) }));
    assert.equal(result.text, 'answer');
    assert.deepEqual(loading, []);
    assert.equal(result.loadMs, undefined);
  });

  it('resolves aliases on the server side and swaps models one at a time', async () => {
    await setup({ models: [{ id: 'qwen-7b', aliases: ['coder'] }, { id: 'judge-3b' }] });
    await client.chat(request({ model: 'coder' }));
    assert.equal(fake.requests[0].model, 'qwen-7b');
    await client.chat(request({ model: 'judge-3b' }));
    assert.deepEqual(fake.running(), [{ model: 'judge-3b', state: 'ready' }]);
  });
});
