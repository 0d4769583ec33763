// Fault matrix, engine rows (docs/reliability.md): the verifier failing in every way, cancellation between
// tiers, a stream cut or garbled in ways the protocol tests do not cover, the answer size cap at its default,
// and what the run result tells the user and the log. Real clients against the fakes on 127.0.0.1 where the
// protocol matters; the scripted backend where only the walk does.
import * as assert from 'node:assert/strict';
import { AnthropicBackend } from '../../src/backends/anthropic';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { parseChain, type Tier } from '../../src/core/engine/chain';
import { runChain, type RunEvent, type RunOptions } from '../../src/core/engine/orchestrator';
import type { Task } from '../../src/core/engine/prompts';
import { toRunReport } from '../../src/core/engine/report';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { BackendError, type ChatRequest } from '../../src/core/types';
import { UNREADABLE } from '../../src/core/engine/verifier';
import { FakeLlamaSwap, type ChatReply } from '../fakes/fakeLlamaSwap';
import { ScriptedBackend, accept, escalate, fence } from '../support/scriptedBackend';
import { assertOneSentence, closedPort } from '../support/checks';

const task: Task = { filePath: 'a.ts', languageId: 'typescript', selection: 'let x = 1;\nx++;', before: '', after: '' };
const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;
const isJudge = (body: unknown) => typeof body === 'object' && body !== null && 'response_format' in body;

function tiers(...names: unknown[]): Tier[] {
  const r = parseChain(names);
  if (!r.ok) throw new Error(r.message);
  return r.tiers;
}

