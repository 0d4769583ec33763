// What both eval reports say, as plain values: rates, money, times, an attempt's verdict line. No markup here.
import { formatUsd } from '../engine/accounting';
import type { AttemptOutcome, EvalResult, Rate, TaskOutcome } from './evalTypes';

export const pct = (r: Rate) => (r.of ? `${Math.round((100 * r.n) / r.of)} % (${r.n}/${r.of})` : '–');
export const ratio = (x?: number) => (x === undefined ? '–' : `${Math.round(100 * x)} %`);
export const usd = (x: number, unpriced = 0) => `${formatUsd(x)}${unpriced ? ` + ${unpriced} unpriced` : ''}`;
export const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** Who decided an attempt: the judge, a cheap gate or check, the user, or an error. */
export function decidedBy(a: AttemptOutcome): string {
  if (a.attempt.verdict === 'error') return 'error';
  if (a.attempt.by === 'user') return 'user';
  // A failed check decides even when the judge was asked after it (only to know what it would have said).
  if (a.attempt.checks?.some((c) => c.status === 'failed')) return a.attempt.judgeWouldHave ? `check (judge would have: ${a.attempt.judgeWouldHave})` : 'check';
  if (a.judged) return 'judge';
  return a.attempt.verdict === 'accept' ? 'no judge' : 'gate';
}

export function testText(a: AttemptOutcome): string {
  if (!a.test) return a.attempt.verdict === 'error' ? 'no answer' : 'not well formed';
  const state = a.test.timedOut ? 'timed out' : a.test.passed ? 'passed' : `failed (exit ${a.test.exitCode ?? '?'})`;
  return `${state}${a.syntaxError ? ', syntax error' : ''}, ${secs(a.test.ms)}`;
}

export function checksText(a: AttemptOutcome): string {
  return (a.attempt.checks ?? []).map((c) => `${c.name}: ${c.status}`).join('; ');
}

/** What the code checks caught: answers they rejected, those the judge would have let through, and of those the ones the test proves wrong. */
export function checksCaught(r: EvalResult): { rejected: number; judgeWouldAccept: number; testFails: number } {
  const rejected = r.tasks.flatMap((t) => t.attempts).filter((a) => a.attempt.checks?.some((c) => c.status === 'failed'));
  const letThrough = rejected.filter((a) => a.attempt.judgeWouldHave === 'accept');
  return { rejected: rejected.length, judgeWouldAccept: letThrough.length, testFails: letThrough.filter((a) => a.test && !a.test.passed).length };
}

export function acceptedText(t: TaskOutcome): string {
  return t.accepted ? `${t.accepted.tierIndex + 1}. ${t.accepted.model}` : t.status;
}

/** The headline numbers, as label/value pairs. */
export function headline(r: EvalResult): [string, string][] {
  const o = r.overall;
  const unpriced = r.tasks.reduce((s, t) => s + t.unpriced, 0);
  const rows: [string, string][] = [
    ['Tasks', String(o.tasks)],
    ['Pass rate (accepted answer passes its test)', pct(o.passed)],
    ['Accepted on a local tier', pct(o.localAccepted)],
    ['False accepts (accepted, test fails)', pct(o.falseAccepts)],
    ['False escalations (local answer rejected, test passes)', pct(o.falseEscalations)],
    ['Well-formed answers', pct(o.wellFormed)],
    ['Answers failing on a syntax error', String(o.syntaxErrors)],
    ['Judge precision / recall (accept = test passes)', `${ratio(o.judge.precision)} / ${ratio(o.judge.recall)}`],
    ['Cloud calls', String(o.cloudCalls)],
    ['Cost', usd(o.costUsd, unpriced)],
    ['Cost per task', o.tasks ? usd(o.costUsd / o.tasks) : '–'],
    ['Time per task (servers and checks, without tests)', secs(o.msPerTask)],
    ["Eval's own overhead per task", `${r.overheadMsPerTask.toFixed(1)} ms`],
  ];
  const caught = checksCaught(r);
  if (caught.rejected) rows.push(['Rejected by code checks; of those the judge would have accepted; of those the test fails', `${caught.rejected}; ${caught.judgeWouldAccept}; ${caught.testFails}`]);
  const cloud = r.baselines?.cloudOnly;
  if (cloud) rows.push([`Cloud-only baseline (${cloud.model})`, `pass ${pct({ n: cloud.passed, of: cloud.tasks })}, ${cloud.cloudCalls} calls, ${usd(cloud.costUsd)}, ${secs(cloud.msPerTask)} per task`]);
  const local = r.baselines?.localOnly;
  if (local) rows.push([`Local-only baseline (${local.model}, first answer as is)`, `pass ${pct({ n: local.passed, of: local.tasks })}, 0 cloud calls, ${secs(local.msPerTask)} per task`]);
  if (r.recovery) rows.push(['False accepts recovered by escalating with the test\'s output', `${r.recovery.recovered} of ${r.recovery.tried}, ${r.recovery.cloudCalls} cloud calls, ${usd(r.recovery.costUsd)}`]);
  if (r.verifier) rows.push([`Verifier-only replay (${r.verifier.model})`, `precision ${ratio(r.verifier.judge.precision)}, recall ${ratio(r.verifier.judge.recall)} over ${r.verifier.verdicts.length} answers`]);
  return rows;
}
