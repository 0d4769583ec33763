// The Anthropic backend against the fake Messages API on 127.0.0.1, through the real SDK.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { AnthropicBackend, type AnthropicOptions } from '../../src/backends/anthropic';
import { BackendError, type ChatRequest } from '../../src/core/types';
import { FakeAnthropic, type FakeReply } from '../fakes/fakeAnthropic';
import { assertOneSentence, closedPort } from '../support/checks';

const KEY = 'sk-ant-unit-0123456789abcdef';
const MODEL = 'claude-sonnet-4-6'; // 4-5 makes this SDK print a deprecation warning per call

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: MODEL,
    messages: [{ role: 'user', content: 'Say hello.' }],
    maxTokens: 256,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof BackendError, `not a BackendError: ${String(err)}`);
    return err;
  }
  return assert.fail('expected the chat to fail');
}

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves to true if `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(() => true, () => true);
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('AnthropicBackend', function () {
  this.timeout(5000);
  let fake: FakeAnthropic;
  const backend = (options: Partial<AnthropicOptions> = {}): AnthropicBackend =>
    new AnthropicBackend({ getApiKey: () => Promise.resolve(KEY), baseUrl: fake.url, ...options });
  const reply = (r: FakeReply): void => {
    fake.responder = () => r;
  };

  beforeEach(async () => {
    fake = await FakeAnthropic.start({ apiKey: KEY, knownModels: [MODEL, 'claude-haiku-4-5'] });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('loads the SDK on the first chat, not when constructed', async () => {
    // A fresh process: this one may already hold the SDK from other tests.
    const modulePath = path.resolve(__dirname, '../../src/backends/anthropic.js');
    const script = `
      const sdkLoaded = () => Object.keys(require.cache).some((k) => k.includes(${JSON.stringify(`${path.sep}@anthropic-ai${path.sep}sdk${path.sep}`)}));
      const { AnthropicBackend } = require(${JSON.stringify(modulePath)});
      const backend = new AnthropicBackend({ getApiKey: async () => 'k', baseUrl: 'http://127.0.0.1:${await closedPort()}', maxRetries: 0 });
      const afterConstruct = sdkLoaded();
      backend.chat({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, signal: new AbortController().signal })
        .catch((e) => console.log(JSON.stringify({ afterConstruct, afterChat: sdkLoaded(), kind: e.kind })));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 4000 });
    assert.deepEqual(JSON.parse(stdout), { afterConstruct: false, afterChat: true, kind: 'unreachable' });
  });

  it('streams text deltas while the server still holds the stream open', async () => {
    reply({ kind: 'message', pieces: ['Hel', 'lo'], delayMs: 20, end: 'stall' });
    const deltas: string[] = [];
    const controller = new AbortController();
    const chat = backend().chat(request({ signal: controller.signal, onText: (d) => deltas.push(d) }));
    await waitFor(() => deltas.length === 2);
    assert.deepEqual(deltas, ['Hel', 'lo']);
    assert.equal(await within(chat, 50), false, 'the chat ended before the stream did');
    assert.equal(fake.messageRequests[0].finished, false);
    controller.abort();
    assert.equal((await rejection(chat)).kind, 'cancelled');
  });

  it('returns the text and the tokens from message_start and message_delta', async () => {
    reply({ kind: 'message', pieces: ['a', 'b', 'c'], inputTokens: 42, outputTokens: 7 });
    const result = await backend().chat(request());
    assert.deepEqual(result, { text: 'abc', finishReason: 'stop', inputTokens: 42, outputTokens: 7 });
  });

  for (const [stopReason, expected] of [
    ['end_turn', 'stop'], ['stop_sequence', 'stop'], ['max_tokens', 'length'], ['refusal', 'other'],
  ] as const) {
    it(`maps stop_reason ${stopReason} to ${expected}`, async () => {
      reply({ kind: 'message', pieces: ['x'], stopReason });
      assert.equal((await backend().chat(request())).finishReason, expected);
    });
  }

  it('sends the system message as `system`, the rest as messages, and no response format', async () => {
    await backend().chat(request({
      messages: [
        { role: 'system', content: 'You judge code.' },
        { role: 'user', content: 'Is this fine?' },
        { role: 'assistant', content: 'Let me see.' },
        { role: 'user', content: 'Answer in JSON.' },
      ],
      temperature: 0.2,
      jsonSchema: { name: 'verdict', schema: { type: 'object' } },
    }));
    const body = fake.messageRequests[0].body ?? {};
    assert.equal(body.system, 'You judge code.');
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'Is this fine?' },
      { role: 'assistant', content: 'Let me see.' },
      { role: 'user', content: 'Answer in JSON.' },
    ]);
    assert.equal(body.model, MODEL);
    assert.equal(body.max_tokens, 256);
    assert.equal(body.temperature, 0.2);
    assert.equal(body.stream, true);
    assert.deepEqual(Object.keys(body).sort(), ['max_tokens', 'messages', 'model', 'stream', 'system', 'temperature']);
  });

  it('fails with kind auth and makes no request when no key is set', async () => {
    for (const key of [undefined, '', '  ']) {
      const err = await rejection(backend({ getApiKey: () => Promise.resolve(key) }).chat(request()));
      assert.equal(err.kind, 'auth');
      assert.equal(err.message, `No Anthropic API key is set for ${MODEL}: run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY.`);
    }
    assert.equal(fake.requests.length, 0);
  });

  it('turns 401 into kind auth with one sentence naming the model and the server', async () => {
    const err = await rejection(backend({ getApiKey: () => Promise.resolve('sk-ant-wrong-key-987654') }).chat(request()));
    assert.equal(err.kind, 'auth');
    assert.equal(err.status, 401);
    assert.equal(err.message, `Anthropic rejected the API key for ${MODEL} (401 at ${fake.url}); run "Hyperguild: Set Anthropic API Key".`);
    assert.match(err.detail ?? '', /authentication_error/);
    assert.equal(fake.requests.length, 1, '401 is not retried');
  });

  it('turns 404 for an unknown model into one sentence naming the model and the server', async () => {
    const err = await rejection(backend().chat(request({ model: 'claude-foo' })));
    assert.equal(err.kind, 'http');
    assert.equal(err.status, 404);
    assert.equal(err.message, `claude-foo is not a model Anthropic knows (404 at ${fake.url}).`);
    assert.match(err.detail ?? '', /not_found_error/);
  });

  it('turns 400 into one sentence with the model and the API message, the body in detail', async () => {
    reply({ kind: 'error', status: 400, type: 'invalid_request_error', message: 'max_tokens: 999999 > 64000, which is the maximum.' });
    const err = await rejection(backend().chat(request()));
    assert.equal(err.kind, 'http');
    assert.equal(err.status, 400);
    assert.ok(err.message.includes(MODEL) && err.message.includes(fake.url) && err.message.includes('max_tokens: 999999 > 64000'), err.message);
    assertOneSentence(err.message);
    assert.match(err.detail ?? '', /"type":"invalid_request_error"/);
    assert.equal(fake.requests.length, 1, '400 is not retried');
  });

  it('retries 429 a bounded number of times, then fails naming the model', async () => {
    reply({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.', retryAfterMs: 5 });
    const err = await rejection(backend({ maxRetries: 2 }).chat(request()));
    assert.equal(fake.messageRequests.length, 3);
    assert.equal(err.kind, 'http');
    assert.equal(err.status, 429);
    assert.equal(err.message, `Anthropic rate-limited ${MODEL} (429 at ${fake.url}); tried 3 times.`);
  });

  it('a 429 asking for a wait longer than the first-byte budget is reported as the 429 at once, not as a timeout', async () => {
    reply({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.', retryAfterMs: 120_000 });
    const err = await rejection(backend({ maxRetries: 2, firstByteTimeoutMs: 2_000 }).chat(request()));
    assert.equal(err.kind, 'http');
    assert.equal(err.status, 429);
    assert.equal(err.message, `Anthropic rate-limited ${MODEL} (429 at ${fake.url}) and asked to wait 120 s, longer than the time left; tried once.`);
    assertOneSentence(err.message);
    assert.equal(fake.messageRequests.length, 1, 'a wait past the budget is not waited out');
    assert.equal(err.serverSilent, false, 'the server answered: later tiers may still ask it');
  });

  it('retries 529 a bounded number of times, then fails naming the model', async () => {
    reply({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded', retryAfterMs: 5 });
    const err = await rejection(backend({ maxRetries: 1 }).chat(request()));
    assert.equal(fake.messageRequests.length, 2);
    assert.equal(err.status, 529);
    assert.equal(err.message, `Anthropic is overloaded (529) for ${MODEL} at ${fake.url}; tried 2 times.`);
    assertOneSentence(err.message);
  });

  it('succeeds when a 429 is followed by an answer', async () => {
    fake.responder = (_req, index) => index === 0
      ? { kind: 'error', status: 429, type: 'rate_limit_error', message: 'slow down', retryAfterMs: 5 }
      : { kind: 'message', pieces: ['ok'] };
    const result = await backend().chat(request());
    assert.equal(result.text, 'ok');
    assert.equal(fake.messageRequests.length, 2);
  });

  it('turns an error event mid-stream into kind stream with its message', async () => {
    reply({ kind: 'message', pieces: ['par', 'tial'], end: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const deltas: string[] = [];
    const err = await rejection(backend().chat(request({ onText: (d) => deltas.push(d) })));
    assert.equal(err.kind, 'stream');
    assert.equal(err.message, `Anthropic's stream for ${MODEL} failed mid-answer at ${fake.url}: Overloaded.`);
    assert.deepEqual(deltas, ['par', 'tial']);
    assert.equal(fake.messageRequests.length, 1, 'a failed stream is not retried');
  });

  it('turns a stream that ends without message_stop into kind stream', async () => {
    reply({ kind: 'message', pieces: ['cut'], end: 'cut' });
    const err = await rejection(backend().chat(request()));
    assert.equal(err.kind, 'stream');
    assert.match(err.message, /cut off/);
    assert.ok(err.message.includes(MODEL));
  });

  it('cancels at once and closes the connection mid-stream', async () => {
    reply({ kind: 'message', pieces: ['first'], end: 'stall' });
    const controller = new AbortController();
    let started = false;
    const chat = backend().chat(request({ signal: controller.signal, onText: () => (started = true) }));
    await waitFor(() => started);
    const t0 = Date.now();
    controller.abort();
    const err = await rejection(chat);
    assert.equal(err.kind, 'cancelled');
    assert.ok(Date.now() - t0 < 200, `cancel took ${Date.now() - t0} ms`);
    assert.equal(await within(fake.messageRequests[0].closed, 500), true, 'the server still holds the connection');
    assert.equal(fake.messageRequests[0].finished, false);
  });

  it('cancels while waiting for the first byte, and makes no request when already cancelled', async () => {
    reply({ kind: 'stall' });
    const controller = new AbortController();
    const chat = backend().chat(request({ signal: controller.signal }));
    await waitFor(() => fake.messageRequests.length === 1);
    controller.abort();
    assert.equal((await rejection(chat)).kind, 'cancelled');
    assert.equal(await within(fake.messageRequests[0].closed, 500), true);
    const aborted = AbortSignal.abort();
    assert.equal((await rejection(backend().chat(request({ signal: aborted })))).kind, 'cancelled');
    assert.equal(fake.requests.length, 1);
  });

  it('times out when the first byte does not come, retries included', async () => {
    reply({ kind: 'stall' });
    const t0 = Date.now();
    const err = await rejection(backend({ firstByteTimeoutMs: 150 }).chat(request()));
    assert.equal(err.kind, 'timeout');
    assert.ok(err.message.includes(MODEL), err.message);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  });

  it('times out when a started stream goes idle, and closes the connection', async () => {
    reply({ kind: 'message', pieces: ['a'], end: 'stall' });
    const t0 = Date.now();
    const err = await rejection(backend({ idleTimeoutMs: 150 }).chat(request()));
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /went silent/);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
    assert.equal(await within(fake.messageRequests[0].closed, 500), true);
  });

  it('stops reading at the size cap with kind too-large', async () => {
    reply({ kind: 'message', pieces: ['123456', '789012', '345678'], end: 'stall' });
    const deltas: string[] = [];
    const err = await rejection(backend({ maxAnswerBytes: 10 }).chat(request({ onText: (d) => deltas.push(d) })));
    assert.equal(err.kind, 'too-large');
    assert.deepEqual(deltas, ['123456']);
    assert.equal(await within(fake.messageRequests[0].closed, 500), true);
  });

  it('reports a refused connection as unreachable', async () => {
    const port = await closedPort();
    const err = await rejection(backend({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 }).chat(request()));
    assert.equal(err.kind, 'unreachable');
    assert.equal(err.message, `Anthropic is unreachable at http://127.0.0.1:${port} for ${MODEL} (ECONNREFUSED).`);
  });

  it('sends the key only in x-api-key and never puts it in an error', async () => {
    const errors: BackendError[] = [];
    await backend().chat(request());
    // A server that echoes the key back must not get it into our messages.
    fake.responder = (req) => ({ kind: 'error', status: 400, type: 'invalid_request_error', message: `bad request for key ${String(req.headers['x-api-key'])}` });
    errors.push(await rejection(backend().chat(request())));
    reply({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'limited', retryAfterMs: 1 });
    errors.push(await rejection(backend({ maxRetries: 0 }).chat(request())));
    reply({ kind: 'message', pieces: ['x'], end: 'error', error: { type: 'api_error', message: `oops ${KEY}` } });
    errors.push(await rejection(backend().chat(request())));
    const wrongKey = 'sk-ant-wrong-5555555555';
    const wrong = await rejection(backend({ getApiKey: () => Promise.resolve(wrongKey) }).chat(request()));
    assert.equal(fake.requests.length, 5);
    for (const [i, req] of fake.requests.entries()) {
      assert.equal(req.headers['x-api-key'], i === 4 ? wrongKey : KEY);
      assert.equal(req.headers.authorization, undefined);
      const others = Object.entries(req.headers).filter(([name]) => name !== 'x-api-key');
      assert.ok(!JSON.stringify(others).includes(KEY) && !JSON.stringify(req.body).includes(KEY));
    }
    for (const err of errors) {
      assert.ok(!`${err.message} ${err.detail ?? ''} ${err.stack ?? ''}`.includes(KEY), err.message);
    }
    assert.match(errors[0].message, /\[redacted\]/);
    assert.ok(!`${wrong.message} ${wrong.detail ?? ''}`.includes(wrongKey));
  });
});
