// Replays byte-exact responses of a genuine llama-server (test/fixtures/llama-server, copied from the
// shared captures) through the fake, split at odd byte offsets so SSE lines and UTF-8 characters
// straddle network chunks.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { BackendError, type ChatRequest } from '../../src/core/types';
import { FakeLlamaSwap, type ChatReply } from '../fakes/fakeLlamaSwap';

// Compiled to out/test/unit; the fixtures stay in the repository's test/fixtures.
const FIXTURES = resolve(__dirname, '../../../test/fixtures/llama-server');

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** A fixture as the fake's raw reply: its status, its headers (minus framing), its body in 97-byte pieces. */
function replay(name: string, headersFrom = name): ChatReply {
  const headerLines = fixture(`${headersFrom}.headers`).toString('utf8').split(/\r?\n/);
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(headerLines[0])?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !/^transfer-encoding$/i.test(line.slice(0, colon))) headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  const body = fixture(`${name}.body`);
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += 97) chunks.push(body.subarray(at, at + 97));
  return { kind: 'raw', status, headers, chunks, chunkDelayMs: 1 };
}

/** What the fixture's chunks say, read independently of the client. */
function contentPieces(name: string): { pieces: string[]; last: Record<string, unknown> } {
  const events = fixture(`${name}.body`).toString('utf8').split('\n\n').filter((e) => e.startsWith('data: {'));
  const chunks = events.map((e) => JSON.parse(e.slice('data: '.length)) as { choices?: { delta?: { content?: string | null } }[] });
  const pieces = chunks.map((c) => c.choices?.[0]?.delta?.content).filter((p): p is string => typeof p === 'string' && p !== '');
  return { pieces, last: chunks[chunks.length - 1] as unknown as Record<string, unknown> };
}

describe('LlamaSwapClient replaying real llama-server fixtures', function () {
  this.timeout(5000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;

  async function setup(reply: ChatReply): Promise<void> {
    fake = await FakeLlamaSwap.start({ loaded: 'qwen-7b', responder: () => reply });
    client = new LlamaSwapClient({ baseUrl: fake.url });
  }

  function request(deltas: string[] = []): ChatRequest {
    return { model: 'qwen-7b', messages: [{ role: 'user', content: 'Write a haiku about the sea.' }], maxTokens: 20, signal: new AbortController().signal, onText: (d) => deltas.push(d) };
  }

  async function chatError(): Promise<BackendError> {
    const err: unknown = await client.chat(request()).then(() => assert.fail('expected an error'), (e: unknown) => e);
    assert.ok(err instanceof BackendError);
    return err;
  }

  afterEach(async () => {
    await client?.close();
    await fake?.close();
  });

  it('chat_stream: every content piece in order, finish length, tokens from timings', async () => {
    await setup(replay('single-A/chat_stream'));
    const deltas: string[] = [];
    const result = await client.chat(request(deltas));
    const { pieces } = contentPieces('single-A/chat_stream');
    assert.equal(pieces.length, 20);
    assert.deepEqual(deltas, pieces);
    assert.equal(result.text, pieces.join(''));
    assert.deepEqual([result.finishReason, result.inputTokens, result.outputTokens], ['length', 20, 20]);
  });

  it('chat_stream_usage: tokens from the usage chunk (choices: [])', async () => {
    await setup(replay('single-A/chat_stream_usage'));
    const result = await client.chat(request());
    assert.equal(result.text, contentPieces('single-A/chat_stream_usage').pieces.join(''));
    assert.deepEqual([result.finishReason, result.inputTokens, result.outputTokens], ['length', 20, 20]);
  });

  it('chat_stream_timings_per_token: timings on every chunk, the last one counts', async () => {
    await setup(replay('single-A/chat_stream_timings_per_token'));
    const result = await client.chat(request());
    const { last } = contentPieces('single-A/chat_stream_timings_per_token');
    assert.equal(result.outputTokens, (last.timings as { predicted_n: number }).predicted_n);
  });

  it('chat_stream_midstream_error: the pieces, then a stream error with the server\'s message', async () => {
    await setup(replay('single-A/chat_stream_midstream_error', 'single-A/chat_stream'));
    const deltas: string[] = [];
    const err: unknown = await client.chat(request(deltas)).then(() => assert.fail('expected an error'), (e: unknown) => e);
    assert.ok(err instanceof BackendError);
    assert.equal(err.kind, 'stream');
    assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: The model produced output that does not match the expected peg-native format (500).`);
    assert.deepEqual(deltas, contentPieces('single-A/chat_stream_midstream_error').pieces);
  });

  it('err_ctx_exceeded_stream: llama-server\'s {"error":{"code","message","type"}} before the stream', async () => {
    await setup(replay('single-A/err_ctx_exceeded_stream'));
    const err = await chatError();
    assert.equal(err.kind, 'http');
    assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: request (12004 tokens) exceeds the available context size (2048 tokens), try increasing it (400).`);
    assert.equal(err.detail, fixture('single-A/err_ctx_exceeded_stream.body').toString('utf8'));
  });

  it('err_malformed: a 500 JSON error', async () => {
    await setup(replay('single-A/err_malformed'));
    const err = await chatError();
    assert.equal(err.status, 500);
    assert.match(err.message, /: \[json\.exception\.parse_error\.101\] parse error at line 1, column 49: .* expected '\]' \(500\)\.$/);
  });

  it('router err_unknown_model: llama-server router mode\'s 400 for an unknown model', async () => {
    await setup(replay('router/err_unknown_model'));
    const err = await chatError();
    assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: model 'no-such-model' not found (400).`);
  });

  it('router-failed-load chat_autoload_broken: a model that fails to load', async () => {
    await setup(replay('router-failed-load/chat_autoload_broken'));
    const err = await chatError();
    assert.equal(err.message, `qwen-7b failed on llama-swap at ${fake.url}: model name=broken-truncated failed to load (500).`);
  });
});
