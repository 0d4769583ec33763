// core/adaptive: where a run should start, learnt from the user's own history. May import the engine and the
// history's records; pure (no editor, no clock, no randomness: the same history gives the same choice).
//
// Each local tier's chance of acceptance for one (skill, language, chain) is a decayed rate with a prior, so a
// few runs do not decide: an outcome k runs ago weighs 0.5^(k / halfLife), and the prior counts as `priorWeight`
// runs at `prior`. The user's discards and escalations of an accepted answer count against the tier; a server
// error or a cancelled run says nothing about the model, so it does not count either way.
import type { HistoryAttempt, RunRecord } from '../history/history';
import { median } from '../history/historyReport';

export interface AdaptivePolicy {
  /** The rate a tier is assumed to have before any run, and how many runs that assumption weighs. */
  prior: number;
  priorWeight: number;
  /** How many of a tier's runs back an outcome weighs half. */
  halfLifeRuns: number;
  /** Only this many of a tier's latest outcomes are read. */
  window: number;
  /** A tier whose estimate is below this may be skipped... */
  threshold: number;
  /** ...once its outcomes weigh at least this much (decayed runs)... */
  minEvidence: number;
  /** ...and when it usually takes at least this long (there is time to save). */
  minSavedMs: number;
  /** A tier that would be skipped is still tried once every this many runs, so a model that got better is noticed. */
  exploreEvery: number;
}

export const DEFAULT_POLICY: AdaptivePolicy = {
  prior: 0.5, priorWeight: 2, halfLifeRuns: 10, window: 40, threshold: 0.2, minEvidence: 6, minSavedMs: 1_000, exploreEvery: 10,
};

/** What the history says of one tier of the chain for one skill and language. */
export interface TierEstimate {
  tierIndex: number;
  model: string;
  /** The decayed, prior-weighted chance that this tier's answer is accepted (and kept by the user). */
  estimate: number;
  /** Raw counts over the window, for the sentence a user reads: "1 of 20". */
  accepted: number;
  of: number;
  /** The decayed weight of the outcomes read (how much evidence there is). */
  evidence: number;
  /** The tier's median time per attempt, when it was tried. */
  medianMs?: number;
  /** The latest runs of this key in a row that skipped this tier (adaptive), since it was last tried. */
  skippedInARow: number;
}

export interface Decision extends TierEstimate {
  action: 'try' | 'skip' | 'explore';
}

/** Which runs speak of this key: the same skill, language and chain (by model, in order). */
export interface AdaptiveKey {
  skill: string;
  languageId: string;
  chain: readonly string[];
}

type Outcome = { success: boolean; ms: number };

/** The tier's outcome in one run, or undefined when the run says nothing of its model's quality. */
function outcomeOf(run: RunRecord, tierIndex: number): Outcome | undefined {
  const attempt: HistoryAttempt | undefined = run.attempts.find((a) => a.tierIndex === tierIndex && a.by !== 'user');
  if (!attempt || attempt.verdict === 'skipped' || attempt.verdict === 'error') return undefined;
  if (attempt.verdict === 'escalate') return { success: false, ms: attempt.durationMs };
  // Accepted by the checks: the user's discard or escalation still says the answer was not good enough.
  return { success: run.outcome !== 'discarded' && run.outcome !== 'escalated', ms: attempt.durationMs };
}

const sameChain = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((m, i) => m === b[i]);

/** Each tier's estimate from the runs of this key; `runs` newest first (as getHistory gives them). */
export function estimateTiers(runs: readonly RunRecord[], key: AdaptiveKey, policy: AdaptivePolicy = DEFAULT_POLICY): TierEstimate[] {
  const mine = runs.filter((r) => r.skill === key.skill && r.languageId === key.languageId && sameChain(r.chain, key.chain));
  return key.chain.map((model, tierIndex) => {
    const outcomes = mine.map((r) => outcomeOf(r, tierIndex)).filter((o): o is Outcome => o !== undefined).slice(0, policy.window);
    let weight = 0;
    let won = 0;
    outcomes.forEach((o, k) => {
      const w = 0.5 ** (k / policy.halfLifeRuns);
      weight += w;
      if (o.success) won += w;
    });
    const estimate = (policy.prior * policy.priorWeight + won) / (policy.priorWeight + weight);
    const medianMs = median(outcomes.map((o) => o.ms)); // NaN when never tried
    const triedAt = mine.findIndex((r) => !r.attempts.some((a) => a.tierIndex === tierIndex && a.verdict === 'skipped'));
    return {
      tierIndex, model, estimate, evidence: weight, of: outcomes.length, accepted: outcomes.filter((o) => o.success).length,
      skippedInARow: triedAt === -1 ? mine.length : triedAt,
      ...(Number.isFinite(medianMs) && { medianMs }),
    };
  });
}

/**
 * Which tiers to skip. Only local tiers are candidates and the last tier is always tried, so a run never has
 * nowhere to go; a tier that would be skipped is still tried (explored) once every `exploreEvery` runs, counted
 * from the history itself, so the choice is the same for the same history and needs no memory of its own.
 */
export function decide(estimates: readonly TierEstimate[], local: readonly boolean[], policy: AdaptivePolicy = DEFAULT_POLICY): Decision[] {
  return estimates.map((e, i) => {
    const last = i === estimates.length - 1;
    const poor = e.estimate < policy.threshold && e.evidence >= policy.minEvidence && (e.medianMs ?? 0) >= policy.minSavedMs;
    if (last || !local[i] || !poor) return { ...e, action: 'try' };
    return { ...e, action: e.skippedInARow >= policy.exploreEvery - 1 ? 'explore' : 'skip' };
  });
}

/** Why a tier is skipped, as the attempt's feedback: `1/20 accepted recently`. */
export function recentLine(d: Pick<TierEstimate, 'accepted' | 'of'>): string {
  return `${d.accepted}/${d.of} accepted recently`;
}

/** The log's and the progress line's words for a skip: `skipped qwen-7b: 1/20 accepted recently`. */
export function skipLine(d: Pick<TierEstimate, 'model'>, why: string): string {
  return `skipped ${d.model}: ${why}`;
}
