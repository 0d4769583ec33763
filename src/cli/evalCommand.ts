// `hyperguild eval`: the command-line front of the eval engine (src/core/eval): its arguments, the tiers and
// backends from the settings, the engine's API, the reports written, a summary printed. The engine is handed in
// (EvalApi), so its arguments are tested without running tasks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvalOptions } from '../core/eval/evalTypes';
import { createBackendSet } from '../backends/backendSet';
import { EVAL_OPTIONS, parse, stringFlag } from './args';
import { line, settingsFor, type CliContext } from './context';
import { EXIT, UsageError } from './usage';
import { CliChecks } from './cliChecks';
import { grammarsDir } from './runCommand';

/** The eval engine's entry points (src/core/eval), and how its results read in a terminal. */
export interface EvalApi<Task = unknown, Result = unknown> {
  loadTasks(paths: string[]): Promise<Task[]>;
  runEval(tasks: Task[], options: EvalOptions): Promise<Result>;
  writeEvalReports(result: Result, outDir: string): Promise<{ markdown: string; html: string; json: string }>;
  /** Whether loadTasks rejected the input (EvalInputError: its message is one sentence naming the path or field). */
  isInputError(err: unknown): err is Error;
  /** A short table of the result, one line each. */
  summary(result: Result): string[];
}

export const DEFAULT_OUT = 'hyperguild-eval';

export async function evalCommand(args: string[], ctx: CliContext, api: EvalApi): Promise<number> {
  const parsed = parse('hyperguild eval', args, EVAL_OPTIONS);
  if (parsed.positionals.length === 0) throw new UsageError('Give hyperguild eval at least one task folder or file, for example eval/tasks.');
  const verifierOnly = stringFlag(parsed, 'verifier-only');
  const recorded = verifierOnly && path.resolve(ctx.cwd, verifierOnly);
  if (recorded && !fs.statSync(recorded, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`There is no recorded attempts file ${verifierOnly} for --verifier-only.`);
  const outDir = path.resolve(ctx.cwd, stringFlag(parsed, 'out') ?? DEFAULT_OUT);
  if (fs.statSync(outDir, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`--out ${outDir} is a file; give a folder for the reports.`);
  const { settings, tiers } = settingsFor(parsed, ctx);

  let tasks: unknown[];
  try {
    tasks = await api.loadTasks(parsed.positionals.map((p) => path.resolve(ctx.cwd, p)));
  } catch (err) {
    if (api.isInputError(err)) throw new UsageError(err.message);
    throw err;
  }
  if (tasks.length === 0) throw new UsageError(`No tasks were found in ${parsed.positionals.join(', ')}; give a folder or file of tasks.`);

  const set = createBackendSet(settings, { anthropic: () => Promise.resolve(ctx.env.ANTHROPIC_API_KEY), anthropicBaseUrl: ctx.env.ANTHROPIC_BASE_URL });
  // The gates and checks a run in the editor asks (syntax, diagnostics), so the report says what they caught.
  const checks = new CliChecks(settings, grammarsDir(ctx.wasmDir), false);
  let result: unknown;
  try {
    result = await api.runEval(tasks, {
      checks: (target) => checks.forTarget(target),
      tiers, backends: set.backends, maxTokens: settings.maxOutputTokens, skills: settings.skills, prices: settings.prices,
      signal: ctx.signal, onEvent: (text) => line(ctx.stderr, text),
      ...(settings.verifierModel && { verifierModel: settings.verifierModel }),
      ...(parsed.values.baselines === true && { baselines: true }),
      ...(recorded && { verifierOnly: recorded }),
    });
  } finally {
    checks.dispose();
    await set.close();
  }
  fs.mkdirSync(outDir, { recursive: true });
  const reports = await api.writeEvalReports(result, outDir);
  for (const text of api.summary(result)) line(ctx.stdout, text);
  line(ctx.stdout, '');
  for (const [kind, file] of [['Markdown', reports.markdown], ['HTML', reports.html], ['JSON', reports.json]]) line(ctx.stdout, `${kind}: ${path.relative(ctx.cwd, file) || file}`);
  // Cancelled with Ctrl-C: what ran is reported, but the run is not whole.
  return ctx.signal.aborted ? EXIT.notAccepted : EXIT.accepted;
}