describe('faults: the verifier (real llama-swap client, fake server)', function () {
  this.timeout(8000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;
  let judgeReply: ChatReply;

  beforeEach(async () => {
    fake = await FakeLlamaSwap.start({
      models: [{ id: 'qwen-7b' }],
      loaded: 'qwen-7b',
      responder: (r) => (isJudge(r.body) ? judgeReply : { kind: 'text', pieces: [fence('let x = 2;')], finish: 'stop' }),
    });
    client = new LlamaSwapClient({ baseUrl: fake.url, firstByteTimeoutMs: 300, idleTimeoutMs: 300 });
  });

  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  /** qwen-7b answers, its judge does `judgeReply`; a cloud tier stands behind it. */
  async function walk(extra: Partial<RunOptions> = {}) {
    const cloud = new ScriptedBackend('anthropic').on('claude-sonnet-4-6', { answer: fence('let x = 3;') });
    const result = await runChain({
      tiers: tiers('qwen-7b', 'claude-sonnet-4-6'), skill: refactor, task, maxTokens: 256,
      backends: { 'llama-swap': client, anthropic: cloud }, ...extra,
    });
    return { result, cloud };
  }

  const unreadable: [string, string][] = [
    ['not JSON', 'Looks good to me!'],
    ['JSON of the wrong shape (no feedback)', '{"verdict":"accept"}'],
    ['JSON of the wrong shape (unknown verdict)', '{"verdict":"yes","feedback":"fine"}'],
    ['JSON of the wrong shape (a list)', '[{"verdict":"accept","feedback":"fine"}]'],
    ['JSON followed by prose', '{"verdict":"accept","feedback":"fine"} I am sure.'],
  ];
  for (const [name, text] of unreadable) {
    it(`a judge answering ${name} is escalate (never accept); the next tier gets the feedback, the log the text`, async () => {
      judgeReply = { kind: 'text', pieces: [text], finish: 'stop' };
      const { result, cloud } = await walk();
      assert.equal(result.attempts[0].verdict, 'escalate');
      assert.equal(result.attempts[0].feedback, UNREADABLE);
      assert.ok(result.attempts[0].detail?.includes(text), 'the judge\'s words are kept for the log');
      assert.deepEqual(result.accepted, { model: 'claude-sonnet-4-6', tierIndex: 1 });
      assert.match(cloud.calls[0].messages[1].content, /Prior attempt feedback [^\n]*:\n<<<BEGIN FEEDBACK>>>\nthe verifier's answer was unreadable\n<<<END FEEDBACK>>>/);
    });
  }

  it('a judge that accepts the connection and never answers is cut at the first-byte timeout, then escalate', async () => {
    judgeReply = { kind: 'stall' };
    const t0 = Date.now();
    const { result } = await walk();
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    assert.equal(result.attempts[0].verdict, 'escalate');
    assert.match(result.attempts[0].feedback ?? '', /^the verifier failed: qwen-7b got no answer from llama-swap at http:\/\/127\.0\.0\.1:\d+ within 300 ms/);
    assert.equal(result.status, 'accepted');
    assert.equal(result.accepted?.tierIndex, 1);
    const judge = fake.requests.find((r) => isJudge(r.body))!;
    assert.ok(judge.closedAt !== undefined, 'the stalled judge connection was closed');
  });

  it('a self-verifying judge gets no cold-load allowance: its model just answered, so it is cut at the warm bound', async () => {
    judgeReply = { kind: 'stall' };
    const patient = new LlamaSwapClient({ baseUrl: fake.url, firstByteTimeoutMs: 30_000, idleTimeoutMs: 30_000 });
    try {
      const t0 = Date.now();
      const cloud = new ScriptedBackend('anthropic').on('claude-sonnet-4-6', { answer: fence('let x = 3;') });
      const result = await runChain({
        tiers: tiers('qwen-7b', 'claude-sonnet-4-6'), skill: refactor, task, maxTokens: 256, warmJudgeFirstByteMs: 250,
        backends: { 'llama-swap': patient, anthropic: cloud },
      });
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms, not the client's 30 s`);
      assert.match(result.attempts[0].feedback ?? '', /^the verifier failed: .*within 250 ms/);
      assert.equal(result.accepted?.tierIndex, 1);
    } finally {
      await patient.close();
    }
  });

  it('a judge that starts and then goes silent is cut at the idle timeout, then escalate', async () => {
    judgeReply = { kind: 'silent', pieces: ['{"verdict":'] };
    const { result } = await walk();
    assert.equal(result.attempts[0].verdict, 'escalate');
    assert.match(result.attempts[0].feedback ?? '', /^the verifier failed: .*went silent for 300 ms/);
  });

  it('an unreachable judge (a Claude verifier behind a closed port) is escalate, with the cause chain for the log', async () => {
    const port = await closedPort();
    const judgeBackend = new AnthropicBackend({ getApiKey: () => Promise.resolve('sk-ant-unit-key'), baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const local = client;
    // The generation runs on llama-swap; the configured verifier model is a Claude model on the dead address.
    const { result } = await walk({
      verifierModel: 'claude-haiku-4-5',
      backends: { 'llama-swap': local, anthropic: { id: 'anthropic', chat: (r: ChatRequest) => (r.jsonSchema ? judgeBackend.chat(r) : Promise.resolve({ text: fence('let x = 3;'), finishReason: 'stop' })) } },
    });
    assert.equal(result.attempts[0].verdict, 'escalate');
    assert.equal(result.attempts[0].feedback, `the verifier failed: Anthropic is unreachable at http://127.0.0.1:${port} for claude-haiku-4-5 (ECONNREFUSED).`);
    assert.match(result.attempts[0].detail ?? '', /ECONNREFUSED/);
    assert.equal(result.accepted?.tierIndex, 1, 'the next tier was asked');
  });

  it('a judge on a dead llama-swap is escalate, never accept, and the run says why in one sentence', async () => {
    judgeReply = { kind: 'error', status: 502 };
    const result = (await runChain({
      tiers: tiers('qwen-7b'), skill: refactor, task, maxTokens: 256,
      backends: { 'llama-swap': client, anthropic: new ScriptedBackend('anthropic') },
    }));
    assert.equal(result.status, 'exhausted');
    assert.equal(result.proposal, undefined);
    assertOneSentence(result.message);
    assert.equal(result.message, `No answer was accepted after 1 attempt (qwen-7b: the verifier failed: qwen-7b failed on llama-swap at ${fake.url}: the model process stopped answering (empty reply) (502)).`);
  });
});

describe('faults: cancellation between tiers', () => {
  it('a cancel that lands after a tier finished and before the next starts: no further request, status cancelled', async () => {
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: fence('let x = 9;') }).on('judge:a', escalate('wrong value')).on('b', { answer: fence('let x = 2;') });
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const result = await runChain({
      tiers: tiers('a', 'b'), skill: refactor, task, maxTokens: 256, signal: controller.signal,
      backends: { 'llama-swap': local, anthropic: new ScriptedBackend('anthropic') },
      onEvent: (e) => {
        events.push(e);
        // The attempt event of tier 1 is the last thing before tier 2 starts.
        if (e.type === 'attempt' && e.attempt.tierIndex === 0) controller.abort();
      },
    });
    assert.equal(result.status, 'cancelled');
    assert.equal(result.message, 'The run was cancelled.');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.verdict]), [['a', 'escalate']]);
    assert.equal(local.calls.length, 2, 'tier b was never asked');
    assert.ok(!events.some((e) => e.type === 'tier-start' && e.tierIndex === 1));
  });

  it('a cancel while a tier streams ends the run at once (the stage that has its own request)', async () => {
    const local = new ScriptedBackend('llama-swap').on('a', { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await runChain({
      tiers: tiers('a', 'b'), skill: refactor, task, maxTokens: 256, signal: controller.signal,
      backends: { 'llama-swap': local, anthropic: new ScriptedBackend('anthropic') },
    });
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(result.attempts.map((a) => [a.verdict, a.feedback]), [['error', 'cancelled']]);
  });
});

describe('faults: what a failed run tells the user and the log', () => {
  it('every tier failing gives one sentence naming each reason; the bodies go to the attempt detail, not the report', async () => {
    const local = new ScriptedBackend('llama-swap');
    local.on('qwen-7b', { error: new BackendError('unreachable', 'llama-swap at http://127.0.0.1:9 is not reachable for qwen-7b (connection refused); start it or fix hyperguild.llamaSwapUrl.', undefined, 'Error: connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)') });
    const cloud = new ScriptedBackend('anthropic');
    cloud.on('claude-sonnet-4-6', { error: new BackendError('auth', 'No Anthropic API key is set for claude-sonnet-4-6: run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY.') });
    const result = await runChain({ tiers: tiers('qwen-7b', 'claude-sonnet-4-6'), skill: refactor, task, maxTokens: 256, backends: { 'llama-swap': local, anthropic: cloud } });
    assert.equal(result.status, 'exhausted');
    assertOneSentence(result.message);
    assert.match(result.message ?? '', /after 2 attempts \(qwen-7b: .*start it or fix hyperguild\.llamaSwapUrl; claude-sonnet-4-6: .*run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY\)\.$/);
    assert.equal(result.attempts[0].detail, 'Error: connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)');
    const report = toRunReport(result, task.selection);
    assert.ok(!JSON.stringify(report).includes('ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)'), 'detail stays out of the report');
    assert.equal(report.message, result.message);
  });

  it('a backend that throws something other than a BackendError is an error attempt with its stack for the log', async () => {
    const local = { id: 'llama-swap' as const, chat: () => Promise.reject(new TypeError('boom')) };
    const result = await runChain({ tiers: tiers('qwen-7b'), skill: refactor, task, maxTokens: 256, backends: { 'llama-swap': local, anthropic: new ScriptedBackend('anthropic') } });
    assert.equal(result.status, 'exhausted');
    assert.equal(result.attempts[0].feedback, 'boom');
    assert.match(result.attempts[0].detail ?? '', /TypeError: boom\n\s+at /);
  });

  it('a verifier that judges a good answer accept still leads to a proposal (the control for the rows above)', async () => {
    const local = new ScriptedBackend('llama-swap').on('q', { answer: fence('let x = 2;') }).on('judge:q', accept());
    const result = await runChain({ tiers: tiers('q'), skill: refactor, task, maxTokens: 256, backends: { 'llama-swap': local, anthropic: new ScriptedBackend('anthropic') } });
    assert.equal(result.status, 'accepted');
  });
});

describe('faults: streams cut, garbled or too large (real client, fake server)', function () {
  this.timeout(8000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;

  afterEach(async () => {
    await client?.close();
    await fake?.close();
  });

  async function failWith(reply: ChatReply, onText?: (d: string) => void): Promise<BackendError> {
    fake = await FakeLlamaSwap.start({ loaded: 'qwen-7b', responder: () => reply });
    client = new LlamaSwapClient({ baseUrl: fake.url });
    const err: unknown = await client.chat({ model: 'qwen-7b', messages: [{ role: 'user', content: 'hi' }], maxTokens: 4096, signal: new AbortController().signal, onText })
      .then(() => assert.fail('expected an error'), (e: unknown) => e);
    assert.ok(err instanceof BackendError, String(err));
    assertOneSentence(err.message);
    assert.ok(err.message.includes('qwen-7b') && err.message.includes(fake.url), err.message);
    return err;
  }

  const sse = (json: object) => `data: ${JSON.stringify(json)}\n\n`;
  const piece = (content: string) => sse({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

  it('a chunk truncated mid-JSON as the connection ends is an error, never a short answer', async () => {
    const err = await failWith({ kind: 'raw', chunks: [piece('let a'), 'data: {"choices":[{"delta":{"con'] });
    assert.ok(err.kind === 'protocol' || err.kind === 'stream', err.kind);
  });

  it('a chunk truncated mid-JSON and then destroyed is an error', async () => {
    const err = await failWith({ kind: 'raw', chunks: [piece('let a'), 'data: {"choices":[{"del'], chunkDelayMs: 30, then: 'destroy' });
    assert.ok(err.kind === 'protocol' || err.kind === 'stream', err.kind);
  });

  it('a chunk that is JSON but not an object, or whose choices are not a list, is a protocol error', async () => {
    assert.equal((await failWith({ kind: 'raw', chunks: [piece('a'), 'data: 42\n\n', 'data: [DONE]\n\n'] })).kind, 'protocol');
    await client.close();
    await fake.close();
    assert.equal((await failWith({ kind: 'raw', chunks: [piece('a'), sse({ choices: { 0: 'x' } }), 'data: [DONE]\n\n'] })).kind, 'protocol');
  });

  it('an HTML page instead of a stream (a proxy in the way) is an error that quotes it', async () => {
    const err = await failWith({ kind: 'raw', headers: { 'Content-Type': 'text/html' }, chunks: ['<html><body>Bad gateway</body></html>\n'] });
    assert.equal(err.kind, 'stream');
    assert.match(err.message, /<html><body>Bad gateway<\/body><\/html>/);
  });

  it('an answer over the default 1 MiB cap: reading stops, too-large, no more than the cap delivered, connection closed', async () => {
    let delivered = 0;
    const err = await failWith({ kind: 'oversized', bytes: 1_300_000 }, (d) => (delivered += Buffer.byteLength(d)));
    assert.equal(err.kind, 'too-large');
    assert.match(err.message, /over 1 MiB, so it was cut\.$/);
    assert.ok(delivered <= 1024 * 1024, `delivered ${delivered} bytes`);
    const deadline = Date.now() + 1000;
    while (fake.requests[0].socketClosedAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(fake.requests[0].socketClosedAt !== undefined, 'connection closed');
  });
});

describe('faults: a server that does not answer is asked once per run (real client, fake server)', function () {
  this.timeout(8000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;
  let reply: (model: string) => ChatReply;

  beforeEach(async () => {
    fake = await FakeLlamaSwap.start({
      models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
      responder: (r) => reply(r.model ?? ''),
    });
    client = new LlamaSwapClient({ baseUrl: fake.url, firstByteTimeoutMs: 400, idleTimeoutMs: 400 });
  });

  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  const walk = (cloud: ScriptedBackend) => runChain({
    tiers: tiers('qwen-7b', 'qwen-32b', 'claude-sonnet-4-6'), skill: refactor, task, maxTokens: 256,
    backends: { 'llama-swap': client, anthropic: cloud },
  });

  it('accepts the connection and never answers: the first local tier waits its timeout, the second is skipped at once', async () => {
    reply = () => ({ kind: 'stall' });
    const cloud = new ScriptedBackend('anthropic').on('claude-sonnet-4-6', { answer: fence('let x = 3;') });
    const result = await walk(cloud);
    assert.deepEqual(result.accepted, { model: 'claude-sonnet-4-6', tierIndex: 2 });
    assert.equal(fake.count('/v1/chat/completions'), 1, 'qwen-32b was not asked of a server that never answered');
    assert.equal(result.attempts[1].verdict, 'error');
    assert.equal(result.attempts[1].feedback, `skipped: llama-swap at ${fake.url} did not answer earlier in this run`);
  });

  it('unreachable: later tiers on it are skipped without a connection attempt', async () => {
    const port = await closedPort();
    const dead = new LlamaSwapClient({ baseUrl: `http://127.0.0.1:${port}` });
    try {
      const cloud = new ScriptedBackend('anthropic').on('claude-sonnet-4-6', { answer: fence('let x = 3;') });
      const result = await runChain({ tiers: tiers('qwen-7b', 'qwen-32b', 'claude-sonnet-4-6'), skill: refactor, task, maxTokens: 256, backends: { 'llama-swap': dead, anthropic: cloud } });
      assert.equal(result.attempts[0].verdict, 'error');
      assert.match(result.attempts[0].feedback ?? '', /not reachable/);
      assert.match(result.attempts[1].feedback ?? '', /^skipped: llama-swap at http:\/\/127\.0\.0\.1:\d+ did not answer earlier in this run$/);
      assert.equal(result.status, 'accepted');
    } finally {
      await dead.close();
    }
  });

  it('a server that answered and then failed mid-answer is asked again for the next tier', async () => {
    reply = (model) => (model === 'qwen-7b' ? { kind: 'silent', pieces: ['Here'] } : { kind: 'text', pieces: [fence('let x = 2;')], finish: 'stop' });
    const cloud = new ScriptedBackend('anthropic');
    fake.responder = (r) => (isJudge(r.body) ? { kind: 'text', pieces: ['{"verdict":"accept","feedback":"ok"}'], finish: 'stop' } : reply(r.model ?? ''));
    const result = await walk(cloud);
    assert.deepEqual(result.accepted, { model: 'qwen-32b', tierIndex: 1 });
    assert.equal(cloud.calls.length, 0);
  });
});
