// The escalation report's numbers and advice, from the run history. Pure, so every figure and every line of
// advice is unit-tested over a fixed history.
import { isUnpriced } from '../engine/accounting';
import { checkLine } from '../engine/report';
import type { HistoryAttempt, RunRecord } from './history';
import { SETTING_NAMES } from '../settingKeys';

export interface ReportFilter {
  /** Only runs of the last N days; undefined: all. */
  days?: number;
  /** Only runs in this workspace folder; undefined: all. */
  workspace?: string;
  now: Date;
}

export interface ModelStats {
  model: string;
  tier: 'local' | 'cloud';
  attempts: number;
  accepted: number;
  /** Of the accepted, how many the user applied. */
  applied: number;
  medianMs: number;
  p95Ms: number;
  /** Median load time of the attempts that loaded the model (loadMs known). */
  medianLoadMs?: number;
  cold: number;
  coldFailed: number;
  /** Accepted proposals the user then discarded or escalated. */
  overruled: number;
}

export interface ReportData {
  runs: number;
  /** Per day (YYYY-MM-DD, UTC): runs resolved by a local tier, by a cloud tier, or not at all. */
  resolution: { day: string; local: number; cloud: number; none: number }[];
  models: ModelStats[];
  /** Why answers were escalated, most frequent first. */
  reasons: { reason: string; count: number }[];
  /**
   * Answers the code checks rejected; of those, how many the judge was also asked about (judgeAfterFailedCheck), and
   * how many of these it would have accepted: what the checks caught that the judge would have let through.
   */
  checks: { rejected: number; judged: number; judgeWouldHaveAccepted: number };
  /**
   * What hyperguild.adaptive's skips saved: tiers skipped, the time they usually take (their median when skipped),
   * and how many of those answers would have been escalated anyway at the tiers' recent rates (runs it would have wasted).
   */
  skipping: { skipped: number; savedMs: number; wouldHaveEscalated: number };
  /** Per day: what the priced cloud attempts cost, the runs with unpriced ones, and the estimated cost avoided. */
  spend: { day: string; costUsd: number; avoidedUsd: number; unpricedRuns: number }[];
  /** Runs that used a cloud model without a known price, and those models. */
  unpriced: { runs: number; models: string[] };
  advice: string[];
  workspaces: string[];
}

const DAY_MS = 86_400_000;

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
/** The middle value (NaN for none). */
export const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The reason an attempt did not end the run, as a category a person recognises. */
export function reasonOf(a: HistoryAttempt): string | undefined {
  if (a.verdict === 'accept' || a.verdict === 'skipped') return undefined;
  const f = a.feedback ?? '';
  if (a.by === 'user') return 'you escalated';
  if (f === 'cancelled' || f === 'cancelled while verifying') return undefined;
  if (rejectedByChecks(a)) return REJECTED_BY_CHECKS;
  if (f.startsWith('the proposal does not parse')) return 'did not parse (syntax gate)';
  if (f === 'the answer was identical to the selected code') return 'changed nothing';
  if (f === 'the answer was cut off at the token limit') return 'cut off at the token limit';
  if (f === 'the answer had no fenced code block' || f === 'the code block was empty' || f === 'the answer was empty') return 'no code in the answer';
  if (f.startsWith('skipped: ')) return 'server did not answer (skipped)';
  if (f.startsWith('the verifier failed') || f === "the verifier's answer was unreadable") return 'the judge failed or was unreadable';
  if (a.verdict === 'error') return /timeout|within|went silent/i.test(f) ? 'timed out' : /not reachable|unreachable/i.test(f) ? 'server unreachable' : 'server or API error';
  return 'the judge escalated';
}

export const REJECTED_BY_CHECKS = 'rejected by checks';

/** A code check (diagnostics, a command) failed, so the answer escalated without the judge's verdict. */
const rejectedByChecks = (a: HistoryAttempt) => a.verdict === 'escalate' && Boolean(a.checks?.some((c) => c.status === 'failed'));

function day(iso: string): string {
  return iso.slice(0, 10);
}

export function filterRuns(runs: readonly RunRecord[], filter: ReportFilter): RunRecord[] {
  const since = filter.days === undefined ? -Infinity : filter.now.getTime() - filter.days * DAY_MS;
  return runs.filter((r) => Date.parse(r.startedAt) >= since && (filter.workspace === undefined || r.workspace === filter.workspace));
}

