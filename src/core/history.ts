// The run history's records: what a finished run leaves behind (no code or instruction text unless the user opts
// in), one JSON line each, and how the lines are read back. Pure: the file itself is src/storage/historyFile.ts.
import type { Attempt, RunResult } from './orchestrator';
import type { RunReport } from './report';

export type Outcome = 'applied' | 'discarded' | 'escalated' | 'pending' | 'none';

/** One attempt as the run report has it, plus what the report leaves out. */
export type HistoryAttempt = RunReport['attempts'][number] & {
  tierIndex: number;
  backend: string;
  loadMs?: number;
  judgePrompt?: { evaluated: number; cached: number };
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
  costUsd: number;
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
  };
}

export function toRecord(input: RecordInput): RunRecord {
  const r = input.result;
  const accepted = 'accepted' in r ? r.accepted : undefined;
  const proposal = 'proposal' in r ? r.proposal : undefined;
  const avoided = 'cloudCostAvoided' in r ? r.cloudCostAvoided?.usd : undefined;
  const attempts: readonly Attempt[] = r.attempts;
  const costUsd = attempts.reduce<number>((sum, a) => sum + (a.costUsd ?? 0), 0);
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
    costUsd,
    ...(avoided !== undefined && { cloudCostAvoidedUsd: avoided }),
    ...(input.continues && { continues: input.continues }),
    ...(input.code && { code: { ...input.code, ...(proposal !== undefined && { proposal }) } }),
  };
}

export const line = (l: HistoryLine): string => `${JSON.stringify(l)}\n`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const OUTCOMES = new Set<Outcome>(['applied', 'discarded', 'escalated', 'pending', 'none']);

/** One line, or undefined when it is torn, foreign or of a shape this version does not know. */
function parseLine(text: string): HistoryLine | undefined {
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
    && Array.isArray(run.attempts) && typeof run.costUsd === 'number' && OUTCOMES.has(run.outcome as Outcome);
  return ok ? (value as HistoryLine) : undefined;
}

/** The runs in the text, oldest first, each with its latest outcome; lines that cannot be read are counted. */
export function parseHistory(text: string): { runs: RunRecord[]; skipped: number } {
  const runs = new Map<string, RunRecord>();
  let skipped = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    const parsed = parseLine(raw);
    if (!parsed) {
      skipped++;
    } else if (parsed.type === 'run') {
      runs.set(parsed.run.id, { ...parsed.run });
    } else {
      const run = runs.get(parsed.id);
      if (run) run.outcome = parsed.outcome;
    }
  }
  return { runs: [...runs.values()], skipped };
}
