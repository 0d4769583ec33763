// The record of the code checks (issue 24, item 3): the log prints each check under its attempt, the run report
// carries them, the history keeps them without their notes, and the escalation report counts them apart.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { Attempt, RunEvent, RunResult } from '../../src/core/engine/orchestrator';
import type { CheckRecord } from '../../src/core/engine/checks';
import { checkLine, toRunReport } from '../../src/core/engine/report';
import { toRecord, type HistoryAttempt, type RunRecord } from '../../src/core/history/history';
import { buildReport, reasonOf, toCsv } from '../../src/core/history/historyReport';
import { HistoryFile } from '../../src/storage/historyFile';
import { logRunEvent } from '../../src/editor/run/runLog';
import { reportHtml } from '../../src/editor/history/reportHtml';

const FAILED: CheckRecord = { kind: 'diagnostics', name: 'typescript', status: 'failed', newErrors: 2, ms: 140, note: "1 warning: 'z' is declared but never used" };
const SKIPPED: CheckRecord = { kind: 'command', name: 'npx tsc --noEmit', status: 'not-checked', ms: 3000, note: 'no answer within 3000 ms' };

const attempt = (extra: Partial<Attempt> = {}): Attempt => ({
  tierIndex: 0, model: 'qwen-7b', label: 'qwen-7b', tier: 'local', backend: 'llama-swap', durationMs: 2100, warm: 'ready',
  verdict: 'escalate', feedback: "line 3: Cannot find name 'y'. (ts 2304)", checks: [FAILED], inputTokens: 100, outputTokens: 20, costUsd: 0, ...extra,
});

/** A log channel that keeps its lines, by level. */
function fakeLog(): { log: vscode.LogOutputChannel; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, log: { info: at('info'), debug: at('debug'), trace: at('trace'), warn: at('warn'), error: at('error') } as unknown as vscode.LogOutputChannel };
}

describe('the record of the code checks: the log', () => {
  it('one line per check under its attempt line: kind, name, status, new errors, time, then the note', () => {
    assert.equal(checkLine(FAILED), "diagnostics typescript: failed, 2 new errors, 140 ms — 1 warning: 'z' is declared but never used");
    assert.equal(checkLine({ kind: 'diagnostics', name: 'typescript', status: 'passed', newErrors: 0, ms: 95 }), 'diagnostics typescript: passed, 0 new errors, 95 ms');
    assert.equal(checkLine({ kind: 'diagnostics', name: 'pylance', status: 'failed', newErrors: 1, ms: 7 }), 'diagnostics pylance: failed, 1 new error, 7 ms');
    assert.equal(checkLine(SKIPPED), 'command npx tsc --noEmit: not checked, 3000 ms — no answer within 3000 ms');
  });

  it('logRunEvent prints the attempt, then each check indented beneath it, then what the judge would have said', () => {
    const { log, lines } = fakeLog();
    const event: RunEvent = { type: 'attempt', attempt: attempt({ checks: [{ ...SKIPPED, kind: 'diagnostics', name: 'pylance' }, FAILED], judgeWouldHave: 'accept' }) };
    logRunEvent(log, event, 3);
    assert.match(lines[0], /^info {3}\[1\/3\] qwen-7b · local · warm · 2\.1 s · .* · escalate — line 3: Cannot find name 'y'\. \(ts 2304\)$/);
    assert.deepEqual(lines.slice(1), [
      'info     diagnostics pylance: not checked, 3000 ms — no answer within 3000 ms',
      "info     diagnostics typescript: failed, 2 new errors, 140 ms — 1 warning: 'z' is declared but never used",
      'info     the judge, asked after the failed check, would have accepted (not the verdict)',
    ]);
  });

  it('an attempt without checks logs no check line', () => {
    const { log, lines } = fakeLog();
    logRunEvent(log, { type: 'attempt', attempt: attempt({ checks: undefined, verdict: 'accept', feedback: 'correct' }) }, 1);
    assert.equal(lines.length, 1);
  });
});

