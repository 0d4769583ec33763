// Benchmark: adaptive start (issue 23), a replay over synthetic histories. The same simulated runs go through the
// fixed chain (every tier tried in order) and through the adaptive chain (the estimator of src/core/adaptive,
// reading the history the simulation has written so far). Per run, each tier's answer is drawn once from the same
// seeded source for both chains, so the two see the same answers and differ only in which tiers they ask.
// Scenarios: a small model that is good at one skill and bad at another; and a model that improves mid-way, where
// the figure is how many runs it takes the adaptive chain to try it again for good.
import { DEFAULT_POLICY, decide, estimateTiers, type AdaptiveKey } from '../src/core/adaptive/estimator';
import type { HistoryAttempt, RunRecord } from '../src/core/history/history';

interface SimTier {
  model: string;
  local: boolean;
  /** Seconds an attempt takes (generation and verification). */
  seconds: number;
  usd: number;
  /** Chance of acceptance per skill, as a function of the run's number (a model may improve). */
  accepts: (skill: string, run: number) => number;
}

export interface ChainTotals {
  seconds: number;
  usd: number;
  accepted: number;
  cloudCalls: number;
}

export interface AdaptiveScenario {
  name: string;
  runs: number;
  fixed: ChainTotals;
  adaptive: ChainTotals;
  /** Runs in which the adaptive chain skipped a tier, and how long those tiers would have taken. */
  skippedRuns: number;
  /** The improvement scenario: runs after the model improved until it was tried in every run again. */
  noticedAfter?: number;
}

const CHAIN: Omit<SimTier, 'accepts'>[] = [
  { model: 'qwen-7b', local: true, seconds: 14, usd: 0 },
  { model: 'qwen-32b', local: true, seconds: 35, usd: 0 },
  { model: 'claude-sonnet-5-5', local: false, seconds: 8, usd: 0.012 },
];

function tiers(small: SimTier['accepts']): SimTier[] {
  const rates = [small, (s: string) => (s === 'document' ? 0.75 : 0.6), () => 0.95];
  return CHAIN.map((t, i) => ({ ...t, accepts: rates[i] }));
}

/** Walks one run: `ask[i]` says whether tier i is asked; `draws[i]` is its answer (true: accepted). */
function walk(chain: SimTier[], ask: boolean[], draws: boolean[]): { totals: ChainTotals; attempts: HistoryAttempt[] } {
  const totals: ChainTotals = { seconds: 0, usd: 0, accepted: 0, cloudCalls: 0 };
  const attempts: HistoryAttempt[] = [];
  for (const [i, tier] of chain.entries()) {
    const base = { model: tier.model, tier: tier.local ? 'local' as const : 'cloud' as const, tierIndex: i, backend: tier.local ? 'llama-swap' : 'anthropic', warm: 'ready' as const };
    if (!ask[i]) {
      attempts.push({ ...base, durationMs: 0, verdict: 'skipped' });
      continue;
    }
    totals.seconds += tier.seconds;
    totals.usd += tier.usd;
    if (!tier.local) totals.cloudCalls++;
    attempts.push({ ...base, durationMs: tier.seconds * 1000, verdict: draws[i] ? 'accept' : 'escalate' });
    if (draws[i]) {
      totals.accepted++;
      break;
    }
  }
  return { totals, attempts };
}

/** A small seeded source (mulberry32): the same seed, the same answers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const add = (a: ChainTotals, b: ChainTotals): ChainTotals => ({ seconds: a.seconds + b.seconds, usd: a.usd + b.usd, accepted: a.accepted + b.accepted, cloudCalls: a.cloudCalls + b.cloudCalls });
const ZERO: ChainTotals = { seconds: 0, usd: 0, accepted: 0, cloudCalls: 0 };

function simulate(name: string, chain: SimTier[], skills: string[], runs: number, seed: number, improvesAt?: number): AdaptiveScenario {
  const answers = seededRandom(seed);
  const history: RunRecord[] = [];
  let fixed = ZERO;
  let adaptive = ZERO;
  let skippedRuns = 0;
  let lastSkip = -1;
  for (let run = 0; run < runs; run++) {
    const skill = skills[run % skills.length];
    const draws = chain.map((t) => answers() < t.accepts(skill, run));
    fixed = add(fixed, walk(chain, chain.map(() => true), draws).totals);
    const key: AdaptiveKey = { skill, languageId: 'typescript', chain: chain.map((t) => t.model) };
    const decisions = decide(estimateTiers(history, key), chain.map((t) => t.local));
    const ask = decisions.map((d) => d.action !== 'skip');
    if (ask.includes(false)) {
      skippedRuns++;
      if (skill === 'document') lastSkip = run;
    }
    const walked = walk(chain, ask, draws);
    adaptive = add(adaptive, walked.totals);
    history.unshift({
      id: `run-${run}`, startedAt: new Date(run * 60_000).toISOString(), languageId: 'typescript', skill, chain: key.chain.slice(),
      status: walked.totals.accepted ? 'accepted' : 'exhausted', attempts: walked.attempts, outcome: walked.totals.accepted ? 'applied' : 'none',
    });
  }
  return {
    name, runs, fixed, adaptive, skippedRuns,
    ...(improvesAt !== undefined && { noticedAfter: lastSkip < improvesAt ? 0 : Math.ceil((lastSkip - improvesAt + 1) / skills.length) }),
  };
}

/** The two scenarios, each over `runs` simulated runs. */
export function adaptiveBench(runs: number): AdaptiveScenario[] {
  const split = tiers((skill) => (skill === 'document' ? 0.05 : 0.7));
  const improvesAt = Math.floor(runs / 2);
  const improving = tiers((skill, run) => (skill === 'document' ? (run < improvesAt ? 0.05 : 0.7) : 0.7));
  return [
    simulate('qwen-7b good at fix (70 %), bad at document (5 %)', split, ['fix', 'document'], runs, 11),
    simulate(`qwen-7b improves at document (5 % → 70 %) at run ${improvesAt}`, improving, ['fix', 'document'], runs, 23, improvesAt),
  ];
}

export { DEFAULT_POLICY };
