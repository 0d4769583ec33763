// core/history: the run history's records and its report (historyReport). May import the engine.
//
// The run history's records: what a finished run leaves behind (no code or instruction text unless the user opts
// in), one JSON line each, and how the lines are read back. Pure: the file itself is src/storage/historyFile.ts.
import { isUnpriced } from '../engine/accounting';
import type { Attempt, RunResult } from '../engine/orchestrator';
import type { RunReport } from '../engine/report';
import { withoutNotes } from '../engine/checks';

export type Outcome = 'applied' | 'discarded' | 'escalated' | 'pending' | 'none';

/** One attempt as the run report has it, plus what the report leaves out. */
export type HistoryAttempt = RunReport['attempts'][number] & {
  tierIndex: number;
  backend: string;
  loadMs?: number;
  judgePrompt?: { evaluated: number; cached: number };
  /** A tier hyperguild.adaptive skipped: its recent chance and median time. */
  skip?: { chance: number; expectedMs?: number };
};

/** (contract) What `getHistory()` returns, newest first. */
export interface RunRecord {
  id: string;
  /** ISO time the run started. */
  startedAt: string;
  /** The workspace folder's name, when the file is in one. */
  workspace?: string;
  languageId: string;
  skill: string;
  chain: string[];
  status: RunReport['status'];
  message?: string;
  attempts: HistoryAttempt[];
  accepted?: { model: string; tierIndex: number };
  outcome: Outcome;
  /** What the priced attempts cost; absent when an attempt had no known price and none had one (never a made-up $0). */
  costUsd?: number;
  /** Cloud attempts without a known price (hyperguild.prices), whose cost is not in costUsd. */
  unpriced?: number;
  cloudCostAvoidedUsd?: number;
  /** The run this one continues (the user's Escalate). */
  continues?: string;
  /** Only with hyperguild.history.keepCode. */
  code?: { selection: string; proposal?: string; instruction?: string };
}

export type HistoryLine =
  | { v: 1; type: 'run'; run: RunRecord }
  | { v: 1; type: 'outcome'; id: string; outcome: Outcome; at: string };

export interface RecordInput {
  id: string;
  startedAt: Date;
  workspace?: string;
  languageId: string;
  skill: string;
  chain: string[];
  result: Pick<RunResult, 'status' | 'message' | 'accepted' | 'attempts' | 'proposal' | 'cloudCostAvoided'> | { status: 'failed'; message: string; attempts: readonly Attempt[] };
  continues?: string;
  /** The code, kept only when the user turned hyperguild.history.keepCode on. */
  code?: { selection: string; instruction?: string };
  /** No proposal follows (a language-model request's answer goes to its caller): the outcome is none, never pending. */
  answerOnly?: boolean;
}

function historyAttempt(a: Attempt): HistoryAttempt {
  return {
    model: a.model, tier: a.tier, durationMs: a.durationMs, warm: a.warm, verdict: a.verdict,
    tierIndex: a.tierIndex, backend: a.backend,
    ...(a.feedback !== undefined && { feedback: a.feedback }),
    ...(a.by && { by: a.by }),
    ...(a.loadMs !== undefined && { loadMs: a.loadMs }),
    ...(a.inputTokens !== undefined && { inputTokens: a.inputTokens }),
    ...(a.outputTokens !== undefined && { outputTokens: a.outputTokens }),
    ...(a.costUsd !== undefined && { costUsd: a.costUsd }),
    ...(a.judgePrompt && { judgePrompt: a.judgePrompt }),
    ...(a.skip && { skip: { ...a.skip } }),
    ...(a.checks && { checks: withoutNotes(a.checks) }),
    ...(a.judgeWouldHave && { judgeWouldHave: a.judgeWouldHave }),
  };
}

