import * as assert from 'node:assert/strict';
import { parseChain, type Tier } from '../../src/core/engine/chain';
import { escalateByUser, runChain, type RunEvent, type RunOptions } from '../../src/core/engine/orchestrator';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { BackendError } from '../../src/core/types';
import type { Task } from '../../src/core/engine/prompts';
import { ScriptedBackend, accept, escalate, fence } from '../support/scriptedBackend';

const task: Task = { filePath: 'a.ts', languageId: 'typescript', selection: '  let x = 1;\n  x++;\n', before: '', after: '' };
const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;

function tiers(...names: unknown[]): Tier[] {
  const r = parseChain(names);
  if (!r.ok) throw new Error(r.message);
  return r.tiers;
}

function setup(chain: Tier[], extra: Partial<RunOptions> = {}) {
  const local = new ScriptedBackend('llama-swap');
  const cloud = new ScriptedBackend('anthropic');
  const events: RunEvent[] = [];
  const run = () => runChain({
    tiers: chain, skill: refactor, task, backends: { 'llama-swap': local, anthropic: cloud },
    maxTokens: 256, onEvent: (e) => events.push(e), ...extra,
  });
  return { local, cloud, events, run };
}

describe('orchestrator', () => {
  it('accepts a local answer that its own model judges good, fitted to the selection indentation', async () => {
    const { local, run } = setup(tiers('qwen-7b', 'claude-sonnet-5-5'));
    local.on('qwen-7b', { answer: fence('let x = 2;'), inputTokens: 100, outputTokens: 20 }).on('judge:qwen-7b', accept());
    const r = await run();
    assert.equal(r.status, 'accepted');
    assert.deepEqual(r.accepted, { model: 'qwen-7b', tierIndex: 0 });
    assert.equal(r.proposal, '  let x = 2;\n');
    assert.equal(r.attempts.length, 1);
    assert.equal(r.attempts[0].verdict, 'accept');
    assert.equal(r.attempts[0].costUsd, 0);
    assert.deepEqual(r.cloudCostAvoided, { model: 'claude-sonnet-5-5', usd: (100 * 2 + 20 * 10) / 1e6 });
    // The judge is asked for JSON through json_schema; generation carries none.
    assert.equal(local.calls[0].jsonSchema, undefined);
    assert.deepEqual(local.calls[1].jsonSchema?.schema.required, ['verdict', 'feedback']);
    // The self-judge's model is loaded: a warm first-byte bound; generation keeps the cold-load one.
    assert.equal(local.calls[0].firstByteTimeoutMs, undefined);
    assert.equal(local.calls[1].firstByteTimeoutMs, 60_000);
  });

  it('escalates with accumulated feedback and the rejected answer, and accepts the cloud answer unverified', async () => {
    const { local, cloud, run } = setup(tiers('qwen-7b', 'qwen-32b', 'claude-sonnet-5-5'));
    local.on('qwen-7b', { answer: fence('let x = 9;') }).on('judge:qwen-7b', escalate('x must stay 1 before the increment'));
    local.on('qwen-32b', { answer: fence('var x = 1; x++;') }).on('judge:qwen-32b', escalate('do not use var'));
    cloud.on('claude-sonnet-5-5', { answer: fence('let x = 1;\nx += 1;'), inputTokens: 1000, outputTokens: 100 });
    const r = await run();
    assert.equal(r.status, 'accepted');
    assert.equal(r.accepted?.tierIndex, 2);
    assert.deepEqual(r.attempts.map((a) => a.verdict), ['escalate', 'escalate', 'accept']);
    const lastTask = cloud.calls[0].messages[1].content;
    assert.match(lastTask, /Prior attempt feedback [^\n]*:\n<<<BEGIN FEEDBACK>>>\nx must stay 1 before the increment\n<<<END FEEDBACK>>>/);
    assert.match(lastTask, /Prior attempt feedback [^\n]*:\n<<<BEGIN FEEDBACK>>>\ndo not use var\n<<<END FEEDBACK>>>/);
    assert.ok(lastTask.includes('var x = 1; x++;'), 'the rejected answer is passed on');
    assert.equal(cloud.calls.filter((c) => c.jsonSchema).length, 0, 'cloud answer not judged');
    assert.equal(r.attempts[2].costUsd, (1000 * 2 + 100 * 10) / 1e6);
    assert.equal(r.cloudCostAvoided, undefined);
  });

  it('verifies a cloud tier marked verify: true', async () => {
    const { cloud, run } = setup(tiers({ model: 'claude-haiku-4-5', verify: true }));
    cloud.on('claude-haiku-4-5', { answer: fence('let x = 5;') }).on('judge:claude-haiku-4-5', escalate('wrong value'));
    const r = await run();
    assert.equal(r.status, 'exhausted');
    assert.equal(r.attempts[0].feedback, 'wrong value');
  });

  const gates: [string, object, RegExp][] = [
    ['an empty answer', { answer: '  ' }, /empty/],
    ['no code block', { answer: 'I would rename x.' }, /no fenced code block/],
    ['an answer cut off', { answer: fence('let x = 1;'), finishReason: 'length' }, /cut off/],
    ['an unchanged answer', { answer: fence('let x = 1;\nx++;') }, /identical/],
  ];
  for (const [name, script, reason] of gates) {
    it(`escalates ${name} without a model call`, async () => {
      const { local, run } = setup(tiers('qwen-7b'));
      local.on('qwen-7b', script as never);
      const r = await run();
      assert.equal(r.status, 'exhausted');
      assert.match(r.attempts[0].feedback ?? '', reason);
      assert.equal(local.calls.length, 1, 'no judge call');
    });
  }

  it('treats a verifier failure as escalate, never accept', async () => {
    const { local, run } = setup(tiers('qwen-7b'));
    local.on('qwen-7b', { answer: fence('let y = 1;') }).on('judge:qwen-7b', { error: new BackendError('unreachable', 'llama-swap is not reachable.') });
    const r1 = await run();
    assert.equal(r1.attempts[0].verdict, 'escalate');
    assert.match(r1.attempts[0].feedback ?? '', /verifier failed: llama-swap is not reachable/);

    local.on('qwen-7b', { answer: fence('let y = 1;') }).on('judge:qwen-7b', { answer: 'Looks fine to me!' });
    const r2 = await run();
    assert.equal(r2.attempts[0].feedback, "the verifier's answer was unreadable");
    local.on('qwen-7b', { answer: fence('let y = 1;') }).on('judge:qwen-7b', { answer: '{"verdict":"yes","feedback":1}' });
    const r3 = await run();
    assert.equal(r3.attempts[0].verdict, 'escalate');
  });

  it('uses a configured verifier model instead of self-verification', async () => {
    const { local, cloud, run } = setup(tiers('qwen-7b'), { verifierModel: 'claude-haiku-4-5' });
    local.on('qwen-7b', { answer: fence('let y = 1;') });
    cloud.on('judge:claude-haiku-4-5', accept());
    const r = await run();
    assert.equal(r.status, 'accepted');
    assert.equal(cloud.calls[0].model, 'claude-haiku-4-5');
    assert.equal(cloud.calls[0].firstByteTimeoutMs, undefined, 'a separate judge model may be cold');
  });

  it('records a backend error as an attempt and moves on', async () => {
    const { local, cloud, run } = setup(tiers('qwen-7b', 'claude-sonnet-5-5'));
    local.on('qwen-7b', { error: new BackendError('http', 'qwen-7b failed on llama-swap at http://127.0.0.1:1: no router (404).', 404) });
    cloud.on('claude-sonnet-5-5', { answer: fence('let z = 1;') });
    const r = await run();
    assert.equal(r.status, 'accepted');
    assert.equal(r.attempts[0].verdict, 'error');
    assert.match(r.attempts[0].feedback ?? '', /no router/);
  });

  it('when every tier is spent, says how many attempts and why each failed', async () => {
    const { local, run } = setup(tiers('a', 'b'));
    local.on('a', { answer: 'nothing' }).on('b', { error: new BackendError('timeout', 'b timed out.') });
    const r = await run();
    assert.equal(r.status, 'exhausted');
    assert.match(r.message ?? '', /after 2 attempts/);
    assert.match(r.message ?? '', /\(a: the answer had no fenced code block; b: b timed out\)\.$/);
  });

  it('stops at once on cancel: no further tier starts, the result says cancelled', async () => {
    const controller = new AbortController();
    const { local, run } = setup(tiers('a', 'b'), { signal: controller.signal });
    local.on('a', { hang: true }).on('b', { answer: fence('x') });
    const pending = run();
    setTimeout(() => controller.abort(), 20);
    const r = await pending;
    assert.equal(r.status, 'cancelled');
    assert.equal(r.attempts.length, 1);
    assert.equal(local.calls.length, 1, 'tier b never started');
  });

  it('cancels while verifying', async () => {
    const controller = new AbortController();
    const { local, run } = setup(tiers('a', 'b'), { signal: controller.signal });
    local.on('a', { answer: fence('let q = 1;') }).on('judge:a', { hang: true });
    const pending = run();
    setTimeout(() => controller.abort(), 20);
    const r = await pending;
    assert.equal(r.status, 'cancelled');
    assert.equal(r.attempts[0].feedback, 'cancelled while verifying');
  });

  it('streams text events per tier and reports loading progress, never as text', async () => {
    const { local, events, run } = setup(tiers('a'));
    local.on('a', { answer: fence('let w = 1;'), loadMs: 1500 }).on('judge:a', accept());
    const r = await run();
    const text = events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join('');
    assert.equal(text, fence('let w = 1;'));
    assert.equal(r.attempts[0].loadMs, 1500);
    assert.equal(r.attempts[0].warm, 'cold', 'a reported load means the model was cold');
  });

  it('a warmth read never delays the request, and one that never settles costs the attempt record at most a short grace', async () => {
    const { local, events, run } = setup(tiers('a', 'b'), {
      warmth: (m) => (m === 'a' ? 'ready' : new Promise(() => undefined)),
    });
    local.on('a', { answer: 'no code' }).on('b', { answer: fence('let v = 3;') }).on('judge:b', accept());
    const t0 = Date.now();
    const r = await run();
    assert.ok(Date.now() - t0 < 500, 'a warmth read that never settles does not hold the run');
    assert.equal(r.attempts[0].warm, 'ready');
    assert.equal(r.attempts[1].warm, 'unknown');
    const start = events.find((e) => e.type === 'tier-start');
    assert.equal(start?.type === 'tier-start' && start.warm, 'ready');
  });
});

