import * as assert from 'node:assert/strict';
import { OllamaClient } from '../../src/backends/ollama';
import { BackendError } from '../../src/core/types';
import { FakeOllamaServer } from '../fakes/fakeOllamaServer';

async function waitUntil(condition: () => boolean, ms = 2000): Promise<void> {
  for (const end = performance.now() + ms; !condition() && performance.now() < end;) await new Promise((r) => setTimeout(r, 20));
}

describe('Ollama backend (its own API)', () => {
  let fake: FakeOllamaServer;
  let client: OllamaClient;

  beforeEach(async () => {
    fake = await FakeOllamaServer.start({ models: [{ name: 'qwen2.5-coder:7b', loadMs: 600 }, { name: 'llama3.2:latest' }] });
    client = new OllamaClient({ baseUrl: fake.url, label: 'Ollama "laptop"', firstByteTimeoutMs: 5000, idleTimeoutMs: 2000 });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  const ask = (model: string, extra: Partial<Parameters<OllamaClient['chat']>[0]> = {}) =>
    client.chat({ model, messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }], maxTokens: 64, signal: AbortSignal.timeout(5000), ...extra });

  it('streams /api/chat, counts tokens from the last line, and reports a cold load from load_duration', async () => {
    const deltas: string[] = [];
    const cold = await ask('qwen2.5-coder:7b', { onText: (d) => deltas.push(d) });
    assert.equal(cold.text, '```ts\nconst x = 1;\n```');
    assert.deepEqual(deltas, ['```ts\n', 'const x = 1;\n', '```']);
    assert.equal(cold.finishReason, 'stop');
    assert.equal(cold.outputTokens, 3);
    assert.ok(cold.inputTokens && cold.inputTokens > 0);
    assert.ok(cold.loadMs !== undefined && cold.loadMs >= 550, `loadMs ${cold.loadMs}`);
    const warm = await ask('qwen2.5-coder:7b');
    assert.equal(warm.loadMs, undefined, 'a loaded model is not a cold load');
    const sent = fake.requestsTo('/api/chat')[0].body;
    assert.deepEqual(sent?.options, { num_predict: 64 });
    assert.equal(sent?.stream, true);
  });

  it('the judge\'s JSON schema goes as `format`; num_predict reached is a length finish', async () => {
    fake.responder = () => ({ kind: 'text', pieces: ['a', 'b', 'c', 'd'] });
    const result = await ask('llama3.2', { maxTokens: 2, jsonSchema: { name: 'verdict', schema: { type: 'object' } } });
    assert.equal(result.finishReason, 'length');
    assert.deepEqual(fake.requestsTo('/api/chat')[0].body?.format, { type: 'object' });
  });

  it('an unknown model is one sentence naming it and the server; a mid-stream error too', async () => {
    await assert.rejects(ask('qwen3:8b'), (err: unknown) => err instanceof BackendError && err.kind === 'http' && err.status === 404
      && /^qwen3:8b failed on Ollama "laptop" at http:\/\/127\.0\.0\.1:\d+: model "qwen3:8b" not found, try pulling it first \(404\)\.$/.test(err.message));
    fake.responder = () => ({ kind: 'midstreamError', pieces: ['x'], message: 'an error was encountered while running the model: CUDA error' });
    await assert.rejects(ask('llama3.2'), (err: unknown) => err instanceof BackendError && err.kind === 'stream' && /CUDA error/.test(err.message));
  });

  it('warmth from /api/ps, known models from /api/tags (name answers for name:latest), preload and unload by keep_alive', async () => {
    assert.deepEqual((await client.status()).models, []);
    assert.deepEqual(await client.models(), [{ id: 'qwen2.5-coder:7b', aliases: [] }, { id: 'llama3.2:latest', aliases: ['llama3.2'] }]);
    await client.preload('qwen2.5-coder:7b');
    assert.deepEqual(await client.status(), { kind: 'Ollama', models: [{ model: 'qwen2.5-coder:7b', state: 'ready' }] });
    assert.equal(fake.requestsTo('/api/chat').length, 0, 'a preload generates nothing');
    await client.unload('qwen2.5-coder:7b');
    assert.deepEqual(fake.loaded(), []);
    assert.equal(fake.requestsTo('/api/generate').at(-1)?.body?.keep_alive, 0);
    assert.equal(await client.version(), '0.12.6');
  });

  it('a line without a newline is cut at the answer-size cap: too-large at once, the connection closed, not read to its end', async () => {
    // 16 MiB of one unterminated line: before the cap, all of it was kept and re-split on every chunk (7 s of CPU).
    const piece = 'x'.repeat(64 * 1024);
    fake.responder = () => ({ kind: 'raw', chunks: ['{"message":{"role":"assistant","content":"', ...Array<string>(256).fill(piece)] });
    const started = performance.now();
    await assert.rejects(ask('llama3.2', { signal: AbortSignal.timeout(20_000) }), (err: unknown) => err instanceof BackendError && err.kind === 'too-large'
      && /^llama3\.2 on Ollama "laptop" at http:\/\/127\.0\.0\.1:\d+ sent an answer over 1 MiB, so it was cut\.$/.test(err.message));
    assert.ok(performance.now() - started < 3000, `cut after ${Math.round(performance.now() - started)} ms`);
    await waitUntil(() => fake.requestsTo('/api/chat')[0].cutByClient !== undefined);
    assert.equal(fake.requestsTo('/api/chat')[0].cutByClient, true, 'the client closed the connection before the 16 MiB were sent');
  });

  it('bytes of a line that never ends do not hold the idle timer off: a trickle without a newline is cut as silent', async () => {
    const idle = new OllamaClient({ baseUrl: fake.url, label: 'Ollama "laptop"', firstByteTimeoutMs: 5000, idleTimeoutMs: 500 });
    try {
      const first = JSON.stringify({ model: 'llama3.2:latest', message: { role: 'assistant', content: 'a' }, done: false });
      // One whole line, then four bytes every 100 ms of a line that ends only after 2.5 s.
      const trickle = '{"message":{"role":"assistant","content":"' + 'b'.repeat(60) + '"},"done":true}\n';
      fake.responder = () => ({ kind: 'raw', chunkDelayMs: 100, chunks: [`${first}\n`, ...(trickle.match(/[\s\S]{1,4}/g) ?? [])] });
      const started = performance.now();
      await assert.rejects(idle.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'u' }], maxTokens: 64, signal: AbortSignal.timeout(8000) }),
        (err: unknown) => err instanceof BackendError && err.kind === 'timeout' && /went silent for 500 ms mid-answer/.test(err.message));
      assert.ok(performance.now() - started < 2000, `cut after ${Math.round(performance.now() - started)} ms`);
    } finally {
      await idle.close();
    }
  });

  it('is cancellable while the model loads, and nothing is left open', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(ask('qwen2.5-coder:7b', { signal: abort.signal }), (err: unknown) => err instanceof BackendError && err.kind === 'cancelled');
  });
});
