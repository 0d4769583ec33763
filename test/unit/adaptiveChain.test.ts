import * as assert from 'node:assert/strict';
import { runChain, type RunEvent, type TierSkip } from '../../src/core/engine/orchestrator';
import { attemptLine } from '../../src/core/engine/report';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import type { Task } from '../../src/core/engine/prompts';
import { ScriptedBackend, accept, escalate, fence, tiersOf } from '../support/scriptedBackend';
import { BackendError } from '../../src/core/types';

const task: Task = { filePath: 'a.ts', languageId: 'typescript', selection: 'let x = 1;\n', before: '', after: '' };
const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;

const tiers = (...names: string[]) => tiersOf(...names);

function run(local: ScriptedBackend, cloud: ScriptedBackend, skip: Map<number, TierSkip>, signal?: AbortSignal) {
  const events: RunEvent[] = [];
  const result = runChain({
    tiers: tiers('qwen-7b', 'qwen-32b', 'claude-sonnet-5-5'), skill: refactor, task, backends: { 'llama-swap': local, anthropic: cloud },
    maxTokens: 64, skip, onEvent: (e) => events.push(e), ...(signal && { signal }),
  });
  return { events, result };
}

describe('orchestrator: tiers skipped by hyperguild.adaptive', () => {
  it('a tier skipped from the start is never asked; its attempt says skipped, with why and what it saved', async () => {
    const local = new ScriptedBackend('llama-swap');
    const cloud = new ScriptedBackend('anthropic');
    local.on('qwen-32b', { answer: fence('let x = 2;') }).on('judge:qwen-32b', accept());
    const { result, events } = run(local, cloud, new Map([[0, { reason: '1/20 accepted recently', chance: 0.05, expectedMs: 12_000 }]]));
    const r = await result;
    assert.deepEqual(r.accepted, { model: 'qwen-32b', tierIndex: 1 });
    assert.equal(local.calls.filter((c) => c.model === 'qwen-7b').length, 0, 'the skipped tier was not asked');
    assert.deepEqual(r.attempts.map((a) => a.verdict), ['skipped', 'accept']);
    assert.deepEqual(r.attempts[0].skip, { chance: 0.05, expectedMs: 12_000 });
    assert.equal(attemptLine(r.attempts[0], 3), '[1/3] skipped qwen-7b: 1/20 accepted recently');
    assert.equal(events.filter((e) => e.type === 'tier-start').length, 1, 'no tier-start for a skipped tier');
  });

  it("a skip that comes while the tier answers (the user's This time) stops that tier, not the run", async () => {
    const local = new ScriptedBackend('llama-swap');
    const cloud = new ScriptedBackend('anthropic');
    local.on('qwen-7b', { hang: true }).on('qwen-32b', { answer: fence('let x = 2;') }).on('judge:qwen-32b', accept());
    const choice = new AbortController();
    const { result } = run(local, cloud, new Map([[0, { reason: '1/20 accepted recently (you chose to skip it)', chance: 0.05, signal: choice.signal }]]));
    setTimeout(() => choice.abort(), 30);
    const r = await result;
    assert.equal(r.status, 'accepted');
    assert.deepEqual(r.attempts.map((a) => [a.model, a.verdict]), [['qwen-7b', 'skipped'], ['qwen-32b', 'accept']]);
    assert.ok(r.attempts[0].durationMs >= 20, 'the time the tier ran is kept');
    assert.equal(local.calls[0].signal.aborted, true, "the tier's request was aborted");
  });

  it('an offered skip not taken leaves the tier tried as usual; a cancel of the run still cancels it', async () => {
    const local = new ScriptedBackend('llama-swap');
    const cloud = new ScriptedBackend('anthropic');
    local.on('qwen-7b', { answer: fence('let x = 2;') }).on('judge:qwen-7b', accept());
    const r = await run(local, cloud, new Map([[0, { reason: 'r', chance: 0.05, signal: new AbortController().signal }]])).result;
    assert.deepEqual(r.accepted, { model: 'qwen-7b', tierIndex: 0 });

    const hang = new ScriptedBackend('llama-swap');
    hang.on('qwen-7b', { hang: true });
    const stop = new AbortController();
    const pending = run(hang, cloud, new Map([[0, { reason: 'r', chance: 0.05, signal: new AbortController().signal }]]), stop.signal).result;
    setTimeout(() => stop.abort(), 20);
    assert.equal((await pending).status, 'cancelled');
  });

  it('a skipped tier never hides a failure: when the later tiers fail, the message says why each did, and the skip', async () => {
    const local = new ScriptedBackend('llama-swap');
    const cloud = new ScriptedBackend('anthropic');
    local.on('qwen-32b', { answer: fence('let x = 3;') }).on('judge:qwen-32b', escalate('x must stay 1'));
    cloud.on('claude-sonnet-5-5', { error: new BackendError('http', 'claude-sonnet-5-5 is overloaded (HTTP 529); try again later.', 529) });
    const r = await run(local, cloud, new Map([[0, { reason: '1/20 accepted recently', chance: 0.05 }]])).result;
    assert.equal(r.status, 'exhausted');
    assert.match(r.message ?? '', /^No answer was accepted after 2 attempts \(qwen-7b: skipped, 1\/20 accepted recently; qwen-32b: x must stay 1; claude-sonnet-5-5: claude-sonnet-5-5 is overloaded \(HTTP 529\); try again later\)\.$/);
  });
});
