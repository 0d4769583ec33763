import * as assert from 'node:assert/strict';
import { runChain } from '../../src/core/engine/orchestrator';
import { toRunReport } from '../../src/core/engine/report';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { disposeChecks, type CodeCheck, type CheckOutcome } from '../../src/core/engine/checks';
import type { Task } from '../../src/core/engine/prompts';
import { ScriptedBackend, accept, fence, tiersOf } from '../support/scriptedBackend';

const task: Task = { filePath: 'a.ts', languageId: 'typescript', selection: 'let x = 1;\n', before: '', after: '' };
const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;

const tiers = (...names: string[]) => tiersOf(...names);

function check(name: string, answer: (proposal: string, signal: AbortSignal) => Promise<CheckOutcome>, timeoutMs = 1_000): CodeCheck & { seen: string[] } {
  const seen: string[] = [];
  return { kind: 'diagnostics', name, timeoutMs, seen, run: (p, s) => (seen.push(p), answer(p, s)) };
}

describe('orchestrator: code checks', () => {
  it('a failed check escalates with its words before any judge; the next tier\'s clean answer is judged and accepted', async () => {
    const local = new ScriptedBackend('llama-swap');
    const diagnostics = check('typescript', async (p) => p.includes('y') ? { status: 'failed', feedback: "line 1: Cannot find name 'y'. (ts 2304)", newErrors: 1 } : { status: 'passed', newErrors: 0 });
    local.on('a', { answer: fence('let x = y;') }).on('b', { answer: fence('let x = 2;') }).on('judge:b', accept());
    const r = await runChain({ tiers: tiers('a', 'b'), skill: refactor, task, backends: { 'llama-swap': local }, maxTokens: 64, codeChecks: [diagnostics] });
    assert.deepEqual(r.accepted, { model: 'b', tierIndex: 1 });
    assert.equal(r.attempts[0].verdict, 'escalate');
    assert.equal(r.attempts[0].feedback, "line 1: Cannot find name 'y'. (ts 2304)");
    assert.equal(r.attempts[0].checks?.[0].status, 'failed');
    assert.equal(r.attempts[0].checks?.[0].newErrors, 1);
    assert.equal(r.attempts[1].checks?.[0].status, 'passed');
    assert.equal(local.calls.filter((c) => c.jsonSchema && c.model === 'a').length, 0, 'no judge for an answer a check rejected');
    assert.match(local.calls.find((c) => c.model === 'b')!.messages[1].content, /Cannot find name 'y'/);
  });

  it('a check that hangs is cut off at its bound (its signal aborts) and says not-checked; one that throws too; the run goes on', async () => {
    const local = new ScriptedBackend('llama-swap');
    let aborted = false;
    const hang = check('slow', (_p, signal) => new Promise(() => signal.addEventListener('abort', () => (aborted = true))), 50);
    const broken = check('broken', () => Promise.reject(new Error('no tsconfig')));
    local.on('a', { answer: fence('let x = 2;') }).on('judge:a', accept());
    const r = await runChain({ tiers: tiers('a'), skill: refactor, task, backends: { 'llama-swap': local }, maxTokens: 64, codeChecks: [hang, broken] });
    assert.equal(r.status, 'accepted');
    assert.deepEqual(r.attempts[0].checks?.map((c) => [c.name, c.status]), [['slow', 'not-checked'], ['broken', 'not-checked']]);
    assert.ok(aborted, "the hanging check's signal was aborted");
    assert.match(r.attempts[0].checks?.[1].note ?? '', /no tsconfig/);
  });

  it('after a failed check the later checks are not run', async () => {
    const local = new ScriptedBackend('llama-swap');
    const first = check('first', async () => ({ status: 'failed', feedback: 'bad' }));
    const second = check('second', async () => ({ status: 'passed' }));
    local.on('a', { answer: fence('let x = 2;') });
    const r = await runChain({ tiers: tiers('a'), skill: refactor, task, backends: { 'llama-swap': local }, maxTokens: 64, codeChecks: [first, second] });
    assert.equal(r.status, 'exhausted');
    assert.equal(second.seen.length, 0);
    assert.equal(first.seen[0], 'let x = 2;\n', 'the check sees the proposal fitted to the selection');
  });
});

describe('run report: code checks', () => {
  it('each attempt carries its checks (kind, name, status, newErrors, ms) as the contract says; the notes stay in the log', async () => {
    const local = new ScriptedBackend('llama-swap');
    const diagnostics = check('typescript', async () => ({ status: 'failed', feedback: "line 1: Cannot find name 'y'. ts(2304)", newErrors: 1, note: 'typescript 5.9.3 (bundled)' }));
    local.on('a', { answer: fence('let x = y;') });
    const r = await runChain({ tiers: tiers('a'), skill: refactor, task, backends: { 'llama-swap': local }, maxTokens: 64, codeChecks: [diagnostics] });
    const report = toRunReport(r, 'let x = 1;\n');
    assert.deepEqual(report.attempts[0].checks?.map(({ ms, ...c }) => (assert.equal(typeof ms, 'number'), c)), [{ kind: 'diagnostics', name: 'typescript', status: 'failed', newErrors: 1 }]);
  });
});

describe('code checks: disposal', () => {
  it('disposeChecks frees every check once the run is over, whether a dispose throws, rejects or has none', async () => {
    const freed: string[] = [];
    const errors: unknown[] = [];
    const base = { kind: 'command' as const, timeoutMs: 1, run: async () => ({ status: 'passed' as const }) };
    disposeChecks([
      { ...base, name: 'a', dispose: () => void freed.push('a') },
      { ...base, name: 'b', dispose: () => { throw new Error('b broke'); } },
      { ...base, name: 'c', dispose: async () => { throw new Error('c broke'); } },
      { ...base, name: 'd' },
      { ...base, name: 'e', dispose: async () => void freed.push('e') },
    ], (err) => errors.push(err));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(freed, ['a', 'e']);
    assert.deepEqual(errors.map((e) => (e as Error).message).sort(), ['b broke', 'c broke']);
  });
});
