import * as assert from 'node:assert/strict';
import { buildReport } from '../../src/core/history/historyReport';
import { toRecord, type RunRecord } from '../../src/core/history/history';
import { reportHtml } from '../../src/editor/history/reportHtml';
import type { Attempt } from '../../src/core/engine/orchestrator';

const now = new Date('2026-12-05T12:00:00Z');

function attempt(tierIndex: number, model: string, verdict: Attempt['verdict'], extra: Partial<Attempt> = {}): Attempt {
  return { tierIndex, model, label: model, tier: 'local', backend: 'llama-swap', durationMs: 20_000, warm: 'ready', verdict, ...extra };
}

function record(id: string, attempts: Attempt[]): RunRecord {
  return toRecord({
    id, startedAt: new Date(now.getTime() - 60_000), languageId: 'typescript', skill: 'document', chain: ['qwen-7b', 'qwen-32b'],
    result: { status: 'accepted', accepted: { model: 'qwen-32b', tierIndex: 1 }, attempts },
  });
}

describe('adaptive: what the escalation report says of skipped tiers', () => {
  const skippedAtStart = attempt(0, 'qwen-7b', 'skipped', { durationMs: 0, feedback: '1/20 accepted recently', skip: { chance: 0.1, expectedMs: 12_000 } });
  const stoppedMidAnswer = attempt(0, 'qwen-7b', 'skipped', { durationMs: 3_000, feedback: '1/20 accepted recently (you chose to skip it)', skip: { chance: 0.1, expectedMs: 12_000 } });
  const runs = [
    record('a', [skippedAtStart, attempt(1, 'qwen-32b', 'accept')]),
    record('b', [skippedAtStart, attempt(1, 'qwen-32b', 'accept')]),
    record('c', [stoppedMidAnswer, attempt(1, 'qwen-32b', 'accept')]),
  ];

  it('the history keeps what a skip saved; the report adds it up, and a skip is no escalation reason and no attempt of the model', () => {
    assert.deepEqual(runs[0].attempts[0].skip, { chance: 0.1, expectedMs: 12_000 });
    const data = buildReport(runs, { now });
    // Two skipped before they started saved their median each; the one stopped mid-answer spent its time.
    assert.deepEqual(data.skipping, { skipped: 3, savedMs: 24_000, wouldHaveEscalated: 3 });
    assert.deepEqual(data.reasons, []);
    assert.equal(data.models.find((m) => m.model === 'qwen-7b'), undefined);
    const html = reportHtml(data, { now }, 'n', 'csp');
    assert.match(html, /Skipping tiers that rarely paid saved about 24 s over 3 skipped attempts; at their recent rates, about 3 of those answers would have been escalated anyway\./);
  });

  it('with no skip the report says so', () => {
    const data = buildReport([record('d', [attempt(0, 'qwen-7b', 'escalate', { feedback: 'wrong' }), attempt(1, 'qwen-32b', 'accept')])], { now });
    assert.deepEqual(data.skipping, { skipped: 0, savedMs: 0, wouldHaveEscalated: 0 });
    assert.match(reportHtml(data, { now }, 'n', 'csp'), /No tier was skipped in this period \(hyperguild\.adaptive\)\./);
  });
});