describe('the record of the code checks: the run report and the history', () => {
  const result: RunResult = { status: 'exhausted', message: 'No answer was accepted.', attempts: [attempt({ judgeWouldHave: 'accept' })] };

  it('the run report\'s attempts carry the checks (their notes stay in the log) and the judge\'s would-be verdict', () => {
    const report = toRunReport(result, 'let x = 1;');
    const contract: Partial<CheckRecord> = { ...FAILED };
    delete contract.note;
    assert.deepEqual(report.attempts[0].checks, [contract]);
    assert.equal(report.attempts[0].judgeWouldHave, 'accept');
    assert.equal(report.attempts[0].verdict, 'escalate', 'the verdict stays the check\'s');
    assert.equal(toRunReport({ ...result, attempts: [attempt({ checks: undefined })] }, '').attempts[0].checks, undefined);
  });

  it('the history keeps each check\'s kind, name, status, new errors and time, without its note; and the would-be verdict', async () => {
    const run = toRecord({ id: 'r1', startedAt: new Date('2026-12-01T10:00:00Z'), languageId: 'typescript', skill: 'refactor', chain: ['qwen-7b'], result: { ...result, attempts: [attempt({ checks: [FAILED, SKIPPED], judgeWouldHave: 'accept' })] } });
    assert.deepEqual(run.attempts[0].checks, [
      { kind: 'diagnostics', name: 'typescript', status: 'failed', newErrors: 2, ms: 140 },
      { kind: 'command', name: 'npx tsc --noEmit', status: 'not-checked', ms: 3000 },
    ]);
    assert.equal(run.attempts[0].judgeWouldHave, 'accept');
    assert.ok(!JSON.stringify(run).includes('declared but never used'), 'no note (it may quote the code)');
    const dir = mkdtempSync(join(tmpdir(), 'hg-checks-'));
    try {
      const file = new HistoryFile(join(dir, 'history.jsonl'), () => 100);
      await file.appendRun(run);
      const [read] = (await file.read()).runs;
      assert.deepEqual(read.attempts[0].checks, run.attempts[0].checks, 'written and read back');
      assert.equal(read.attempts[0].judgeWouldHave, 'accept');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const at = (verdict: HistoryAttempt['verdict'], extra: Partial<HistoryAttempt> = {}): HistoryAttempt => ({
  model: 'small', tier: 'local', verdict, durationMs: 1000, warm: 'ready', tierIndex: 0, backend: 'llama-swap', ...extra,
});
let n = 0;
const run = (attempts: HistoryAttempt[]): RunRecord => ({
  id: `c${n++}`, startedAt: '2026-12-02T10:00:00.000Z', languageId: 'typescript', skill: 'refactor', chain: ['small', 'big'], status: 'exhausted', attempts, outcome: 'none',
});
const rejected = (judgeWouldHave?: 'accept' | 'escalate') => at('escalate', {
  feedback: "line 3: Cannot find name 'y'.", checks: [{ kind: 'diagnostics', name: 'typescript', status: 'failed', newErrors: 1, ms: 120 }], ...(judgeWouldHave && { judgeWouldHave }),
});
const NOW = new Date('2026-12-03T12:00:00Z');

describe('the record of the code checks: the escalation report', () => {
  it('"rejected by checks" is a reason of its own, beside the judge\'s and the syntax gate\'s', () => {
    assert.equal(reasonOf(rejected()), 'rejected by checks');
    assert.equal(reasonOf(at('escalate', { feedback: 'wrong', checks: [{ kind: 'diagnostics', name: 'typescript', status: 'passed', newErrors: 0, ms: 90 }] })), 'the judge escalated', 'checks that passed: the judge decided');
    assert.equal(reasonOf(at('escalate', { feedback: 'the proposal does not parse: line 1, missing ")"' })), 'did not parse (syntax gate)');
    const report = buildReport([run([rejected(), at('escalate', { tierIndex: 1, model: 'big', feedback: 'wrong' })]), run([rejected()])], { now: NOW });
    assert.deepEqual(report.reasons, [{ reason: 'rejected by checks', count: 2 }, { reason: 'the judge escalated', count: 1 }]);
  });

  it('how often the checks caught what the judge would have accepted, counted only where both ran', () => {
    const known = buildReport([run([rejected('accept')]), run([rejected('escalate')]), run([rejected()]), run([rejected('accept')])], { now: NOW });
    assert.deepEqual(known.checks, { rejected: 4, judged: 3, judgeWouldHaveAccepted: 2 });
    const unknown = buildReport([run([rejected()])], { now: NOW });
    assert.deepEqual(unknown.checks, { rejected: 1, judged: 0, judgeWouldHaveAccepted: 0 });
  });

  it('the page shows that count when a run has it, else says it is not known', () => {
    const filter = { now: NOW };
    const known = reportHtml(buildReport([run([rejected('accept')]), run([rejected('escalate')]), run([rejected()])], filter), filter, 'N', 'vscode-resource:');
    assert.match(known, /Code checks rejected 3 answers\. The judge was also asked about 2 of them: it would have accepted 1 \(50 %\), which the checks caught\./);
    const unknown = reportHtml(buildReport([run([rejected()])], filter), filter, 'N', 'vscode-resource:');
    assert.match(unknown, /Code checks rejected 1 answer\. Whether the judge would have accepted it is not known: no run asked the judge after a failed check\./);
    const none = reportHtml(buildReport([run([at('escalate', { feedback: 'wrong' })])], filter), filter, 'N', 'vscode-resource:');
    assert.match(none, /No answer was rejected by code checks in this period\./);
  });

  it('CSV: each attempt\'s checks and the judge\'s would-be verdict, in columns of their own at the end', () => {
    const csv = toCsv([run([rejected('accept'), at('accept', { tierIndex: 1, model: 'big' })])]).trim().split('\r\n');
    assert.match(csv[0], /,runUnpricedAttempts,checks,judgeWouldHave$/);
    assert.ok(csv[1].endsWith(',"diagnostics typescript: failed, 1 new error, 120 ms",accept'), csv[1]);
    assert.ok(csv[2].endsWith(',,'), 'no checks, nothing known');
  });
});
