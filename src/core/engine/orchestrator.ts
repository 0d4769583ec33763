// core/engine: a run without the editor. The chain of tiers (chain, servers), the prompts and skills, a Job (job:
// generation, or a chat's conversation), the orchestrator that walks the tiers, the verifier's gates and judge,
// the cost (accounting) and the report. May import only itself and core/types; never 'vscode' at run time.
import { BackendError, serverDidNotAnswer, type BackendErrorKind, type BackendId, type ChatBackend, type ChatMessage, type ChatResult, type TierKind, type Verdict, type WarmState } from '../types';
import { backendKey, type Tier } from './chain';
import type { PriorAttempt, Task } from './prompts';
import type { Skill } from './skills';
import { skillJob, type Job } from './job';
import { costUsd, type PriceTable } from './accounting';
import type { CheckRecord, CodeCheck } from './checks';
import { isCancel, sum, walkPipeline, type PipelineResult, type StepNotes } from './pipeline';
import { verificationSteps } from './steps';

/** One tier tried, as the run report and the log show it. */
export interface Attempt {
  tierIndex: number;
  model: string;
  label: string;
  tier: TierKind;
  backend: BackendId;
  durationMs: number;
  /** Warmth of the model when the tier started. */
  warm: WarmState;
  /** How long a cold load took, when the server reported one. */
  loadMs?: number;
  verdict: Verdict;
  feedback?: string;
  /** Set when the user, not a check, gave this verdict (Escalate on a proposal). */
  by?: 'user';
  /** When the verdict is error: what kind of failure, its HTTP status, and whether the server never answered. */
  errorKind?: BackendErrorKind;
  errorStatus?: number;
  serverSilent?: boolean;
  /** For the log only: what the syntax gate checked, or why it was skipped. */
  syntaxNote?: string;
  /** (contract) The code checks asked about this answer (diagnostics, commands), in order. */
  checks?: CheckRecord[];
  /**
   * Not part of the verdict: what the judge said when asked after a failed code check (only with
   * `judgeAfterFailedCheck`), so a report can count what the checks caught that the judge would have accepted.
   */
  judgeWouldHave?: 'accept' | 'escalate';
  /** For the log only (a server's error body, a cause chain); never in the run report. */
  detail?: string;
  /** The judge's prompt as llama-server counted it: evaluated afresh, and reused from its cache. */
  judgePrompt?: { evaluated: number; cached: number };
  /** When the verdict is skipped (hyperguild.adaptive): the tier's recent chance and median time, which skipping saved. */
  skip?: { chance: number; expectedMs?: number };
  /** Tokens of the tier's generation and of its judge, added up. */
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

export type RunEvent =
  | { type: 'tier-start'; tierIndex: number; tierCount: number; tier: Tier; warm: WarmState }
  | { type: 'loading'; tierIndex: number; message: string; elapsedMs: number }
  | { type: 'thinking'; tierIndex: number }
  | { type: 'text'; tierIndex: number; delta: string }
  | { type: 'verifying'; tierIndex: number; model: string }
  | { type: 'attempt'; attempt: Attempt };

export interface RunResult {
  status: 'accepted' | 'exhausted' | 'cancelled';
  /** One sentence when not accepted. */
  message?: string;
  accepted?: { model: string; tierIndex: number };
  attempts: Attempt[];
  /** The accepted code, fitted to the selection's indentation. */
  proposal?: string;
  /** Estimate: what the first cloud tier would have cost for the accepted local answer's tokens. */
  cloudCostAvoided?: { model: string; usd: number };
  /** When accepted: what it takes to continue the same run past the accepted tier (the user's Escalate). */
  continuation?: Continuation;
}

/** A run paused at its accepted tier, to be continued from the next one if the user escalates. */
export interface Continuation {
  nextTier: number;
  attempts: readonly Attempt[];
  prior: readonly PriorAttempt[];
  /** The accepted tier and its code as the model gave it (before fitting), passed on as the rejected answer. */
  accepted: { tierIndex: number; model: string; answer: string };
}

/** Where a continued run starts: the attempts so far and the feedback to carry. */
export interface Resume {
  fromTier: number;
  attempts: readonly Attempt[];
  prior: readonly PriorAttempt[];
}

/**
 * The user's Escalate as one more attempt: the accepted answer is rejected with the user's words, carried to
 * the next tier exactly as a verifier's feedback is.
 */
export function escalateByUser(c: Continuation, tiers: readonly Tier[], userFeedback: string): Resume {
  const tier = tiers[c.accepted.tierIndex];
  const feedback = `User feedback: ${userFeedback.trim() || 'the user rejected this answer without saying why'}`;
  const step: Attempt = {
    tierIndex: c.accepted.tierIndex, model: tier.model, label: tier.label, tier: tier.kind, backend: tier.backend,
    durationMs: 0, warm: 'unknown', verdict: 'escalate', feedback, by: 'user',
  };
  return { fromTier: c.nextTier, attempts: [...c.attempts, step], prior: [...c.prior, { model: tier.model, feedback, answer: c.accepted.answer }] };
}

/**
 * Where a tier's warmth comes from: the server's state read when the tier starts, concurrently with its request
 * (never delaying it), so that it describes this tier's own request even after an earlier tier swapped models.
 */
export type WarmthSource = (model: string, serverKey: string) => WarmState | Promise<WarmState>;

/** How long a tier's warmth read may still take once the tier is done, before the attempt says `unknown`. */
const WARMTH_GRACE_MS = 250;

interface RunBase {
  tiers: readonly Tier[];
  /** By backendKey(tier): the implicit 'llama-swap' and 'anthropic', and `@<name>` for each named server. */
  backends: Readonly<Record<string, ChatBackend>>;
  /**
   * The syntax gate: the proposal (fitted to the selection) spliced into the document must not add parse
   * errors. Asked after the cheap gates and before any judge; a problem is escalate, with it as the feedback.
   */
  syntaxCheck?: (proposal: string) => Promise<{ problem?: string; note: string }>;
  /**
   * The code checks (diagnostics, then commands), asked after the syntax gate and before any judge: the first
   * that fails escalates with its words, and no judge is asked. Code answers only.
   */
  codeChecks?: readonly CodeCheck[];
  /**
   * When a code check fails, still ask the judge (its tokens are spent and counted) and record its verdict as the
   * attempt's `judgeWouldHave`; the check's verdict stands. Off by default (no judge tokens after a failed check).
   */
  judgeAfterFailedCheck?: boolean;
  /** Empty: each tier's own model judges its own answer. */
  verifierModel?: string;
  maxTokens: number;
  prices?: PriceTable;
  warmth?: WarmthSource;
  /** The last known warmth, for the tier-start event's progress text only (it may be stale). */
  warmthHint?: (model: string, serverKey: string) => WarmState;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  now?: () => number;
  /** Continue an earlier run (the user escalated its proposal) instead of starting at the first tier. */
  resume?: Resume;
  /**
   * First-byte bound for a self-verifying judge (default 60 s): its model has just answered, so it
   * is loaded and a stalled judge need not wait out the cold-load allowance.
   */
  warmJudgeFirstByteMs?: number;
  /** The caller's sampling temperature for generation (a language-model request's modelOptions); judges use 0. */
  temperature?: number;
  /** Tiers not asked (hyperguild.adaptive), by tier index. The last tier is never among them. */
  skip?: ReadonlyMap<number, TierSkip>;
}

/**
 * A tier the run does not ask (hyperguild.adaptive): from the start, or, with a signal, once it aborts — before
 * the tier starts or while it answers (the user's "This time"). Its attempt says `verdict: 'skipped'`.
 */
export interface TierSkip {
  /** Why, as the attempt's feedback: `1/20 accepted recently` (the log says `skipped qwen-7b: 1/20 accepted recently`). */
  reason: string;
  signal?: AbortSignal;
  /** The tier's recent chance of acceptance and its median time, recorded on the attempt. */
  chance: number;
  expectedMs?: number;
}

/** A skill on a selection, or any other Job (a conversation). */
export type RunOptions = RunBase & ({ skill: Skill; task: Task } | { job: Job });

const CANCELLED = 'The run was cancelled.';

/** A warmth read, waited for at most `graceMs` more once the tier is done. */
async function within<T>(value: T | Promise<T>, graceMs: number, fallback: T): Promise<T> {
  if (!(value instanceof Promise)) return value;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((r) => (timer = setTimeout(() => r(fallback), graceMs)));
  try {
    return await Promise.race([value, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** One run's state, shared by the functions that walk its tiers. */
interface Run {
  options: RunOptions;
  job: Job;
  signal: AbortSignal;
  now: () => number;
  emit: (event: RunEvent) => void;
  attempts: Attempt[];
  prior: PriorAttempt[];
  /** Servers that did not answer at all in this run: later tiers on them are skipped, not waited for again. */
  silent: Set<ChatBackend>;
}

/** Walks the chain: local tiers first, each answer verified, escalating with feedback. */
export async function runChain(options: RunOptions): Promise<RunResult> {
  const run: Run = {
    options,
    job: 'job' in options ? options.job : skillJob(options.skill, options.task),
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? (() => performance.now()),
    emit: options.onEvent ?? (() => undefined),
    attempts: [...(options.resume?.attempts ?? [])],
    prior: [...(options.resume?.prior ?? [])],
    silent: new Set(),
  };
  for (const [tierIndex, tier] of options.tiers.entries()) {
    if (tierIndex < (options.resume?.fromTier ?? 0)) continue;
    if (run.signal.aborted) return cancelled(run);
    const skip = options.skip?.get(tierIndex);
    if (skip && (!skip.signal || skip.signal.aborted)) {
      recordAttempt(run, skippedByPlan(tierIndex, tier, skip, 0));
      continue;
    }
    // A skip that may come while the tier answers (the user's "This time") stops the tier, not the run.
    const tierRun = skip?.signal ? { ...run, signal: AbortSignal.any([run.signal, skip.signal]) } : run;
    const started = run.now();
    const done = await runTier(tierRun, tierIndex, tier);
    if (skip && done?.status === 'cancelled' && !run.signal.aborted) {
      run.attempts.pop();
      recordAttempt(run, skippedByPlan(tierIndex, tier, skip, Math.round(run.now() - started)));
      continue;
    }
    if (done) return done;
  }
  return exhausted(run);
}

function recordAttempt(run: Run, attempt: Attempt): void {
  run.attempts.push(attempt);
  run.emit({ type: 'attempt', attempt });
}

/** A tier hyperguild.adaptive started past: told apart from an error by its verdict. */
function skippedByPlan(tierIndex: number, tier: Tier, skip: TierSkip, durationMs: number): Attempt {
  return {
    tierIndex, model: tier.model, label: tier.label, tier: tier.kind, backend: tier.backend, durationMs, warm: 'unknown',
    verdict: 'skipped', feedback: skip.reason, skip: { chance: skip.chance, ...(skip.expectedMs !== undefined && { expectedMs: skip.expectedMs }) },
  };
}

const cancelled = (run: Run): RunResult => ({ status: 'cancelled', message: CANCELLED, attempts: run.attempts });

/** One tier: its answer, verified; the run's result when it ends here (accepted, cancelled), else undefined. */
async function runTier(run: Run, tierIndex: number, tier: Tier): Promise<RunResult | undefined> {
  const backend = run.options.backends[backendKey(tier)];
  if (run.silent.has(backend)) {
    recordAttempt(run, skippedAttempt(tierIndex, tier, backend));
    return undefined;
  }
  const record = startAttempt(run, tierIndex, tier);
  const messages = run.job.messages(run.prior);
  const answer = await generate(run, tierIndex, tier, backend, messages, record);
  if (answer === 'cancelled') return cancelled(run);
  if (answer === 'failed') return undefined;

  const extracted = run.job.extract(answer.text);
  const verified = await verify(run, tierIndex, tier, messages, answer, extracted);
  const spent = { inputTokens: sum(answer.inputTokens, verified.tokens.inputTokens), outputTokens: sum(answer.outputTokens, verified.tokens.outputTokens) };
  const costs = { ...spent, costUsd: record.price(spent) };
  if (verified.cancelled || run.signal.aborted) {
    await record.finish({ verdict: 'error', feedback: verified.cancelled === 'judge' ? 'cancelled while verifying' : 'cancelled', ...costs }, answer);
    return cancelled(run);
  }
  const { verdict, feedback, notes, judgeWouldHave } = verified;
  await record.finish({ verdict, ...(feedback && { feedback }), ...notesOf(notes), ...(judgeWouldHave && { judgeWouldHave }), ...costs }, answer);
  if (verdict === 'accept') return accepted(run, tierIndex, tier, extracted ?? answer.text, answer);
  run.prior.push({ model: tier.model, feedback: feedback ?? 'rejected', ...(extracted && { answer: extracted }) });
  return undefined;
}

/** The answer through the verification pipeline: gates → syntax → diagnostics → commands → judge. */
function verify(run: Run, tierIndex: number, tier: Tier, messages: ChatMessage[], answer: ChatResult, extracted: string | undefined): Promise<PipelineResult> {
  const steps = verificationSteps({
    ...run.options, job: run.job, tier, messages, now: run.now,
    onVerifying: (model) => run.emit({ type: 'verifying', tierIndex, model }),
  });
  return walkPipeline(steps, { answer, extracted }, run.signal, { judgeAfterFailedCheck: run.options.judgeAfterFailedCheck ?? false });
}

/** The steps' notes in the attempt's order of fields: the syntax gate's, the checks, the judge's detail and cache figures. */
function notesOf(n: StepNotes): Partial<Attempt> {
  return { ...(n.syntaxNote && { syntaxNote: n.syntaxNote }), ...(n.checks && { checks: n.checks }), ...(n.detail && { detail: n.detail }), ...(n.judgePrompt && { judgePrompt: n.judgePrompt }) };
}

interface AttemptRecorder {
  /** Records the attempt (its time, its warmth read by now) and emits it. */
  finish(fields: Omit<Attempt, 'tierIndex' | 'model' | 'label' | 'tier' | 'backend' | 'durationMs' | 'warm'>, answer?: Pick<ChatResult, 'loadMs' | 'firstTokenMs'>): Promise<Attempt>;
  price(tokens: { inputTokens?: number; outputTokens?: number }): number | undefined;
}

/** Starts the tier's clock and its warmth read (concurrently with its request), and says the tier started. */
function startAttempt(run: Run, tierIndex: number, tier: Tier): AttemptRecorder {
  const { options, now } = run;
  const started = now();
  const local = tier.kind === 'local';
  const warmRead = local && options.warmth ? options.warmth(tier.model, backendKey(tier)) : 'unknown';
  const warmNow = typeof warmRead === 'string' ? warmRead : local && options.warmthHint ? options.warmthHint(tier.model, backendKey(tier)) : 'unknown';
  run.emit({ type: 'tier-start', tierIndex, tierCount: options.tiers.length, tier, warm: warmNow });
  const base = { tierIndex, model: tier.model, label: tier.label, tier: tier.kind, backend: tier.backend };
  return {
    finish: async (fields, answer) => {
      const durationMs = Math.round(now() - started);
      let warm = await within(warmRead, WARMTH_GRACE_MS, 'unknown' as WarmState);
      let loadMs = answer?.loadMs;
      if (loadMs !== undefined && (warm === 'ready' || warm === 'unknown')) warm = 'cold';
      // No loading messages (the router never sends them): a load seen at the start lasted until the first token.
      if (loadMs === undefined && (warm === 'cold' || warm === 'starting') && answer?.firstTokenMs !== undefined) loadMs = answer.firstTokenMs;
      const attempt: Attempt = { ...base, durationMs, warm, ...(loadMs !== undefined && { loadMs }), ...fields };
      run.attempts.push(attempt);
      run.emit({ type: 'attempt', attempt });
      return attempt;
    },
    price: (t) => (local ? 0 : costUsd(tier.model, t.inputTokens, t.outputTokens, options.prices, tier.backend === 'anthropic')),
  };
}

/** The tier's answer, streamed as events; a failure is recorded as the tier's attempt ('failed', or 'cancelled'). */
async function generate(run: Run, tierIndex: number, tier: Tier, backend: ChatBackend, messages: ChatMessage[], record: AttemptRecorder): Promise<ChatResult | 'failed' | 'cancelled'> {
  const { options, signal, emit, now } = run;
  const started = now();
  let thinking = false;
  try {
    return await backend.chat({
      model: tier.model, messages, maxTokens: options.maxTokens, signal,
      ...(options.temperature !== undefined && { temperature: options.temperature }),
      onText: (delta) => emit({ type: 'text', tierIndex, delta }),
      onLoading: (message) => emit({ type: 'loading', tierIndex, message, elapsedMs: Math.round(now() - started) }),
      onThinking: () => {
        if (thinking) return;
        thinking = true;
        emit({ type: 'thinking', tierIndex });
      },
    });
  } catch (err) {
    const canceled = isCancel(err, signal);
    if (!canceled && serverDidNotAnswer(err)) run.silent.add(backend);
    let detail: string | undefined;
    if (!canceled) detail = err instanceof BackendError ? err.detail : err instanceof Error ? err.stack : undefined;
    const failure = !canceled && err instanceof BackendError
      ? { errorKind: err.kind, ...(err.status !== undefined && { errorStatus: err.status }), ...(err.serverSilent && { serverSilent: true }) }
      : {};
    await record.finish({ verdict: 'error', feedback: canceled ? 'cancelled' : err instanceof Error ? err.message : String(err), ...failure, ...(detail && { detail }) });
    return canceled ? 'cancelled' : 'failed';
  }
}

/** The run ends at this tier: its code fitted to the selection, and what it takes to continue past it. */
function accepted(run: Run, tierIndex: number, tier: Tier, code: string, answer: ChatResult): RunResult {
  const { attempts, prior, options } = run;
  return {
    status: 'accepted',
    accepted: { model: tier.model, tierIndex },
    attempts,
    proposal: run.job.fit(code),
    ...costAvoided(options, tier, { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens }),
    continuation: { nextTier: tierIndex + 1, attempts: [...attempts], prior: [...prior], accepted: { tierIndex, model: tier.model, answer: code } },
  };
}

/** Every tier spent: one sentence saying how many attempts were made and why each failed. */
function exhausted({ options, attempts }: Run): RunResult {
  // Each reason may be a sentence of its own: drop its final stop, the message ends with one.
  if (attempts.length === 0 || (options.resume && options.resume.fromTier >= options.tiers.length)) {
    const last = options.tiers[options.tiers.length - 1];
    return { status: 'exhausted', message: `No tier follows ${last?.model ?? 'the last tier'} in the chain, so there is nothing to escalate to.`, attempts };
  }
  const reasons = attempts.map((a) => `${a.model}: ${a.verdict === 'skipped' ? 'skipped, ' : ''}${(a.feedback ?? a.verdict).replace(/[.\s]+$/, '')}`).join('; ');
  const tried = attempts.filter((a) => a.verdict !== 'skipped').length;
  return {
    status: 'exhausted',
    message: `No answer was accepted after ${tried} attempt${tried === 1 ? '' : 's'} (${reasons}).`,
    attempts,
  };
}

function skippedAttempt(tierIndex: number, tier: Tier, backend: ChatBackend): Attempt {
  return {
    tierIndex, model: tier.model, label: tier.label, tier: tier.kind, backend: tier.backend, durationMs: 0, warm: 'unknown',
    verdict: 'error', feedback: `skipped: ${backend.server ?? tier.backend} did not answer earlier in this run`, serverSilent: true,
  };
}

function costAvoided(options: RunOptions, accepted: Tier, tokens: { inputTokens?: number; outputTokens?: number }) {
  if (accepted.kind !== 'local') return {};
  const cloud = options.tiers.find((t) => t.kind === 'cloud');
  if (!cloud) return {};
  const usd = costUsd(cloud.model, tokens.inputTokens, tokens.outputTokens, options.prices);
  return usd === undefined ? {} : { cloudCostAvoided: { model: cloud.model, usd } };
}