export function buildReport(all: readonly RunRecord[], filter: ReportFilter): ReportData {
  const runs = filterRuns(all, filter);
  const byDay = new Map<string, { local: number; cloud: number; none: number; costUsd: number; avoidedUsd: number; unpricedRuns: number }>();
  const unpricedModels = new Set<string>();
  const models = new Map<string, ModelStats & { durations: number[]; loads: number[] }>();
  const reasons = new Map<string, number>();
  const checks = { rejected: 0, judged: 0, judgeWouldHaveAccepted: 0 };
  const skipping = { skipped: 0, savedMs: 0, wouldHaveEscalated: 0 };

  for (const run of [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) {
    const d = byDay.get(day(run.startedAt)) ?? { local: 0, cloud: 0, none: 0, costUsd: 0, avoidedUsd: 0, unpricedRuns: 0 };
    byDay.set(day(run.startedAt), d);
    const acceptedAttempt = run.accepted ? run.attempts.find((a) => a.tierIndex === run.accepted!.tierIndex && a.verdict === 'accept' && a.model === run.accepted!.model) : undefined;
    if (run.status === 'accepted' && acceptedAttempt) d[acceptedAttempt.tier]++;
    else if (run.status !== 'cancelled') d.none++;
    d.costUsd += run.costUsd ?? 0;
    if (run.unpriced) d.unpricedRuns++;
    for (const a of run.attempts) if (isUnpriced(a)) unpricedModels.add(a.model);
    d.avoidedUsd += run.cloudCostAvoidedUsd ?? 0;

    // A continued run repeats the attempts of the run it continues: count only its own.
    const own = run.continues ? run.attempts.slice(run.attempts.findIndex((a) => a.by === 'user') + 1) : run.attempts;
    for (const a of run.continues ? run.attempts.filter((x) => x.by === 'user').concat(own) : own) {
      const reason = reasonOf(a);
      if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      if (reason === REJECTED_BY_CHECKS) countCaught(checks, a);
      if (a.verdict === 'skipped') countSkip(skipping, a);
      if (a.by === 'user' || a.verdict === 'skipped') continue;
      const m = models.get(a.model) ?? { model: a.model, tier: a.tier, attempts: 0, accepted: 0, applied: 0, medianMs: NaN, p95Ms: NaN, cold: 0, coldFailed: 0, overruled: 0, durations: [], loads: [] };
      models.set(a.model, m);
      m.attempts++;
      m.durations.push(a.durationMs);
      if (a.loadMs !== undefined) m.loads.push(a.loadMs);
      const cold = a.tier === 'local' && (a.warm === 'cold' || a.warm === 'starting');
      if (cold) m.cold++;
      if (cold && a.verdict === 'error') m.coldFailed++;
      if (a === acceptedAttempt) {
        m.accepted++;
        if (run.outcome === 'applied') m.applied++;
        if (run.outcome === 'discarded' || run.outcome === 'escalated') m.overruled++;
      }
    }
  }

  const modelStats: ModelStats[] = [...models.values()].map(({ durations, loads, ...m }) => ({
    ...m, medianMs: median(durations), p95Ms: quantile(durations, 0.95), ...(loads.length && { medianLoadMs: median(loads) }),
  }));
  const days = [...byDay.keys()].sort();
  return {
    runs: runs.length,
    resolution: days.map((d) => ({ day: d, local: byDay.get(d)!.local, cloud: byDay.get(d)!.cloud, none: byDay.get(d)!.none })),
    models: modelStats,
    reasons: [...reasons.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    checks,
    skipping: { ...skipping, wouldHaveEscalated: Math.round(skipping.wouldHaveEscalated) },
    spend: days.map((d) => ({ day: d, costUsd: byDay.get(d)!.costUsd, avoidedUsd: byDay.get(d)!.avoidedUsd, unpricedRuns: byDay.get(d)!.unpricedRuns })),
    unpriced: { runs: days.reduce((n, d) => n + byDay.get(d)!.unpricedRuns, 0), models: [...unpricedModels].sort() },
    advice: [...advise(modelStats), ...adviseUnpriced(days.reduce((n, d) => n + byDay.get(d)!.unpricedRuns, 0), [...unpricedModels].sort())],
    workspaces: [...new Set(all.map((r) => r.workspace).filter((w): w is string => Boolean(w)))].sort(),
  };
}

/** One answer the checks rejected: known to be caught from the judge only when the judge was asked as well. */
function countCaught(checks: ReportData['checks'], a: HistoryAttempt): void {
  checks.rejected++;
  if (!a.judgeWouldHave) return;
  checks.judged++;
  if (a.judgeWouldHave === 'accept') checks.judgeWouldHaveAccepted++;
}

/** One tier skipped: the time it usually takes (none when it was stopped mid-answer: that time was spent). */
function countSkip(skipping: ReportData['skipping'], a: HistoryAttempt): void {
  skipping.skipped++;
  if (a.durationMs === 0) skipping.savedMs += a.skip?.expectedMs ?? 0;
  skipping.wouldHaveEscalated += 1 - (a.skip?.chance ?? 0);
}

const pct = (n: number, of: number) => `${Math.round((100 * n) / of)} %`;
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Each line backed by the numbers it cites. */
export function advise(models: readonly ModelStats[]): string[] {
  const lines: string[] = [];
  for (const m of models) {
    if (m.tier === 'local' && m.attempts >= 20 && m.accepted / m.attempts < 0.1) {
      lines.push(`Consider removing ${m.model} from the chain: its answer was accepted in ${pct(m.accepted, m.attempts)} of ${m.attempts} attempts, and it costs a median ${secs(m.medianMs)} per run.`);
    }
    if (m.tier === 'local' && m.cold >= 5 && m.coldFailed / m.cold >= 0.5) {
      lines.push(`${m.model} mostly fails when it starts cold (${m.coldFailed} of ${m.cold} cold attempts): keep it loaded (the status-bar menu), or raise ${SETTING_NAMES.localFirstByteTimeoutSeconds}.`);
    }
    if (m.tier === 'local' && m.accepted >= 6 && m.overruled / m.accepted > 1 / 3) {
      lines.push(`The judge of ${m.model} accepted answers you then discarded or escalated (${m.overruled} of ${m.accepted}): consider a stronger judge in ${SETTING_NAMES.verifierModel}.`);
    }
  }
  return lines;
}

/** Cloud spend the report cannot count, and the setting that would let it. */
function adviseUnpriced(runs: number, models: string[]): string[] {
  if (!runs) return [];
  const one = runs === 1 && models.length === 1;
  return [`${runs} run${runs === 1 ? '' : 's'} used ${models.length === 1 ? 'a cloud model' : 'cloud models'} without a known price (${models.join(', ')}), so ${one ? 'its' : 'their'} cost is not in the spend: add ${models.length === 1 ? 'its price' : 'their prices'} to ${SETTING_NAMES.prices}.`];
}

/**
 * The status-bar tooltip's figures, kept as runs are read (the history file feeds it each line once, so recording
 * a run never re-reads the file). Per day; days older than yesterday are let go.
 */
export class DayTally {
  private readonly days = new Map<string, { runs: number; local: number; avoidedUsd: number }>();

  add(run: RunRecord): void {
    const d = day(run.startedAt);
    const figures = this.days.get(d) ?? { runs: 0, local: 0, avoidedUsd: 0 };
    this.days.set(d, figures);
    figures.runs++;
    if (run.status === 'accepted' && run.attempts.find((a) => a.verdict === 'accept' && a.tierIndex === run.accepted?.tierIndex)?.tier === 'local') figures.local++;
    figures.avoidedUsd += run.cloudCostAvoidedUsd ?? 0;
    if (this.days.size > 3) for (const old of [...this.days.keys()].sort().slice(0, -3)) this.days.delete(old);
  }

  /** Today's line for the status-bar tooltip. */
  line(now: Date): string {
    const t = this.days.get(now.toISOString().slice(0, 10)) ?? { runs: 0, local: 0, avoidedUsd: 0 };
    return `Today: ${t.runs} run${t.runs === 1 ? '' : 's'}, ${t.local} resolved locally, cloud cost avoided ≈ $${t.avoidedUsd.toFixed(4)} (estimate)`;
  }
}

/** Today's line for the status-bar tooltip, over runs already read. */
export function todayLine(all: readonly RunRecord[], now: Date): string {
  const tally = new DayTally();
  for (const run of all) tally.add(run);
  return tally.line(now);
}

/**
 * A cell as CSV: quoted where needed, and a text a spreadsheet would take for a formula (=, +, -, @, tab or carriage
 * return first: a judge's feedback can steer it) prefixed with a single quote, as OWASP advises.
 */
export function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The history as CSV: one row per attempt, with its run's fields. */
export function toCsv(runs: readonly RunRecord[]): string {
  const head = ['run', 'startedAt', 'workspace', 'language', 'skill', 'status', 'outcome', 'runCostUsd', 'cloudCostAvoidedUsd', 'tierIndex', 'model', 'tier', 'backend', 'warm', 'loadMs', 'durationMs', 'verdict', 'by', 'feedback', 'inputTokens', 'outputTokens', 'costUsd', 'runUnpricedAttempts', 'checks', 'judgeWouldHave'];
  const rows = runs.flatMap((r) => r.attempts.map((a) => [
    r.id, r.startedAt, r.workspace, r.languageId, r.skill, r.status, r.outcome, r.costUsd, r.cloudCostAvoidedUsd, a.tierIndex, a.model, a.tier, a.backend, a.warm, a.loadMs,
    a.durationMs, a.verdict, a.by, a.feedback, a.inputTokens, a.outputTokens, a.costUsd, r.unpriced, a.checks?.map(checkLine).join('; '), a.judgeWouldHave,
  ]));
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
