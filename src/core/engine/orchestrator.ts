// core/engine: a run without the editor. The chain of tiers (chain, servers), the prompts and skills, a Job (job:
// generation, or a chat's conversation), the orchestrator that walks the tiers, the verifier's gates and judge,
// the cost (accounting) and the report. May import only itself and core/types; never 'vscode' at run time.
import { BackendError, serverDidNotAnswer, type BackendErrorKind, type BackendId, type ChatBackend, type ChatResult, type TierKind, type Verdict, type WarmState } from '../types';
import { backendFor, backendKey, type Tier } from './chain';
import type { PriorAttempt, Task } from './prompts';
import type { Skill } from './skills';
import { judge } from './verifier';
import { skillJob, type Job } from './job';
import { costUsd, type PriceTable } from './accounting';
import { runCodeChecks, type CheckRecord, type CodeCheck } from './checks';

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
  /** For the log only (a server's error body, a cause chain); never in the run report. */
  detail?: string;
  /** The judge's prompt as llama-server counted it: evaluated afresh, and reused from its cache. */
  judgePrompt?: { evaluated: number; cached: number };
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
}

/**
 * A tier the run does not ask (hyperguild.adaptive): from the start, or, with a signal, once it aborts — before
 * the tier starts or while it answers (the user's "This time"). Its attempt says `verdict: 'skipped'`.
 */
export interface TierSkip {
  /** The attempt's feedback, the log's and the progress line's words: `skipped qwen-7b: 1/20 accepted recently`. */
  reason: string;
  signal?: AbortSignal;
}

/** A skill on a selection, or any other Job (a conversation). */
export type RunOptions = RunBase & ({ skill: Skill; task: Task } | { job: Job });

const CANCELLED = 'The run was cancelled.';

function isCancel(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof BackendError && err.kind === 'cancelled');
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

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