export function toRecord(input: RecordInput): RunRecord {
  const r = input.result;
  const accepted = 'accepted' in r ? r.accepted : undefined;
  const proposal = 'proposal' in r ? r.proposal : undefined;
  const avoided = 'cloudCostAvoided' in r ? r.cloudCostAvoided?.usd : undefined;
  const attempts: readonly Attempt[] = r.attempts;
  const costUsd = attempts.reduce<number>((sum, a) => sum + (a.costUsd ?? 0), 0);
  const unpriced = attempts.filter(isUnpriced).length;
  const priced = attempts.some((a) => a.tier === 'cloud' && a.costUsd !== undefined);
  return {
    id: input.id,
    startedAt: input.startedAt.toISOString(),
    ...(input.workspace && { workspace: input.workspace }),
    languageId: input.languageId,
    skill: input.skill,
    chain: input.chain,
    status: r.status,
    ...(r.message !== undefined && { message: r.message }),
    attempts: attempts.map(historyAttempt),
    ...(accepted && { accepted: { ...accepted } }),
    outcome: r.status === 'accepted' && !input.answerOnly ? 'pending' : 'none',
    ...((!unpriced || priced) && { costUsd }),
    ...(unpriced && { unpriced }),
    ...(avoided !== undefined && { cloudCostAvoidedUsd: avoided }),
    ...(input.continues && { continues: input.continues }),
    ...(input.code && { code: { ...input.code, ...(proposal !== undefined && { proposal }) } }),
  };
}

export const line = (l: HistoryLine): string => `${JSON.stringify(l)}\n`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const OUTCOMES = new Set<Outcome>(['applied', 'discarded', 'escalated', 'pending', 'none']);

/** One line, or undefined when it is torn, foreign or of a shape this version does not know. */
export function parseLine(text: string): HistoryLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.v !== 1) return undefined;
  if (value.type === 'outcome') {
    return typeof value.id === 'string' && OUTCOMES.has(value.outcome as Outcome) && typeof value.at === 'string' ? (value as HistoryLine) : undefined;
  }
  if (value.type !== 'run' || !isRecord(value.run)) return undefined;
  const run = value.run;
  const ok = typeof run.id === 'string' && typeof run.startedAt === 'string' && typeof run.skill === 'string' && typeof run.status === 'string'
    && Array.isArray(run.attempts) && (run.costUsd === undefined || typeof run.costUsd === 'number') && OUTCOMES.has(run.outcome as Outcome);
  return ok ? (value as HistoryLine) : undefined;
}

/**
 * Reads history lines one at a time (a file read as a stream): each run with its latest outcome, oldest first, and
 * the lines that could not be read. With `keep`, only the newest `keep` runs are held, so memory stays bounded
 * whatever the file's size (an outcome for a run already let go changes nothing that is returned).
 */
export class HistoryParser {
  private readonly runs = new Map<string, RunRecord>();
  skipped = 0;

  constructor(private readonly keep = Infinity) {}

  push(raw: string): void {
    if (!raw.trim()) return;
    const parsed = parseLine(raw);
    if (!parsed) {
      this.skipped++;
    } else if (parsed.type === 'run') {
      // A line written twice (an append that raced a compaction, see historyFile.ts) counts once, as first read.
      if (this.runs.has(parsed.run.id)) return;
      this.runs.set(parsed.run.id, { ...parsed.run });
      if (this.runs.size > this.keep) this.runs.delete(this.runs.keys().next().value as string);
    } else {
      const run = this.runs.get(parsed.id);
      if (run) run.outcome = parsed.outcome;
    }
  }

  /** Oldest first. */
  result(): { runs: RunRecord[]; skipped: number } {
    return { runs: [...this.runs.values()], skipped: this.skipped };
  }
}

/** The runs in the text, oldest first, each with its latest outcome; lines that cannot be read are counted. */
export function parseHistory(text: string): { runs: RunRecord[]; skipped: number } {
  const parser = new HistoryParser();
  for (const raw of text.split('\n')) parser.push(raw);
  return parser.result();
}
