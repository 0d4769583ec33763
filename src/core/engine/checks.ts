// The code checks an answer passes before any judge: the language's own diagnostics and the user's commands,
// supplied by the editor through this seam (so the core never knows how a language server or a shell is asked).

export type CheckKind = 'diagnostics' | 'command';
export type CheckStatus = 'passed' | 'failed' | 'not-checked';

/** (contract) One check of one answer, as an attempt carries it. */
export interface CheckRecord {
  kind: CheckKind;
  name: string;
  status: CheckStatus;
  /** Errors the proposal brings that the original did not have (diagnostics), when counted. */
  newErrors?: number;
  ms: number;
  /** For the log only: why not checked, the warnings seen, the command's exit. */
  note?: string;
}

/** What a check found about one proposal. `feedback` (when failed) is what the next tier is told. */
export interface CheckOutcome {
  status: CheckStatus;
  feedback?: string;
  newErrors?: number;
  note?: string;
}

/** A check of the proposal spliced into its document, made by the editor for one run. */
export interface CodeCheck {
  readonly kind: CheckKind;
  readonly name: string;
  /** Past this bound (read as each check starts) the check is cut off (its signal aborts) and says not-checked; the run goes on. */
  readonly timeoutMs: number;
  /** The proposal is fitted to the selection; the check splices it into the document it was made for. */
  run(proposal: string, signal: AbortSignal): Promise<CheckOutcome>;
  /** Frees what the check holds for its run (a shadow copy on disk): called once the run is over, also on cancel. */
  dispose?(): void | Promise<void>;
}

/** Cheap first: the language's diagnostics before the user's commands, each kind in the order given. */
export function orderedChecks(checks: readonly CodeCheck[]): CodeCheck[] {
  const rank = (c: CodeCheck) => (c.kind === 'diagnostics' ? 0 : 1);
  return [...checks].sort((a, b) => rank(a) - rank(b));
}

/**
 * One check of one proposal, as the attempt records it, and (when failed) the words to escalate with. A check that
 * throws or outlives its bound is not-checked: a check is evidence, never a dependency of the run.
 */
export async function runCodeCheck(check: CodeCheck, proposal: string, signal: AbortSignal, now: () => number): Promise<{ record: CheckRecord; problem?: string }> {
  const started = now();
  const outcome = await bounded(check, proposal, signal);
  const record: CheckRecord = {
    kind: check.kind, name: check.name, status: outcome.status, ms: Math.round(now() - started),
    ...(outcome.newErrors !== undefined && { newErrors: outcome.newErrors }),
    ...(outcome.note && { note: outcome.note }),
  };
  return outcome.status === 'failed' ? { record, problem: outcome.feedback ?? `the check ${check.name} failed` } : { record };
}

/** The records as the history keeps them: kind, name, status, new errors, time; no note (it may quote the code). */
export function withoutNotes(records: readonly CheckRecord[]): CheckRecord[] {
  return records.map((r) => ({ kind: r.kind, name: r.name, status: r.status, ...(r.newErrors !== undefined && { newErrors: r.newErrors }), ms: r.ms }));
}

async function bounded(check: CodeCheck, proposal: string, outer: AbortSignal): Promise<CheckOutcome> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  outer.addEventListener('abort', abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const ms = check.timeoutMs; // read once, as the check starts (it may allow a first build)
  const late = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'not-checked', note: `${check.name}: no answer within ${ms} ms` });
    }, ms);
  });
  try {
    return await Promise.race([check.run(proposal, controller.signal), late]);
  } catch (err) {
    return { status: 'not-checked', note: `${check.name} could not run: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', abort);
  }
}

/** Frees each check's run state once the run is over; never throws (what cannot be freed is told to onError). */
export function disposeChecks(checks: readonly CodeCheck[], onError: (err: unknown) => void): void {
  for (const check of checks) {
    try {
      void Promise.resolve(check.dispose?.()).catch(onError);
    } catch (err) {
      onError(err);
    }
  }
}

/** The document a run's checks are made for, as it was at run start, and the range a proposal replaces. */
export interface CheckTarget {
  /** The file's path on disk; absent for an untitled document. */
  path?: string;
  /** The root of the workspace folder that holds it, when there is one. */
  root?: string;
  languageId: string;
  text: string;
  start: number;
  end: number;
}

/** Makes one run's checks (their preparation may start at once, while the first tier answers). */
export type CheckSource = (target: CheckTarget) => CodeCheck[];