/** Walks the chain: local tiers first, each answer verified, escalating with feedback. */
export async function runChain(options: RunOptions): Promise<RunResult> {
  const signal = options.signal ?? new AbortController().signal;
  const now = options.now ?? (() => performance.now());
  const emit = options.onEvent ?? (() => undefined);
  const attempts: Attempt[] = [...(options.resume?.attempts ?? [])];
  const prior: PriorAttempt[] = [...(options.resume?.prior ?? [])];
  const cancelled = (): RunResult => ({ status: 'cancelled', message: CANCELLED, attempts });
  /** Servers that did not answer at all in this run: later tiers on them are skipped, not waited for again. */
  const silent = new Set<ChatBackend>();
  const job = 'job' in options ? options.job : skillJob(options.skill, options.task);

  for (const [tierIndex, tier] of options.tiers.entries()) {
    if (tierIndex < (options.resume?.fromTier ?? 0)) continue;
    if (signal.aborted) return cancelled();
    const backend = options.backends[backendKey(tier)];
    if (silent.has(backend)) {
      const attempt = skippedAttempt(tierIndex, tier, backend);
      attempts.push(attempt);
      emit({ type: 'attempt', attempt });
      continue;
    }
    const started = now();
    const local = tier.kind === 'local';
    const warmRead = local && options.warmth ? options.warmth(tier.model, backendKey(tier)) : 'unknown';
    const warmNow = typeof warmRead === 'string' ? warmRead : local && options.warmthHint ? options.warmthHint(tier.model, backendKey(tier)) : 'unknown';
    emit({ type: 'tier-start', tierIndex, tierCount: options.tiers.length, tier, warm: warmNow });

    const base = { tierIndex, model: tier.model, label: tier.label, tier: tier.kind, backend: tier.backend };
    const finish = async (fields: Omit<Attempt, keyof typeof base | 'durationMs' | 'warm'>, loadMs?: number, firstTokenMs?: number) => {
      const durationMs = Math.round(now() - started);
      let warm = await within(warmRead, WARMTH_GRACE_MS, 'unknown' as WarmState);
      if (loadMs !== undefined && (warm === 'ready' || warm === 'unknown')) warm = 'cold';
      // No loading messages (the router never sends them): a load seen at the start lasted until the first token.
      if (loadMs === undefined && (warm === 'cold' || warm === 'starting') && firstTokenMs !== undefined) loadMs = firstTokenMs;
      const attempt: Attempt = { ...base, durationMs, warm, ...(loadMs !== undefined && { loadMs }), ...fields };
      attempts.push(attempt);
      emit({ type: 'attempt', attempt });
      return attempt;
    };
    const price = (input?: number, output?: number) =>
      tier.kind === 'local' ? 0 : costUsd(tier.model, input, output, options.prices, tier.backend === 'anthropic');

    let answer: ChatResult;
    let thinking = false;
    const messages = job.messages(prior);
    try {
      answer = await backend.chat({
        model: tier.model,
        messages,
        maxTokens: options.maxTokens,
        ...(options.temperature !== undefined && { temperature: options.temperature }),
        signal,
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
      if (!canceled && serverDidNotAnswer(err)) silent.add(backend);
      let detail: string | undefined;
      if (!canceled) detail = err instanceof BackendError ? err.detail : err instanceof Error ? err.stack : undefined;
      const failure = !canceled && err instanceof BackendError
        ? { errorKind: err.kind, ...(err.status !== undefined && { errorStatus: err.status }), ...(err.serverSilent && { serverSilent: true }) }
        : {};
      await finish({ verdict: 'error', feedback: canceled ? 'cancelled' : err instanceof Error ? err.message : String(err), ...failure, ...(detail && { detail }) });
      if (canceled) return cancelled();
      continue;
    }

    const rawCode = job.extract(answer.text);
    const tokens = { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens };
    let gated = job.gate(answer, rawCode, tier.verify);
    let syntaxNote: string | undefined;
    if (!gated && rawCode !== undefined && job.code && options.syntaxCheck) {
      const syntax = await checkSyntax(options.syntaxCheck, job.fit(rawCode));
      gated = syntax.problem;
      syntaxNote = syntax.note;
    }
    let checks: CheckRecord[] | undefined;
    if (!gated && rawCode !== undefined && job.code && options.codeChecks?.length) {
      const result = await runCodeChecks(options.codeChecks, job.fit(rawCode), signal, now);
      gated = result.problem;
      checks = result.records;
    }
    let verdict: 'accept' | 'escalate' = gated ? 'escalate' : 'accept';
    let feedback = gated;
    let spent = { ...tokens };
    let judgeDetail: string | undefined;
    let judgePrompt: Attempt['judgePrompt'];
    if (!gated && tier.verify) {
      emit({ type: 'verifying', tierIndex, model: options.verifierModel || tier.model });
      const judgeModel = options.verifierModel || tier.model;
      const judgeBackend = options.verifierModel ? verifierKey(options.verifierModel, options.tiers) : backendKey(tier);
      try {
        // A self-judge on a local server continues the generation's conversation, so its cache is reused.
        const conversation = !options.verifierModel && local ? { messages, answer: answer.text } : undefined;
        const v = await judge({
          backend: options.backends[judgeBackend], model: judgeModel, signal,
          messages: job.judgeMessages(rawCode ?? answer.text, conversation),
          ...(!options.verifierModel && { firstByteTimeoutMs: options.warmJudgeFirstByteMs ?? 60_000 }),
        });
        verdict = v.verdict;
        feedback = v.feedback;
        judgeDetail = v.detail;
        judgePrompt = v.promptEval;
        // The judge's tokens count against the tier only when it ran on the tier's own model.
        if (!options.verifierModel) spent = { inputTokens: sum(spent.inputTokens, v.inputTokens), outputTokens: sum(spent.outputTokens, v.outputTokens) };
      } catch (err) {
        if (!isCancel(err, signal)) throw err;
        await finish({ verdict: 'error', feedback: 'cancelled while verifying', ...spent, costUsd: price(spent.inputTokens, spent.outputTokens) }, answer.loadMs, answer.firstTokenMs);
        return cancelled();
      }
    }
    if (signal.aborted) {
      await finish({ verdict: 'error', feedback: 'cancelled', ...spent, costUsd: price(spent.inputTokens, spent.outputTokens) }, answer.loadMs, answer.firstTokenMs);
      return cancelled();
    }
    await finish({ verdict, ...(feedback && { feedback }), ...(syntaxNote && { syntaxNote }), ...(checks && { checks }), ...(judgeDetail && { detail: judgeDetail }), ...(judgePrompt && { judgePrompt }), ...spent, costUsd: price(spent.inputTokens, spent.outputTokens) }, answer.loadMs, answer.firstTokenMs);

    if (verdict === 'accept') {
      const code = rawCode ?? answer.text;
      return {
        status: 'accepted',
        accepted: { model: tier.model, tierIndex },
        attempts,
        proposal: job.fit(code),
        ...costAvoided(options, tier, tokens),
        continuation: { nextTier: tierIndex + 1, attempts: [...attempts], prior: [...prior], accepted: { tierIndex, model: tier.model, answer: code } },
      };
    }
    prior.push({ model: tier.model, feedback: feedback ?? 'rejected', ...(rawCode && { answer: rawCode }) });
  }

  // Each reason may be a sentence of its own: drop its final stop, the message ends with one.
  if (attempts.length === 0 || (options.resume && options.resume.fromTier >= options.tiers.length)) {
    const last = options.tiers[options.tiers.length - 1];
    return { status: 'exhausted', message: `No tier follows ${last?.model ?? 'the last tier'} in the chain, so there is nothing to escalate to.`, attempts };
  }
  const reasons = attempts.map((a) => `${a.model}: ${(a.feedback ?? a.verdict).replace(/[.\s]+$/, '')}`).join('; ');
  return {
    status: 'exhausted',
    message: `No answer was accepted after ${attempts.length} attempt${attempts.length === 1 ? '' : 's'} (${reasons}).`,
    attempts,
  };
}

/** The gate is a check, not a dependency: a failure of its own skips it (said in the note), never the run. */
async function checkSyntax(check: NonNullable<RunOptions['syntaxCheck']>, proposal: string): Promise<{ problem?: string; note: string }> {
  try {
    return await check(proposal);
  } catch (err) {
    return { note: `syntax gate skipped: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The verifier runs where the chain serves that model; a model outside the chain on the implicit server of its name. */
function verifierKey(model: string, tiers: readonly Tier[]): string {
  const tier = tiers.find((t) => t.model === model);
  return tier ? backendKey(tier) : backendFor(model);
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
