// The escalation report's numbers and advice over a fixed history, and its page (escaped, strict CSP).
import * as assert from 'node:assert/strict';
import type { HistoryAttempt, RunRecord } from '../../src/core/history/history';
import { advise, buildReport, reasonOf, toCsv, todayLine } from '../../src/core/history/historyReport';
import { reportHtml } from '../../src/editor/history/reportHtml';
import { english } from '../../src/editor/translate';

const NOW = new Date('2026-12-03T12:00:00Z');
let n = 0;
const at = (model: string, tier: 'local' | 'cloud', verdict: HistoryAttempt['verdict'], extra: Partial<HistoryAttempt> = {}): HistoryAttempt => ({
  model, tier, verdict, durationMs: 1000, warm: tier === 'local' ? 'ready' : 'unknown', tierIndex: 0, backend: tier === 'local' ? 'llama-swap' : 'anthropic', ...extra,
});
function run(day: string, attempts: HistoryAttempt[], extra: Partial<RunRecord> = {}): RunRecord {
  const accepted = attempts.find((a) => a.verdict === 'accept');
  return {
    id: `r${n++}`, startedAt: `${day}T10:00:00.000Z`, workspace: 'app', languageId: 'typescript', skill: 'refactor', chain: ['small', 'big', 'claude'],
    status: accepted ? 'accepted' : 'exhausted', attempts, ...(accepted && { accepted: { model: accepted.model, tierIndex: accepted.tierIndex } }),
    outcome: accepted ? 'applied' : 'none', costUsd: attempts.reduce((s, a) => s + (a.costUsd ?? 0), 0), ...extra,
  };
}

const HISTORY: RunRecord[] = [
  run('2026-12-01', [at('small', 'local', 'accept', { durationMs: 800 })], { cloudCostAvoidedUsd: 0.002 }),
  run('2026-12-01', [at('small', 'local', 'escalate', { feedback: 'wrong' }), at('big', 'local', 'accept', { tierIndex: 1, durationMs: 3000, warm: 'cold', loadMs: 2000 })], { cloudCostAvoidedUsd: 0.004, outcome: 'discarded' }),
  run('2026-12-02', [at('small', 'local', 'escalate', { feedback: 'the proposal does not parse: line 2, missing ")"' }), at('big', 'local', 'error', { tierIndex: 1, feedback: 'big got no answer from llama-swap at x within 300 s, so the request was cut.', warm: 'cold' }), at('claude', 'cloud', 'accept', { tierIndex: 2, costUsd: 0.01 })]),
  run('2026-12-03', [at('small', 'local', 'error', { feedback: 'llama-swap at x is not reachable for small (connection refused); start it.' }), at('big', 'local', 'error', { tierIndex: 1, feedback: 'skipped: llama-swap at x did not answer earlier in this run' })], { workspace: 'other' }),
  run('2026-10-01', [at('small', 'local', 'accept')]),
];

