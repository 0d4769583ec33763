// The diagnostics gate: the language's own checker sees the proposal spliced into its document, in memory, and an
// answer that brings new errors is escalated with the checker's words. TypeScript and JavaScript are checked by the
// TypeScript language service in the diagnostics worker; other languages have no checker that can see a text that
// is not on disk without a tab, so their check says not-checked and why.
import type { CheckOutcome, CheckTarget, CodeCheck } from '../core/engine/checks';
import { SETTING_NAMES } from '../core/settingKeys';
import { describeDiagnostics, newDiagnostics, spliced, type Diag, type Splice } from './diagnosticDiff';
import type { TsAnswer, TsClient } from './tsClient';
import { chooseTypeScript, findConfig, TS_LANGUAGES, untitledPath, type TypeScriptChoice } from './tsLocate';

export interface DiagnosticsSettings {
  /** hyperguild.diagnostics.timeoutMs: 0 turns the gate off. */
  timeoutMs: number;
  /** Workspace trust: untrusted, no code of the workspace is loaded (its typescript). */
  trusted: boolean;
}

export interface DiagnosticsDeps {
  client: TsClient;
  /** The typescript.js shipped with the extension (its lib .d.ts files beside it). */
  bundledTypeScript: string;
}

/** The run's diagnostics check for its document (none when the gate is off). */
export function diagnosticsChecks(target: CheckTarget, settings: DiagnosticsSettings, deps: DiagnosticsDeps): CodeCheck[] {
  if (settings.timeoutMs <= 0) return [];
  if (!(target.languageId in TS_LANGUAGES)) return [unsupported(target.languageId, settings.timeoutMs)];
  return [typescriptCheck(target, settings, deps)];
}

function unsupported(languageId: string, timeoutMs: number): CodeCheck {
  const note = `diagnostics: ${languageId} has no in-process checker; add a command in ${SETTING_NAMES.checks}`;
  return { kind: 'diagnostics', name: languageId, timeoutMs, run: () => Promise.resolve({ status: 'not-checked', note }) };
}

/**
 * The first check of a run may also wait for the original's check (started with the run: on a cold worker, loading
 * TypeScript and building the project) this much longer; the proposal's own check keeps the set bound.
 */
export const FIRST_BUILD_MS = 10_000;

/** Starts checking the original at once (the worker builds the project meanwhile); each proposal is then compared. */
function typescriptCheck(target: CheckTarget, settings: DiagnosticsSettings, deps: DiagnosticsDeps): CodeCheck {
  const file = target.path ?? untitledPath(target.languageId);
  const configPath = target.path ? findConfig(target.path, target.languageId, target.root) : undefined;
  const ts = target.path ? chooseTypeScript(target.path, target.root, settings.trusted, deps.bundledTypeScript) : { path: deps.bundledTypeScript, from: 'bundled' as const };
  const question = { typescript: ts.path, file, ...(configPath && { configPath }) };
  const base = deps.client.ask({ ...question, text: target.text, fresh: true });
  let built = false;
  base.then(() => (built = true), () => (built = true)); // a failure is reported by run()
  return {
    kind: 'diagnostics', name: 'typescript',
    // Read when a check starts: a fast first answer does not find the gate "not checked" only because the project is still building.
    get timeoutMs() {
      return settings.timeoutMs + (built ? 0 : FIRST_BUILD_MS);
    },
    run: async (proposal, signal) => {
      const before = await untilAborted(base, signal);
      const splice: Splice = { text: target.text, start: target.start, end: target.end, proposal };
      const text = spliced(splice);
      const after = await within(settings.timeoutMs, signal, (bounded) => deps.client.ask({ ...question, text, fresh: false }, bounded));
      if (!after) return { status: 'not-checked', note: `typescript: no answer within ${settings.timeoutMs} ms` };
      return outcome(newDiagnostics(before.diagnostics, after.diagnostics, splice), text, describe(ts, after, configPath));
    },
  };
}

/** `work` cut off at `ms` (undefined then); the caller's abort still rejects. */
async function within<T>(ms: number, signal: AbortSignal, work: (bounded: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const late = AbortSignal.timeout(ms);
  try {
    return await work(AbortSignal.any([signal, late]));
  } catch (err) {
    if (late.aborted && !signal.aborted) return undefined;
    throw err;
  }
}

function outcome(found: { errors: Diag[]; warnings: Diag[] }, text: string, checkedBy: string): CheckOutcome {
  const warnings = found.warnings.length ? `; ${found.warnings.length} new warning${found.warnings.length === 1 ? '' : 's'} (not escalated):\n${describeDiagnostics(found.warnings, text, 'ts')}` : '';
  const note = `${checkedBy}${warnings}`;
  if (!found.errors.length) return { status: 'passed', newErrors: 0, note };
  const n = found.errors.length;
  const feedback = `the proposal brings ${n} new TypeScript error${n === 1 ? '' : 's'}:\n${describeDiagnostics(found.errors, text, 'ts')}`;
  return { status: 'failed', newErrors: n, feedback, note };
}

function describe(ts: TypeScriptChoice, answer: TsAnswer, configPath: string | undefined): string {
  return `typescript ${answer.version} (${ts.from}), ${configPath ? configPath.split(/[\\/]/).slice(-2).join('/') : 'no tsconfig: default options'}`;
}

/** The base check, unless the run's bound comes first (the check is then not-checked, the base goes on for the next tier). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