describe('orchestrator: the user\'s escalate continues the run', () => {
  it('starts at the tier after the accepted one, with the earlier attempts, the user\'s step and the rejected answer', async () => {
    const chain = tiers('qwen-7b', 'qwen-32b', 'claude-sonnet-4-6');
    const first = setup(chain);
    first.local.on('qwen-7b', { answer: fence('let x = 2;') }).on('judge:qwen-7b', accept());
    const accepted = await first.run();
    assert.ok(accepted.continuation);
    assert.deepEqual(accepted.continuation.accepted, { tierIndex: 0, model: 'qwen-7b', answer: 'let x = 2;' });

    const resume = escalateByUser(accepted.continuation, chain, '  keep x mutable  ');
    const second = setup(chain, { resume });
    second.local.on('qwen-32b', { answer: fence('let x = 1;\nx += 1;') }).on('judge:qwen-32b', accept());
    const result = await second.run();
    assert.deepEqual(result.accepted, { model: 'qwen-32b', tierIndex: 1 });
    assert.deepEqual(result.attempts.map((a) => [a.model, a.verdict, a.by]), [['qwen-7b', 'accept', undefined], ['qwen-7b', 'escalate', 'user'], ['qwen-32b', 'accept', undefined]]);
    assert.equal(result.attempts[1].feedback, 'User feedback: keep x mutable');
    assert.equal(second.local.calls.filter((c) => c.model === 'qwen-7b').length, 0, 'the accepted tier is not asked again');
    const prompt = second.local.calls[0].messages[1].content;
    assert.match(prompt, /<<<BEGIN FEEDBACK>>>\nUser feedback: keep x mutable\n<<<END FEEDBACK>>>/);
    assert.match(prompt, /<<<BEGIN REJECTED ANSWER>>>\nlet x = 2;\n<<<END REJECTED ANSWER>>>/);
  });

  it('an empty comment still says the user rejected the answer', () => {
    const chain = tiers('qwen-7b', 'qwen-32b');
    const resume = escalateByUser({ nextTier: 1, attempts: [], prior: [], accepted: { tierIndex: 0, model: 'qwen-7b', answer: 'x' } }, chain, '');
    assert.equal(resume.attempts[0].feedback, 'User feedback: the user rejected this answer without saying why');
  });
});