describe('escalation report: numbers', () => {
  const r = buildReport(HISTORY, { days: 7, now: NOW });

  it('the period: runs of the last 7 days only, per day local / cloud / not resolved', () => {
    assert.equal(r.runs, 4);
    assert.deepEqual(r.resolution, [
      { day: '2026-12-01', local: 2, cloud: 0, none: 0 },
      { day: '2026-12-02', local: 0, cloud: 1, none: 0 },
      { day: '2026-12-03', local: 0, cloud: 0, none: 1 },
    ]);
    assert.equal(buildReport(HISTORY, { now: NOW }).runs, 5, 'all time');
    assert.equal(buildReport(HISTORY, { days: 30, workspace: 'other', now: NOW }).runs, 1, 'one workspace');
  });

  it('per model: attempts, acceptance, applied, median and p95 duration, median cold load', () => {
    const big = r.models.find((m) => m.model === 'big')!;
    assert.deepEqual({ attempts: big.attempts, accepted: big.accepted, applied: big.applied, overruled: big.overruled, cold: big.cold, coldFailed: big.coldFailed, medianLoadMs: big.medianLoadMs }, { attempts: 3, accepted: 1, applied: 0, overruled: 1, cold: 2, coldFailed: 1, medianLoadMs: 2000 });
    const small = r.models.find((m) => m.model === 'small')!;
    assert.equal(small.attempts, 4);
    assert.equal(small.accepted, 1);
    assert.equal(small.medianMs, 1000);
    assert.equal(small.p95Ms, 1000);
  });

  it('why answers were escalated, most frequent first', () => {
    assert.deepEqual(r.reasons, [
      { reason: 'did not parse (syntax gate)', count: 1 },
      { reason: 'server did not answer (skipped)', count: 1 },
      { reason: 'server unreachable', count: 1 },
      { reason: 'the judge escalated', count: 1 },
      { reason: 'timed out', count: 1 },
    ]);
    assert.equal(reasonOf(at('x', 'local', 'escalate', { by: 'user', feedback: 'User feedback: no' })), 'you escalated');
  });

  it('cloud spend against the cloud cost avoided, per day', () => {
    assert.deepEqual(r.spend.map((d) => [d.day, d.costUsd, Number(d.avoidedUsd.toFixed(4))]), [['2026-12-01', 0, 0.006], ['2026-12-02', 0.01, 0], ['2026-12-03', 0, 0]]);
  });

  it('a cloud model without a known price is counted apart as unpriced, never as $0, with the setting to fix it', () => {
    const unpriced = run('2026-12-02', [at('deepseek-chat', 'cloud', 'accept', { backend: 'openai-compatible', inputTokens: 900, outputTokens: 120 })]);
    delete (unpriced as { costUsd?: number }).costUsd;
    unpriced.unpriced = 1;
    const data = buildReport([...HISTORY, unpriced], { days: 7, now: NOW });
    assert.deepEqual(data.spend.map((d) => [d.day, d.costUsd, d.unpricedRuns]), [['2026-12-01', 0, 0], ['2026-12-02', 0.01, 1], ['2026-12-03', 0, 0]]);
    assert.deepEqual(data.unpriced, { runs: 1, models: ['deepseek-chat'] });
    assert.ok(data.advice.includes('1 run used a cloud model without a known price (deepseek-chat), so its cost is not in the spend: add its price to hyperguild.prices.'), data.advice.join(' | '));
    const html = reportHtml(data, { days: 7, now: NOW }, 'N', 'vscode-resource:');
    assert.match(html, /Cloud spend \$0\.0100 \(plus 1 run unpriced\)/);
    assert.ok(!/Cloud spend \$0\.0000/.test(reportHtml(buildReport([unpriced], { days: 7, now: NOW }), { days: 7, now: NOW }, 'N', 'vscode-resource:')), 'an unpriced run alone is never spend $0');
  });
});

describe('escalation report: advice backed by the numbers', () => {
  const base = { tier: 'local' as const, applied: 0, medianMs: 14_000, p95Ms: 20_000, cold: 0, coldFailed: 0, overruled: 0 };
  it('a local tier accepted in under 10 % of at least 20 attempts', () => {
    assert.deepEqual(advise([{ ...base, model: 'small', attempts: 25, accepted: 2 }]), ['Consider removing small from the chain: its answer was accepted in 8 % of 25 attempts, and it costs a median 14 s per run.']);
    assert.deepEqual(advise([{ ...base, model: 'small', attempts: 19, accepted: 0 }]), [], 'too few attempts to say');
  });
  it('a tier that mostly fails when cold; a judge the user overrules more than a third of the time', () => {
    assert.match(advise([{ ...base, model: 'big', attempts: 10, accepted: 5, cold: 6, coldFailed: 4 }])[0], /^big mostly fails when it starts cold \(4 of 6 cold attempts\)/);
    assert.match(advise([{ ...base, model: 'small', attempts: 12, accepted: 9, overruled: 4 }])[0], /^The judge of small accepted answers you then discarded or escalated \(4 of 9\)/);
    assert.deepEqual(advise([{ ...base, model: 'small', attempts: 12, accepted: 9, overruled: 3 }]), []);
  });
  it('today\'s tooltip line', () => {
    assert.equal(todayLine(HISTORY, NOW), 'Today: 1 run, 0 resolved locally, cloud cost avoided ≈ $0.0000 (estimate)');
  });
});

