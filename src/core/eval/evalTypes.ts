// core/eval: measuring the cascade on tasks whose answers a test can check. Reads task sets (ours, CanItEdit's
// records, Aider's polyglot layout), runs each through the same runChain, tests every answer in a temporary copy
// and reports. May import core/engine and core/types, and Node's own modules (files, processes); never 'vscode',
// never the editor.
import type { ChatBackend } from '../types';
import type { Tier } from '../engine/chain';
import type { PriceTable } from '../engine/accounting';
import type { Attempt } from '../engine/orchestrator';
import type { Skill } from '../engine/skills';
import type { CheckTarget, CodeCheck } from '../engine/checks';

/** Bad input: one sentence naming the path or field to fix. */
export class EvalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalInputError';
  }
}

export interface EvalTest {
  /** A shell command run in the temporary copy (its cwd). */
  command: string;
  timeoutMs: number;
}

/** One task: a file, the lines to change, what to do, and the test that says whether an answer is right. */
export interface EvalTask {
  /** Unique in a run: the folder's name, `canitedit/<name>`, or `<language>/<exercise>`. */
  id: string;
  /** Where it was read from (a folder or a file), for messages. */
  source: string;
  /** The folder copied for the test; absent when the task's files are all in `files`. */
  dir?: string;
  /** Files written into the copy (after `dir`), by relative path. */
  files?: Record<string, string>;
  /** Relative path of the edited file within the copy. */
  file: string;
  /** The edited file as given to the model. */
  text: string;
  /** 1-based, inclusive lines of `text` to change. */
  range: { start: number; end: number };
  skill: string;
  instruction?: string;
  languageId: string;
  test: EvalTest;
  /** What the test says on the unchanged file, as the task declares it (soundness checks). */
  original?: 'fails' | 'passes';
  /** Relative path (within `dir`) of a correct whole file, never shown to a model. */
  reference?: string;
  /** Files of `dir` never copied into a test (the task's own description, the reference). */
  hidden?: string[];
}

export interface TestResult {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** The command's own time, from its start to its exit. */
  ms: number;
  /** Preparing the temporary copy and removing it. */
  setupMs?: number;
  /** The last lines of the test's output. */
  tail: string;
}

/** One tier's answer and what its test said. */
export interface AttemptOutcome {
  attempt: Omit<Attempt, 'detail'>;
  /** The answer's code as the model gave it (the fenced block); absent when none was well formed. */
  code?: string;
  /** The answer fitted to the range; the file under test is the task's file with the range replaced by it. */
  proposal?: string;
  /** The judge (not a cheap gate) gave this attempt's verdict. */
  judged: boolean;
  test?: TestResult;
  /** The test failed on a syntax error (SyntaxError, IndentationError, a parse error). */
  syntaxError?: boolean;
}

export interface BaselineOutcome {
  model: string;
  passed: boolean;
  costUsd?: number;
  cloudCalls: number;
  /** Its run's wall time (servers and checks), without its test. */
  ms: number;
  /** Its test's wall time. */
  testMs?: number;
  test?: TestResult;
}

export interface TaskOutcome {
  id: string;
  skill: string;
  languageId: string;
  source: string;
  status: 'accepted' | 'exhausted' | 'cancelled' | 'failed';
  message?: string;
  accepted?: { tierIndex: number; model: string };
  attempts: AttemptOutcome[];
  /** The accepted answer's test passed. */
  passed: boolean;
  /** Wall time of the run (servers and checks), without the tests. */
  ms: number;
  /** Time spent in this task's tests. */
  testMs: number;
  costUsd: number;
  /** Cloud attempts that cost something unknown (no price). */
  unpriced: number;
  cloudCalls: number;
  baselines?: { cloudOnly?: BaselineOutcome; localOnly?: BaselineOutcome };
  /** After a false accept (with baselines): the same run continued past the accepted tier, told the test's failure. */
  recovery?: RecoveryOutcome;
}

export interface RecoveryOutcome {
  fromTier: number;
  accepted?: { tierIndex: number; model: string };
  passed: boolean;
  costUsd: number;
  cloudCalls: number;
  /** Its run and tests, wall time. */
  ms: number;
}

export interface Rate {
  n: number;
  of: number;
}

export interface GroupMetrics {
  key: string;
  tasks: number;
  attempts: number;
  /** Attempts accepted here over attempts here (a tier), or tasks accepted on a local tier (a skill, overall). */
  accepted: Rate;
  localAccepted: Rate;
  falseAccepts: Rate;
  falseEscalations: Rate;
  passed: Rate;
  wellFormed: Rate;
  syntaxErrors: number;
  cloudCalls: number;
  costUsd: number;
  msPerTask: number;
  judge: JudgeMetrics;
}

export interface JudgeMetrics {
  /** Judge accepted and the test passed; accepted and failed; escalated and passed; escalated and failed. */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision?: number;
  recall?: number;
}

export interface BaselineMetrics {
  model: string;
  tasks: number;
  passed: number;
  costUsd: number;
  cloudCalls: number;
  msPerTask: number;
}

export interface EvalResult {
  version: 1;
  startedAt: string;
  mode: 'cascade' | 'verifier-only';
  chain: { model: string; kind: 'local' | 'cloud'; verify: boolean; label: string }[];
  verifierModel?: string;
  tasks: TaskOutcome[];
  overall: GroupMetrics;
  perTier: GroupMetrics[];
  perSkill: GroupMetrics[];
  baselines?: { cloudOnly?: BaselineMetrics; localOnly?: BaselineMetrics };
  /** False accepts below the last tier, continued past it with the test's failure as feedback: how many then passed. */
  recovery?: { tried: number; recovered: number; costUsd: number; cloudCalls: number };
  /** verifier-only: the replayed verdicts against the recorded tests. */
  verifier?: { model: string; judge: JudgeMetrics; verdicts: { id: string; tierIndex: number; verdict: string; passed: boolean; feedback?: string }[] };
  /** Eval's own time beyond the servers' and the tests': total wall time less runs and tests, per task. */
  overheadMsPerTask: number;
}

export interface EvalOptions {
  tiers: Tier[];
  backends: Record<string, ChatBackend>;
  verifierModel?: string;
  prices?: PriceTable;
  maxTokens: number;
  skills: Skill[];
  signal?: AbortSignal;
  onEvent?: (line: string) => void;
  /** Also send every task straight to the last tier (cloud-only baseline: more cloud calls). */
  baselines?: boolean;
  /** The path of a recorded attempts JSON (writeEvalReports' json): replay its answers through the verifier only. */
  verifierOnly?: string;
  /** How many tests run at once (default 2). */
  testConcurrency?: number;
  /**
   * The gates and checks a run in the editor asks (the syntax gate, the diagnostics), made per task for its file;
   * the eval frees them after the task. A failed check's answer is still judged (judgeAfterFailedCheck), so the
   * report can say what the checks caught that the judge would have accepted.
   */
  checks?: (target: CheckTarget) => TaskChecks;
}

/** One task's gates and checks (see EvalOptions.checks). */
export interface TaskChecks {
  syntaxCheck?: (proposal: string) => Promise<{ problem?: string; note: string }>;
  codeChecks: CodeCheck[];
  dispose(): void;
}
