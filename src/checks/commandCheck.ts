// The user's check commands (hyperguild.checks) as code checks: each runs in one shadow copy per run (made while
// the first tier answers) with the proposal written into the changed file, bounded in time. Exit 0 passes; any
// other exit fails with the command's output (its tail, with the copy's paths shown as the project's); cut off at
// its bound, or not allowed to run (untrusted workspace, declined), it is not-checked and the run goes on.
import * as path from 'node:path';
import type { CheckOutcome, CheckTarget, CodeCheck } from '../core/engine/checks';
import type { CheckCommand } from '../core/engine/checkCommands';
import { runBoundedCommand } from './boundedCommand';
import { makeShadow, type Shadow, type ShadowLimits } from './shadowCopy';

export interface CommandCheckDeps {
  /** The workspace's trust, asked at each run of a command: never a command in an untrusted workspace. */
  trusted(): boolean;
  /**
   * Which of the commands a workspace's settings define may run (their command texts): asks the user about those not
   * yet answered (once per command text). Called once per run, at its start, with the workspace-defined commands only.
   */
  approve(commands: readonly CheckCommand[]): Promise<ReadonlySet<string>>;
  limits?: ShadowLimits;
}

/** What a failed command shows the next tier: its last lines, within a few KB. */
export const FEEDBACK_LINES = 40;
export const FEEDBACK_BYTES = 4096;
/** The time a check may take beyond its command's bound: the copy, and the kill. */
const MARGIN_MS = 10_000;

/** One run's command checks for its document. Their copy is made at once, in the background, and removed by dispose. */
export function commandChecks(target: CheckTarget, commands: readonly CheckCommand[], deps: CommandCheckDeps): CodeCheck[] {
  if (!commands.length) return [];
  const place = target.path && target.root ? { path: target.path, root: target.root } : undefined;
  const allowed = deps.trusted() && place !== undefined;
  const run = new RunShadow(allowed ? place : undefined, deps.limits);
  const fromWorkspace = commands.filter((c) => c.fromWorkspace);
  const approval = allowed && fromWorkspace.length ? deps.approve(fromWorkspace).catch(() => new Set<string>()) : Promise.resolve(new Set<string>());
  return commands.map((spec) => ({
    kind: 'command' as const,
    name: spec.name,
    timeoutMs: spec.timeoutMs + MARGIN_MS,
    run: async (proposal: string, signal: AbortSignal): Promise<CheckOutcome> => {
      if (!deps.trusted()) return { status: 'not-checked', note: `${spec.name}: not run, the workspace is not trusted` };
      if (!place) return { status: 'not-checked', note: `${spec.name}: not run, the file is not saved in a workspace folder` };
      if (spec.fromWorkspace && !(await approval).has(spec.command)) return { status: 'not-checked', note: `${spec.name}: not run, you chose not to run this workspace's command` };
      return runOne(spec, target, proposal, await run.shadow(), signal);
    },
    dispose: () => run.dispose(),
  }));
}

/** The run's shadow copy: made once, at most; removed once, also when it is still being made. */
class RunShadow {
  private made?: Promise<Shadow>;
  private readonly controller = new AbortController();

  constructor(place: { path: string; root: string } | undefined, limits?: ShadowLimits) {
    if (!place) return;
    this.made = makeShadow(place.root, place.path, limits, this.controller.signal);
    this.made.catch(() => undefined); // told by the check that awaits it
  }

  shadow(): Promise<Shadow> {
    return this.made ?? Promise.reject(new Error('no copy'));
  }

  dispose(): Promise<void> {
    const made = this.made;
    this.made = undefined;
    if (!made) return Promise.resolve();
    this.controller.abort();
    return made.then((s) => s.dispose(), () => undefined);
  }
}

async function runOne(spec: CheckCommand, target: CheckTarget, proposal: string, shadow: Shadow, signal: AbortSignal): Promise<CheckOutcome> {
  await shadow.write(target.text.slice(0, target.start) + proposal + target.text.slice(target.end));
  const relFile = path.relative(shadow.root, shadow.file);
  const shown = expandPlaceholders(spec.command, relFile, '.');
  const r = await runBoundedCommand(expandPlaceholders(spec.command, relFile, shadow.root), { cwd: shadow.root, timeoutMs: spec.timeoutMs, signal });
  if (r.aborted) return { status: 'not-checked', note: `${spec.name}: cancelled` };
  if (r.timedOut) return { status: 'not-checked', note: `${spec.name}: cut off at its bound of ${seconds(spec.timeoutMs)}` };
  if (r.exitCode === 0) return { status: 'passed', note: `${spec.name}: exit 0 in ${r.ms} ms` };
  // The shell's "not found" (127) and "cannot execute" (126), or no exit code at all (it could not start, or a
  // signal killed it): the machine's problem, not the answer's; escalating would fail every tier alike.
  if (r.exitCode === null || r.exitCode === 126 || r.exitCode === 127) {
    const last = r.output.trim().split('\n').pop() ?? '';
    return { status: 'not-checked', note: `${spec.name}: not run (${r.exitCode === null ? 'no exit code' : `exit code ${r.exitCode}`})${last ? `: ${asProjectPaths(last, shadow.root)}` : ''}` };
  }
  const exit = `exit code ${r.exitCode}`;
  const output = tailOf(asProjectPaths(asProjectPaths(r.output, shadow.root), shadow.realRoot));
  return {
    status: 'failed',
    note: `${spec.name}: ${exit} in ${r.ms} ms`,
    feedback: `The check command \`${shown}\` failed (${exit})${output ? `:\n${output}` : ', with no output.'}`,
  };
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** `{file}` is the changed file's path relative to the folder, `{root}` the folder; each quoted for the shell when it needs it. */
export function expandPlaceholders(command: string, relFile: string, root: string): string {
  return command.replace(/\{file\}/g, () => shellQuote(relFile)).replace(/\{root\}/g, () => shellQuote(root));
}

export function shellQuote(value: string, platform: NodeJS.Platform = process.platform): string {
  if (/^[\w@%+=:,./\\-]+$/.test(value)) return value;
  if (platform === 'win32') return `"${value.replace(/"/g, '""')}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The copy's paths as the project's: `/tmp/hyperguild-check-x/app/src/a.ts` reads `src/a.ts`, the folder itself `.`. */
export function asProjectPaths(output: string, shadowRoot: string): string {
  const escaped = shadowRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return output.replace(new RegExp(`${escaped}(?:[\\\\/]|\\b|$)`, 'g'), (m) => (m.length > shadowRoot.length ? '' : '.'));
}

/** The last FEEDBACK_LINES lines within FEEDBACK_BYTES, saying how much was cut. */
export function tailOf(output: string): string {
  const lines = output.replace(/\s+$/, '').split('\n');
  let kept = lines.slice(-FEEDBACK_LINES);
  while (kept.length > 1 && Buffer.byteLength(kept.join('\n')) > FEEDBACK_BYTES) kept = kept.slice(1);
  let text = kept.join('\n');
  if (Buffer.byteLength(text) > FEEDBACK_BYTES) text = `…${text.slice(-FEEDBACK_BYTES)}`;
  const cut = lines.length - kept.length;
  return cut > 0 ? `… (${cut} earlier line${cut === 1 ? '' : 's'} cut)\n${text}` : text;
}