describe('escalation report: export and page', () => {
  it('CSV: one row per attempt, quoted where needed', () => {
    const csv = toCsv([HISTORY[2]]);
    const lines = csv.trim().split('\r\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^run,startedAt,workspace,language,skill,status,outcome/);
    assert.ok(lines[1].includes('"the proposal does not parse: line 2, missing "")"""'), lines[1]);
  });

  it('CSV: a cell a spreadsheet would read as a formula (= + - @, tab, carriage return) starts with a quote', () => {
    const steered = run('2026-12-02', [
      at('=cmd|\' /C calc\'!A0', 'local', 'escalate', { feedback: '=HYPERLINK("http://x.invalid","click")' }),
      at('+big', 'local', 'escalate', { tierIndex: 1, feedback: '-2+3' }),
      at('@claude', 'cloud', 'escalate', { tierIndex: 2, feedback: '\t=1+1' }),
      at('small', 'local', 'error', { tierIndex: 3, feedback: '\r=1+1' }),
    ], { workspace: '=1+1', skill: '@SUM(A1)' });
    const rows = toCsv([steered]).split('\r\n');
    assert.ok(rows[1].includes(`,'=1+1,`), `the workspace: ${rows[1]}`);
    assert.ok(rows[1].includes(`,'@SUM(A1),`), `the skill: ${rows[1]}`);
    assert.ok(rows[1].includes(`,"'=cmd|' /C calc'!A0",`) || rows[1].includes(`,'=cmd|' /C calc'!A0,`), `the model: ${rows[1]}`);
    assert.ok(rows[1].includes(`"'=HYPERLINK(""http://x.invalid"",""click"")"`), `the feedback: ${rows[1]}`);
    assert.ok(rows[2].includes(`,'+big,`) && rows[2].includes(`,'-2+3,`), rows[2]);
    assert.ok(rows[3].includes(`,'@claude,`) && rows[3].includes(`,'\t=1+1,`), rows[3]);
    assert.ok(toCsv([steered]).includes(`"'\r=1+1"`), 'a carriage return leader too');
    const cells = toCsv([steered]).split(/,|\r\n/).map((c) => c.replace(/^"/, ''));
    assert.deepEqual(cells.filter((c) => /^[=+\-@\t\r]/.test(c)), [], 'no cell starts a formula');
    assert.ok(toCsv([HISTORY[2]]).includes(',0.01,'), 'numbers stay numbers');
  });

  it('the page escapes every text, loads nothing remote, and runs only its nonce\'s script', () => {
    const evil = run('2026-12-02', [at('<img src=x onerror=alert(1)>', 'local', 'accept')], { workspace: '"><script>alert(2)</script>' });
    const filter = { days: 7, now: NOW };
    const html = reportHtml(buildReport([evil], filter), filter, 'NONCE123', 'vscode-resource:');
    assert.ok(!html.includes('<img src=x'), 'a model name is text');
    assert.ok(!html.includes('<script>alert(2)'), 'a workspace name is text');
    assert.match(html, /default-src 'none'; img-src vscode-resource:; style-src 'nonce-NONCE123'; script-src 'nonce-NONCE123';/);
    assert.equal((html.match(/<script(?![^>]*nonce="NONCE123")/g) ?? []).length, 0, 'every script carries the nonce');
    assert.ok(!/(src|href)="https?:/.test(html), 'no remote resource');
    const full = reportHtml(buildReport(HISTORY, filter), filter, 'N', 'vscode-resource:');
    assert.equal((full.match(/<svg /g) ?? []).length, 3, 'three charts, and the per-model table');
    assert.match(full, /<td>big<\/td><td>local<\/td><td>3<\/td><td>33 %<\/td>/);
  });

  it('every sentence of the page goes through the translator it is given (the view passes vscode.l10n.t)', () => {
    const filter = { days: 7, now: NOW };
    const data = buildReport([...HISTORY, run('2026-12-02', [at('claude-x', 'cloud', 'accept')])], filter);
    const html = reportHtml(data, filter, 'N', 'vscode-resource:', (m, ...a) => `⟦${english(m, ...a)}⟧`);
    // What a reader sees: text between tags and the charts' labels, without the script, the style and the data
    // (model names, days, the core's reasons and advice, which stay English by design).
    const data_ = [...data.reasons.map((r) => r.reason), ...data.advice, ...data.models.map((m) => m.model), ...data.workspaces];
    const shown = html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, '')
      .replace(/aria-label="([^"]*)"/g, '>$1<').replace(/<[^>]*>/g, '\n')
      .replace(/⟦[^⟧]*⟧/g, '').replace(/&#39;/g, "'");
    const left = shown.split('\n').map((l) => data_.reduce((x, d) => x.split(d).join(''), l).trim()).filter((l) => /[A-Za-z]{2}/.test(l));
    assert.deepEqual(left, [], 'text a reader sees that no translation could reach');
  });
});
