// LlamaSwapClient.chat failures: every row of the protocol's error table, stream errors, timeouts,
// cancellation and the size cap. Each error is a BackendError with one sentence naming model and server.
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { displayAddress, retryAfterMs } from '../../src/backends/httpErrors';
import { LlamaSwapClient, type LlamaSwapOptions } from '../../src/backends/llamaSwap';
import { BackendError, type BackendErrorKind, type ChatRequest } from '../../src/core/types';
import { FakeLlamaSwap, type ChatReply, type FakeLlamaSwapOptions } from '../fakes/fakeLlamaSwap';

describe('LlamaSwapClient.chat errors', function () {
  this.timeout(5000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;

  async function setup(fakeOptions: FakeLlamaSwapOptions = {}, clientOptions: Partial<LlamaSwapOptions> = {}): Promise<void> {
    fake = await FakeLlamaSwap.start({ loaded: 'qwen-7b', ...fakeOptions });
    client = new LlamaSwapClient({ baseUrl: fake.url, ...clientOptions });
  }

  function replyWith(reply: ChatReply): FakeLlamaSwapOptions {
    return { responder: () => reply };
  }

  function request(extra: Partial<ChatRequest> = {}): ChatRequest {
    return { model: 'qwen-7b', messages: [{ role: 'user', content: 'hi' }], maxTokens: 64, signal: new AbortController().signal, ...extra };
  }

  /** Runs the chat, expects a BackendError of `kind`, and checks the one-sentence rule. */
  async function failure(kind: BackendErrorKind, req: ChatRequest = request()): Promise<BackendError> {
    const err = await client.chat(req).then(
      () => assert.fail('expected a BackendError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof BackendError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.ok(err.message.includes(fake.url), `no server address in: ${err.message}`);
    if (kind !== 'unreachable') assert.ok(err.message.includes(req.model), `no model in: ${err.message}`);
    assert.match(err.message, /^[^\n]+[.]$/, 'one sentence, one line');
    assert.ok(!/\.\s+[A-Z]/.test(err.message.slice(0, -1)), `more than one sentence: ${err.message}`);
    return err;
  }

  afterEach(async () => {
    await client?.close();
    await fake?.close();
  });

  describe('before the stream (the error table)', () => {
    it('404 unknown model, v218–v250 shape {"src","error"}', async () => {
      await setup();
      const err = await failure('http', request({ model: 'nope' }));
      assert.equal(err.message, `nope failed on llama-swap at ${fake.url}: no router for requested model (404).`);
      assert.equal(err.status, 404);
      assert.equal(err.detail, '{"src":"llama-swap","error":"no router for requested model"}');
    });

    it('404 in the newer OpenAI-style shape {"error":{"message","type","code"}}', async () => {
      await setup({ errorShape: 'openai' });
      const err = await failure('http', request({ model: 'nope' }));
      assert.equal(err.message, `nope failed on llama-swap at ${fake.url}: no router for requested model (404).`);
    });

    it('404 when the body has no model', async () => {
      await setup();
      const err = await failure('http', request({ model: '' }));
      assert.match(err.message, /: no model id could be identified \(404\)\.$/);
    });

    it('500 model failed to start / health check timed out', async () => {
      await setup(replyWith({ kind: 'error', status: 500, body: '{"src":"llama-swap","error":"unspecific error: health check timed out after 2m0s"}' }));
      const err = await failure('http');
      assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: unspecific error: health check timed out after 2m0s (500).`);
    });

    it('500 when a cold model fails to load (no loading state)', async () => {
      await setup({ loaded: undefined, models: [{ id: 'qwen-7b', failLoad: 'upstream command exited prematurely' }] });
      const err = await failure('http');
      assert.match(err.message, /unable to start process: upstream command exited prematurely \(500\)\.$/);
    });

    it('429 with Retry-After: 1 is retried once after the delay, then succeeds', async () => {
      let n = 0;
      await setup({ responder: () => (++n === 1 ? { kind: 'error', status: 429, body: '{"error":"Too many requests"}', headers: { 'Retry-After': '1' } } : undefined) });
      const result = await client.chat(request());
      assert.equal(result.text, 'Hello from qwen-7b');
      const [first, second] = fake.requests;
      assert.equal(fake.count('/v1/chat/completions'), 2);
      assert.ok(second.receivedAt - first.receivedAt >= 950, `retried after ${second.receivedAt - first.receivedAt} ms`);
    });

    it('429 again after the one retry fails with the server\'s reason', async () => {
      await setup(replyWith({ kind: 'error', status: 429, body: '{"error":"Too many requests"}', headers: { 'Retry-After': '0' } }));
      const err = await failure('http');
      assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: Too many requests (429).`);
      assert.equal(fake.count('/v1/chat/completions'), 2);
    });

    it('429 asking for more than 5 s (or no Retry-After) fails at once', async () => {
      await setup(replyWith({ kind: 'error', status: 429, body: '{"error":"Too many requests"}', headers: { 'Retry-After': '30' } }));
      await failure('http');
      assert.equal(fake.count('/v1/chat/completions'), 1);
      fake.responder = () => ({ kind: 'error', status: 429, body: 'Too many requests' });
      await failure('http');
      assert.equal(fake.count('/v1/chat/completions'), 2);
    });

    it('502 with an empty body (the model process died)', async () => {
      await setup(replyWith({ kind: 'error', status: 502 }));
      const err = await failure('http');
      assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: the model process stopped answering (empty reply) (502).`);
      assert.equal(err.detail, undefined);
    });

    it('400 plain text (versions ≤ v217)', async () => {
      await setup(replyWith({ kind: 'error', status: 400, body: 'could not find suitable handler for model qwen-7b\n' }));
      const err = await failure('http');
      assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: could not find suitable handler for model qwen-7b (400).`);
    });

    it('401 is an auth error, and the key never appears in message or detail', async () => {
      await setup({ apiKey: 'right-key' }, { apiKey: 'wrong-key' });
      const err = await failure('auth');
      assert.equal(err.status, 401);
      fake.responder = () => ({ kind: 'error', status: 400, body: '{"error":"bad header Bearer right-key"}' });
      await client.close();
      client = new LlamaSwapClient({ baseUrl: fake.url, apiKey: 'right-key' });
      const echoed = await failure('http');
      assert.ok(!`${echoed.message} ${echoed.detail}`.includes('right-key'), echoed.message);
    });

    it('connection refused is unreachable, names server and setting; works again once the server is back', async () => {
      await setup();
      await fake.goOffline();
      const err = await failure('unreachable');
      assert.equal(err.message, `llama-swap at ${fake.url} is not reachable for qwen-7b (connection refused); start it or fix hyperguild.llamaSwapUrl.`);
      await fake.goOnline();
      assert.equal((await client.chat(request())).text, 'Hello from qwen-7b');
    });
  });

  describe('during the stream', () => {
    it('a data: {"error":…} chunk mid-stream is a stream error with the server\'s message', async () => {
      await setup(replyWith({ kind: 'midstreamError', pieces: ['a', 'b'], message: 'The model produced output that does not match the expected peg-native format' }));
      const deltas: string[] = [];
      const err = await failure('stream', request({ onText: (d) => deltas.push(d) }));
      assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: The model produced output that does not match the expected peg-native format (500).`);
      assert.deepEqual(deltas, ['a', 'b']);
    });

    it('a stream that ends without finish chunk and without [DONE] is cut off', async () => {
      await setup(replyWith({ kind: 'cut', pieces: ['a', 'b'] }));
      const err = await failure('stream');
      assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: the answer was cut off before it finished.`);
    });

    it('a connection destroyed mid-stream is a stream error, not unreachable', async () => {
      await setup(replyWith({ kind: 'cut', pieces: ['a'], abrupt: true, chunkDelayMs: 20 }));
      await failure('stream');
    });

    it('a failed load during sendLoadingState: loading chunks, then raw error JSON without data:', async () => {
      await setup({ loaded: undefined, sendLoadingState: true, loadingTickMs: 20, models: [{ id: 'qwen-7b', loadMs: 80, failLoad: 'health check timed out after 2m0s' }] });
      const loading: string[] = [];
      const err = await failure('stream', request({ onLoading: (m) => loading.push(m) }));
      assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: unable to start process: health check timed out after 2m0s.`);
      assert.deepEqual(loading, ['llama-swap loading model: qwen-7b']);
      assert.match(err.detail ?? '', /^\{"src":"llama-swap"/);
    });

    it('the same raw error line followed by a newline and more bytes', async () => {
      await setup(replyWith({ kind: 'raw', chunks: ['data: {"choices":[{"delta":{"reasoning_content":"llama-swap loading model: qwen-7b\\n"}}]}\n\n', '{"error":{"message":"upstream exited","type":"server_error","code":502}}\n'], then: 'hang' }));
      const err = await failure('stream');
      assert.match(err.message, /: upstream exited \(502\)\.$/);
    });

    it('an old llama-swap "Unable to swap model" progress line explains the cut stream', async () => {
      const say = (t: string) => `data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: t } }] })}\n\n`;
      await setup(replyWith({ kind: 'raw', chunks: [say('━━━━━\n'), say('llama-swap loading model: qwen-7b\n'), say('Unable to swap model err: unable to start process: exit status 1\n'), say('\nDone! (0.10s)\n')] }));
      const err = await failure('stream');
      assert.match(err.message, /: Unable to swap model err: unable to start process: exit status 1\.$/);
    });

    it('a malformed JSON chunk is a protocol error', async () => {
      await setup(replyWith({ kind: 'raw', chunks: ['data: {"choices":[{"delta":{"content":"a"}}]}\n\n', 'data: {"choices":[{"delta":\n\n', 'data: [DONE]\n\n'] }));
      const err = await failure('protocol');
      assert.match(err.detail ?? '', /^\{"choices"/);
    });
  });

  describe('timeouts', () => {
    it('first-byte timeout when nothing answers (no headers)', async () => {
      await setup(replyWith({ kind: 'stall' }), { firstByteTimeoutMs: 200 });
      const started = performance.now();
      const err = await failure('timeout');
      const took = performance.now() - started;
      assert.ok(took >= 190 && took < 1000, `took ${took}`);
      assert.match(err.message, /within 200 ms/);
      await waitFor(() => fake.requests[0].socketClosedAt !== undefined, 500);
    });

    it('the first-byte timer also covers the first body byte after early headers', async () => {
      await setup(replyWith({ kind: 'raw', chunks: [], then: 'hang' }), { firstByteTimeoutMs: 200, idleTimeoutMs: 5000 });
      await failure('timeout');
    });

    it('a slow cold load within the first-byte limit is not failed (the idle timer starts only after data)', async () => {
      await setup({ loaded: undefined, models: [{ id: 'qwen-7b', loadMs: 400 }] }, { firstByteTimeoutMs: 1500, idleTimeoutMs: 100 });
      const result = await client.chat(request());
      assert.equal(result.text, 'Hello from qwen-7b');
    });

    it('a cold load with sendLoadingState longer than the idle timeout is not cut while within the first-byte bound', async () => {
      await setup({ loaded: undefined, sendLoadingState: true, loadingTickMs: 30, models: [{ id: 'qwen-7b', loadMs: 500 }] }, { firstByteTimeoutMs: 2000, idleTimeoutMs: 150 });
      const result = await client.chat(request());
      assert.equal(result.text, 'Hello from qwen-7b');
      assert.ok((result.loadMs ?? 0) >= 480);
    });

    it('loading narration does not extend the first-byte bound: a load that narrates past it is cut', async () => {
      await setup({ loaded: undefined, sendLoadingState: true, loadingTickMs: 30, models: [{ id: 'qwen-7b', loadMs: 3000 }] }, { firstByteTimeoutMs: 300, idleTimeoutMs: 150 });
      const loading: string[] = [];
      const err = await failure('timeout', request({ onLoading: (m) => loading.push(m) }));
      assert.match(err.message, /got no answer from llama-swap at .* within 300 ms/);
      assert.ok(loading.some((m) => m.startsWith('llama-swap loading model')), 'the narration was shown meanwhile');
      await waitFor(() => fake.requests[0].socketClosedAt !== undefined, 500);
    });

    it('a thinking model\'s reasoning counts against the size cap and is reported as thinking, never as the answer', async () => {
      const think = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { reasoning_content: text } }] })}\n\n`;
      await setup(replyWith({ kind: 'raw', chunks: Array.from({ length: 40 }, () => think('x'.repeat(100))), then: 'hang' }), { maxAnswerBytes: 2000 });
      let thinking = 0;
      const deltas: string[] = [];
      const err = await failure('too-large', request({ onThinking: () => thinking++, onText: (d) => deltas.push(d) }));
      assert.match(err.message, /sent an answer over 2000 bytes/);
      assert.ok(thinking > 0, 'progress heard that the model is thinking');
      assert.deepEqual(deltas, []);
    });

    it('idle timeout when a started stream goes silent', async () => {
      await setup(replyWith({ kind: 'silent', pieces: ['a', 'b'] }), { idleTimeoutMs: 200 });
      const deltas: string[] = [];
      const err = await failure('timeout', request({ onText: (d) => deltas.push(d) }));
      assert.match(err.message, /went silent for 200 ms/);
      assert.deepEqual(deltas, ['a', 'b']);
      await waitFor(() => fake.requests[0].socketClosedAt !== undefined, 500);
    });
  });

  describe('cancellation and size', () => {
    it('aborting the signal mid-stream rejects as cancelled and closes the connection at once', async () => {
      // The server holds the stream open after one piece: only the abort can end it.
      await setup(replyWith({ kind: 'silent', pieces: ['a'] }));
      const controller = new AbortController();
      let abortedAt = 0;
      const err = await failure('cancelled', request({
        signal: controller.signal,
        onText: () => {
          abortedAt = performance.now();
          controller.abort();
        },
      }));
      assert.equal(err.message, `qwen-7b on llama-swap at ${fake.url} was cancelled.`);
      assert.ok(performance.now() - abortedAt < 100, 'rejected at once');
      await waitFor(() => fake.requests[0].socketClosedAt !== undefined, 200);
      assert.ok(fake.requests[0].socketClosedAt! - abortedAt < 200);
    });

    it('aborting while waiting for headers cancels too', async () => {
      await setup(replyWith({ kind: 'stall' }));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await failure('cancelled', request({ signal: controller.signal }));
      await waitFor(() => fake.requests[0].socketClosedAt !== undefined, 200);
    });

    it('an already aborted signal sends nothing', async () => {
      await setup();
      const controller = new AbortController();
      controller.abort();
      await failure('cancelled', request({ signal: controller.signal }));
      assert.equal(fake.requests.length, 0);
    });

    it('an answer over maxAnswerBytes is cut: too-large, connection closed', async () => {
      await setup(replyWith({ kind: 'oversized', bytes: 400_000 }), { maxAnswerBytes: 64 * 1024 });
      const err = await failure('too-large');
      assert.match(err.message, /over 64 KiB/);
      await waitFor(() => fake.requests[0].socketClosedAt !== undefined, 500);
    });
  });

  describe('helpers', () => {
    it('reads Retry-After as seconds or an HTTP date', () => {
      assert.equal(retryAfterMs('2'), 2000);
      assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 7_000), 3000);
      assert.equal(retryAfterMs(undefined), undefined);
      assert.equal(retryAfterMs('soon'), undefined);
    });

    it('shows the server without credentials, query or trailing slash', () => {
      assert.equal(displayAddress('http://user:secret@127.0.0.1:8080/swap/?k=1'), 'http://127.0.0.1:8080/swap');
    });
  });
});

async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) assert.fail(`condition not met within ${ms} ms`);
    await sleep(5);
  }
}