describe('orchestrator: the syntax gate', () => {
  it('an answer that does not parse is escalated before any judge, with the gate\'s sentence as feedback', async () => {
    const checked: string[] = [];
    const { local, run } = setup(tiers('a', 'b'), {
      syntaxCheck: async (proposal) => {
        checked.push(proposal);
        return proposal.includes('oops') ? { problem: 'the proposal does not parse: line 1, missing "}"', note: 'syntax gate: typescript, 0.4 ms' } : { note: 'syntax gate: typescript, 0.3 ms' };
      },
    });
    local.on('a', { answer: fence('oops {') }).on('b', { answer: fence('let x = 2;') }).on('judge:b', accept());
    const r = await run();
    assert.deepEqual(r.accepted, { model: 'b', tierIndex: 1 });
    assert.equal(r.attempts[0].verdict, 'escalate');
    assert.equal(r.attempts[0].feedback, 'the proposal does not parse: line 1, missing "}"');
    assert.equal(local.calls.filter((c) => c.jsonSchema && c.model === 'a').length, 0, 'no judge for an answer that does not parse');
    assert.equal(checked[0], '  oops {\n', 'the gate sees the proposal as it would be applied (fitted to the selection)');
    assert.match(local.calls.find((c) => c.model === 'b')!.messages[1].content, /missing "}"/);
  });

  it('a gate that fails by itself is skipped, never the run', async () => {
    const { local, run } = setup(tiers('a'), { syntaxCheck: () => Promise.reject(new Error('wasm exploded')) });
    local.on('a', { answer: fence('let x = 2;') }).on('judge:a', accept());
    const r = await run();
    assert.equal(r.status, 'accepted');
    assert.equal(r.attempts[0].syntaxNote, 'syntax gate skipped: wasm exploded');
  });
});
