import * as assert from 'node:assert/strict';
import { DEFAULT_POLICY, decide, estimateTiers, recentLine, skipLine, type AdaptiveKey } from '../../src/core/adaptive/estimator';
import type { HistoryAttempt, Outcome, RunRecord } from '../../src/core/history/history';

const key: AdaptiveKey = { skill: 'document', languageId: 'typescript', chain: ['qwen-7b', 'qwen-32b', 'claude-sonnet-5-5'] };
let n = 0;

function attempt(tierIndex: number, verdict: HistoryAttempt['verdict'], durationMs = 10_000): HistoryAttempt {
  return { model: key.chain[tierIndex], tier: tierIndex < 2 ? 'local' : 'cloud', tierIndex, backend: 'llama-swap', durationMs, warm: 'ready', verdict };
}

/** A run in which the 7B's verdict is `first` (and, when it escalated, the 32B accepted); newest first in arrays. */
function run(first: HistoryAttempt['verdict'], outcome: Outcome = 'applied', over: Partial<RunRecord> = {}): RunRecord {
  const attempts = first === 'accept' ? [attempt(0, 'accept')] : [attempt(0, first), attempt(1, 'accept')];
  return {
    id: `r${n++}`, startedAt: new Date(0).toISOString(), languageId: key.languageId, skill: key.skill, chain: [...key.chain],
    status: 'accepted', attempts, outcome, ...over,
  };
}

const times = (count: number, make: () => RunRecord) => Array.from({ length: count }, make);

describe('adaptive: the estimator', () => {
  it('with no history each tier is at the prior and nothing is skipped', () => {
    const estimates = estimateTiers([], key);
    assert.deepEqual(estimates.map((e) => e.estimate), [0.5, 0.5, 0.5]);
    assert.deepEqual(decide(estimates, [true, true, false]).map((d) => d.action), ['try', 'try', 'try']);
  });

  it('a few bad runs do not decide (the prior and the evidence bound); twenty do', () => {
    const few = estimateTiers(times(3, () => run('escalate')), key);
    assert.ok(few[0].estimate < 0.5 && few[0].evidence < DEFAULT_POLICY.minEvidence);
    assert.equal(decide(few, [true, true, false])[0].action, 'try');
    const many = [run('accept'), ...times(19, () => run('escalate'))];
    const estimates = estimateTiers(many, key);
    assert.equal(estimates[0].accepted, 1);
    assert.equal(estimates[0].of, 20);
    assert.ok(estimates[0].estimate < DEFAULT_POLICY.threshold, `estimate ${estimates[0].estimate}`);
    const decided = decide(estimates, [true, true, false]);
    assert.deepEqual(decided.map((d) => d.action), ['skip', 'try', 'try']);
    assert.equal(skipLine(decided[0], recentLine(decided[0])), 'skipped qwen-7b: 1/20 accepted recently');
  });

  it('recent runs weigh more than old ones (decay): the same runs in another order give another estimate', () => {
    const good = times(10, () => run('accept'));
    const bad = times(10, () => run('escalate'));
    const improved = estimateTiers([...good, ...bad], key)[0];
    const worsened = estimateTiers([...bad, ...good], key)[0];
    assert.equal(improved.accepted, worsened.accepted);
    assert.ok(improved.estimate > 0.5 && worsened.estimate < 0.5, `improved ${improved.estimate}, worsened ${worsened.estimate}`);
    // Past the window, runs are not read at all.
    const old = estimateTiers([...times(DEFAULT_POLICY.window, () => run('accept')), ...times(30, () => run('escalate'))], key)[0];
    assert.equal(old.of, DEFAULT_POLICY.window);
    assert.equal(old.accepted, DEFAULT_POLICY.window);
  });

  it("the user's discards and escalations count against a tier; server errors and other keys do not count", () => {
    const discarded = times(10, () => run('accept', 'discarded'));
    const escalated = times(10, () => run('accept', 'escalated'));
    assert.equal(estimateTiers([...discarded, ...escalated], key)[0].accepted, 0);
    const errors = times(10, () => run('error'));
    const otherSkill = times(10, () => run('escalate', 'applied', { skill: 'refactor' }));
    const otherLanguage = times(10, () => run('escalate', 'applied', { languageId: 'python' }));
    const otherChain = times(10, () => run('escalate', 'applied', { chain: ['qwen-7b', 'claude-sonnet-5-5'] }));
    const e = estimateTiers([...errors, ...otherSkill, ...otherLanguage, ...otherChain], key)[0];
    assert.equal(e.of, 0);
    assert.equal(e.estimate, DEFAULT_POLICY.prior);
  });

  it('a quick tier is not skipped (little time to save); a cloud tier and the last tier never are', () => {
    const quick = times(20, () => ({ ...run('escalate'), attempts: [attempt(0, 'escalate', 300), attempt(1, 'accept')] }));
    assert.equal(decide(estimateTiers(quick, key), [true, true, false])[0].action, 'try');
    const allBad = times(20, () => ({ ...run('escalate'), attempts: [attempt(0, 'escalate'), attempt(1, 'escalate'), attempt(2, 'escalate')] }));
    assert.deepEqual(decide(estimateTiers(allBad, key), [true, false, true]).map((d) => d.action), ['skip', 'try', 'try']);
  });

  it('exploration: a tier that would be skipped is still tried once every 10 runs, counted from the history (same history, same choice)', () => {
    const history: RunRecord[] = times(20, () => run('escalate'));
    const actions: string[] = [];
    for (let i = 0; i < 30; i++) {
      const d = decide(estimateTiers(history, key), [true, true, false])[0];
      actions.push(d.action);
      // The run as the chain would record it: skipped, or tried (and rejected again).
      history.unshift(d.action === 'skip' ? { ...run('escalate'), attempts: [{ ...attempt(0, 'skipped'), durationMs: 0 }, attempt(1, 'accept')] } : run('escalate'));
    }
    const explored = actions.flatMap((a, i) => (a === 'explore' ? [i] : []));
    assert.deepEqual(explored, [9, 19, 29], actions.join(','));
    assert.ok(actions.every((a) => a === 'explore' || a === 'skip'));
    // Skipped runs are not evidence: the estimate read only the tried ones.
    assert.equal(estimateTiers(history, key)[0].of, 23);
  });
});
