// The cascade's decisions against the tests: per tier, per skill and overall. A false accept is an accepted answer
// whose test fails; a false escalation a rejected local answer whose test passes; the judge's precision and recall
// count only the verdicts the judge itself gave (not a cheap gate's).
import type { Tier } from '../engine/chain';
import type { AttemptOutcome, BaselineMetrics, BaselineOutcome, EvalResult, GroupMetrics, JudgeMetrics, Rate, TaskOutcome } from './evalTypes';

const rate = (n: number, of: number): Rate => ({ n, of });
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Judge accept = "the test will pass": precision and recall of that prediction. */
export function judgeMetrics(pairs: readonly { verdict: string; passed: boolean }[]): JudgeMetrics {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const p of pairs) {
    if (p.verdict === 'accept') {
      if (p.passed) tp++;
      else fp++;
    } else if (p.verdict === 'escalate') {
      if (p.passed) fn++;
      else tn++;
    }
  }
  return { tp, fp, fn, tn, ...(tp + fp && { precision: tp / (tp + fp) }), ...(tp + fn && { recall: tp / (tp + fn) }) };
}

function judgedPairs(attempts: readonly AttemptOutcome[]) {
  // After a failed check the judge was asked only to know (judgeWouldHave): its own verdict, not the check's.
  return attempts.filter((a) => a.judged && a.test).map((a) => ({ verdict: a.attempt.judgeWouldHave ?? a.attempt.verdict, passed: a.test!.passed }));
}

function attemptCounts(attempts: readonly AttemptOutcome[]) {
  const answered = attempts.filter((a) => a.attempt.verdict !== 'error');
  const accepted = attempts.filter((a) => a.attempt.verdict === 'accept');
  const rejectedLocal = attempts.filter((a) => a.attempt.verdict === 'escalate' && a.attempt.tier === 'local' && a.attempt.by !== 'user');
  return {
    answered,
    falseAccepts: rate(accepted.filter((a) => a.test && !a.test.passed).length, accepted.length),
    falseEscalations: rate(rejectedLocal.filter((a) => a.test?.passed).length, rejectedLocal.length),
    wellFormed: rate(answered.filter((a) => a.code !== undefined).length, answered.length),
    syntaxErrors: attempts.filter((a) => a.syntaxError).length,
    costUsd: attempts.reduce((s, a) => s + (a.attempt.costUsd ?? 0), 0),
    judge: judgeMetrics(judgedPairs(attempts)),
  };
}

/** One tier: its own attempts, accepted / false accepts among them, and its answers' test pass rate. */
function tierMetrics(tier: Tier, index: number, tasks: readonly TaskOutcome[]): GroupMetrics {
  const attempts = tasks.flatMap((t) => t.attempts.filter((a) => a.attempt.tierIndex === index));
  const c = attemptCounts(attempts);
  const accepted = attempts.filter((a) => a.attempt.verdict === 'accept').length;
  return {
    key: `${index + 1}. ${tier.label}`, tasks: new Set(tasks.filter((t) => t.attempts.some((a) => a.attempt.tierIndex === index)).map((t) => t.id)).size,
    attempts: attempts.length,
    accepted: rate(accepted, attempts.length),
    localAccepted: rate(tier.kind === 'local' ? accepted : 0, attempts.length),
    falseAccepts: c.falseAccepts, falseEscalations: c.falseEscalations,
    passed: rate(attempts.filter((a) => a.test?.passed).length, attempts.length),
    wellFormed: c.wellFormed, syntaxErrors: c.syntaxErrors,
    cloudCalls: tier.kind === 'cloud' ? attempts.filter((a) => !(a.attempt.serverSilent && a.attempt.durationMs === 0)).length : 0,
    costUsd: c.costUsd, msPerTask: mean(attempts.map((a) => a.attempt.durationMs)), judge: c.judge,
  };
}

/** A group of tasks (a skill, or all): tasks accepted, accepted locally, passed, and their attempts' counts. */
export function groupMetrics(key: string, tasks: readonly TaskOutcome[]): GroupMetrics {
  const attempts = tasks.flatMap((t) => t.attempts);
  const c = attemptCounts(attempts);
  const accepted = tasks.filter((t) => t.accepted);
  const acceptedTier = (t: TaskOutcome) => t.attempts.find((a) => a.attempt.verdict === 'accept' && a.attempt.tierIndex === t.accepted?.tierIndex);
  return {
    key, tasks: tasks.length, attempts: attempts.length,
    accepted: rate(accepted.length, tasks.length),
    localAccepted: rate(accepted.filter((t) => acceptedTier(t)?.attempt.tier === 'local').length, tasks.length),
    falseAccepts: rate(accepted.filter((t) => !t.passed).length, accepted.length),
    falseEscalations: c.falseEscalations,
    passed: rate(tasks.filter((t) => t.passed).length, tasks.length),
    wellFormed: c.wellFormed, syntaxErrors: c.syntaxErrors,
    cloudCalls: tasks.reduce((s, t) => s + t.cloudCalls, 0),
    costUsd: c.costUsd, msPerTask: mean(tasks.map((t) => t.ms)), judge: c.judge,
  };
}

function baselineMetrics(tasks: readonly TaskOutcome[], pick: (t: TaskOutcome) => BaselineOutcome | undefined): BaselineMetrics | undefined {
  const runs = tasks.map(pick).filter((b): b is BaselineOutcome => b !== undefined);
  if (!runs.length) return undefined;
  return {
    model: runs[0].model, tasks: runs.length, passed: runs.filter((b) => b.passed).length,
    costUsd: runs.reduce((s, b) => s + (b.costUsd ?? 0), 0), cloudCalls: runs.reduce((s, b) => s + b.cloudCalls, 0),
    msPerTask: mean(runs.map((b) => b.ms)),
  };
}

export function summarize(tasks: TaskOutcome[], tiers: readonly Tier[], startedAt: string, mode: EvalResult['mode'], verifierModel?: string): Omit<EvalResult, 'overheadMsPerTask'> {
  const skills = [...new Set(tasks.map((t) => t.skill))].sort();
  const cloudOnly = baselineMetrics(tasks, (t) => t.baselines?.cloudOnly);
  const localOnly = baselineMetrics(tasks, (t) => t.baselines?.localOnly);
  return {
    version: 1, startedAt, mode,
    chain: tiers.map((t) => ({ model: t.model, kind: t.kind, verify: t.verify, label: t.label })),
    ...(verifierModel && { verifierModel }),
    tasks,
    overall: groupMetrics('all', tasks),
    perTier: tiers.map((t, i) => tierMetrics(t, i, tasks)),
    perSkill: skills.map((s) => groupMetrics(s, tasks.filter((t) => t.skill === s))),
    ...((cloudOnly || localOnly) && { baselines: { ...(cloudOnly && { cloudOnly }), ...(localOnly && { localOnly }) } }),
    ...recoveryMetrics(tasks),
  };
}

function recoveryMetrics(tasks: readonly TaskOutcome[]): Pick<EvalResult, 'recovery'> {
  const tried = tasks.map((t) => t.recovery).filter((r) => r !== undefined);
  if (!tried.length) return {};
  return {
    recovery: {
      tried: tried.length, recovered: tried.filter((r) => r.passed).length,
      costUsd: tried.reduce((s, r) => s + r.costUsd, 0), cloudCalls: tried.reduce((s, r) => s + r.cloudCalls, 0),
    },
  };
}
