// Verification as a pipeline: an answer passes a list of steps, cheapest first (the cheap gates, the syntax gate,
// the code checks, the judge), and the first that escalates decides; the rest are not run, so no judge tokens are
// spent on an answer a gate or a check has rejected. The steps themselves are in steps.ts; this walks them.
import { BackendError, type ChatResult } from '../types';
import type { CheckRecord } from './checks';

/** What the steps look at: the tier's answer, and the part that is checked (undefined when it is missing). */
export interface Checked {
  answer: ChatResult;
  extracted: string | undefined;
}

export interface Tokens {
  inputTokens?: number;
  outputTokens?: number;
}

/** What steps add to the attempt's record (the orchestrator's Attempt fields of the same names). */
export interface StepNotes {
  syntaxNote?: string;
  checks?: CheckRecord[];
  detail?: string;
  judgePrompt?: { evaluated: number; cached: number };
}

export interface StepResult {
  /** pass: go on; not-checked: go on, the step could not say; escalate: stop here, with `feedback`. */
  status: 'pass' | 'escalate' | 'not-checked';
  /** Escalate: the reason, carried to the next tier. Pass: what the step said about the answer (the judge's reason). */
  feedback?: string;
  notes?: StepNotes;
  /** Tokens the step spent that count against the tier. */
  tokens?: Tokens;
}

export interface Step {
  readonly name: string;
  /** gate: decided without a model; check: a code check (diagnostics, a command); judge: a model's verdict. */
  readonly role: 'gate' | 'check' | 'judge';
  applies(checked: Checked): boolean;
  /** Bounded: by its own bound or by the run's signal; rejects only when the run is cancelled. */
  run(checked: Checked, signal: AbortSignal): Promise<StepResult>;
}

export interface PipelineResult {
  verdict: 'accept' | 'escalate';
  feedback?: string;
  notes: StepNotes;
  tokens: Tokens;
  /** Not the verdict: what the judge, asked after a failed code check (judgeAfterFailedCheck), would have said. */
  judgeWouldHave?: 'accept' | 'escalate';
  /** Set when the run was cancelled: the kind of step that was running, or about to. */
  cancelled?: Step['role'];
}

export interface WalkOptions {
  /** When a code check fails, still ask the judge steps, and record their verdict as `judgeWouldHave` only. */
  judgeAfterFailedCheck?: boolean;
}

/** Token counts added up: unknown only when both are unknown. */
export function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

/** Folds one step's result into the walk's: notes merged (check records appended), tokens added up. */
function fold(into: PipelineResult, result: StepResult): void {
  const { checks, ...notes } = result.notes ?? {};
  Object.assign(into.notes, notes);
  if (checks) into.notes.checks = [...(into.notes.checks ?? []), ...checks];
  if (result.tokens) into.tokens = { inputTokens: sum(into.tokens.inputTokens, result.tokens.inputTokens), outputTokens: sum(into.tokens.outputTokens, result.tokens.outputTokens) };
  if (result.feedback !== undefined) into.feedback = result.feedback;
}

/** The run was cancelled (its signal), or a request says it was. */
export function isCancel(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof BackendError && err.kind === 'cancelled');
}

/** Runs one step, or says that the run was cancelled before or during it; other failures of a step propagate. */
async function runStep(step: Step, checked: Checked, signal: AbortSignal): Promise<StepResult | 'cancelled'> {
  if (signal.aborted) return 'cancelled';
  try {
    return await step.run(checked, signal);
  } catch (err) {
    if (isCancel(err, signal)) return 'cancelled';
    throw err;
  }
}

/** Walks the steps in order: the first that escalates decides; a step that does not apply is passed over. */
export async function walkPipeline(steps: readonly Step[], checked: Checked, signal: AbortSignal, options: WalkOptions = {}): Promise<PipelineResult> {
  const walk: PipelineResult = { verdict: 'accept', notes: {}, tokens: {} };
  const applicable = steps.filter((s) => s.applies(checked));
  for (const [index, step] of applicable.entries()) {
    const result = await runStep(step, checked, signal);
    if (result === 'cancelled') return { ...walk, cancelled: step.role };
    fold(walk, result);
    if (result.status !== 'escalate') continue;
    walk.verdict = 'escalate';
    walk.feedback = result.feedback ?? `the ${step.name} step escalated`;
    if (step.role === 'check' && options.judgeAfterFailedCheck) return askJudgeAnyway(walk, applicable.slice(index + 1), checked, signal);
    return walk;
  }
  return walk;
}

/** The judge steps after a failed check, asked to learn what they would have said; the check's verdict stands. */
async function askJudgeAnyway(walk: PipelineResult, rest: readonly Step[], checked: Checked, signal: AbortSignal): Promise<PipelineResult> {
  const feedback = walk.feedback;
  for (const step of rest.filter((s) => s.role === 'judge')) {
    const result = await runStep(step, checked, signal);
    if (result === 'cancelled') return { ...walk, cancelled: step.role };
    fold(walk, { ...result, feedback });
    walk.judgeWouldHave = result.status === 'escalate' ? 'escalate' : 'accept';
    if (walk.judgeWouldHave === 'escalate') break;
  }
  return walk;
}
