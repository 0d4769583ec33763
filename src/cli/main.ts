// The `hyperguild` command: `run`, `eval`, `--help`, `--version`. Exit codes (design contract): 0 accepted (eval: it
// ran), 1 not accepted, 2 usage or setup error, told in one sentence on stderr without a stack.
import manifest from '../../package.json';
import { line, type CliContext } from './context';
import type { EvalApi } from './evalCommand';
import { runCommand } from './runCommand';
import { EXIT, HELP, UsageError } from './usage';

export interface MainDeps {
  /** The eval engine (tests hand in their own); default src/core/eval. */
  evalApi?: EvalApi;
}

async function dispatch(argv: string[], ctx: CliContext, deps: MainDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h' || rest.includes('--help') || rest.includes('-h')) {
    // Asked for: on stdout; no command at all is a usage error, so the help goes to stderr.
    (command === undefined ? ctx.stderr : ctx.stdout).write(HELP);
    return command === undefined ? EXIT.usage : EXIT.accepted;
  }
  if (command === '--version' || command === '-v') {
    line(ctx.stdout, manifest.version);
    return EXIT.accepted;
  }
  if (command === 'run') return runCommand(rest, ctx);
  if (command === 'eval') {
    const { evalCommand } = await import('./evalCommand');
    return evalCommand(rest, ctx, deps.evalApi ?? (await import('./evalApi')).EVAL_API);
  }
  throw new UsageError(`${command.startsWith('-') ? 'There is no option' : 'There is no command'} "${command}"; use run or eval (see hyperguild --help).`);
}

/** Runs one command line; resolves to its exit code and never throws. */
export async function main(argv: string[], ctx: CliContext, deps: MainDeps = {}): Promise<number> {
  try {
    return await dispatch(argv, ctx, deps);
  } catch (err) {
    if (err instanceof UsageError) {
      line(ctx.stderr, `hyperguild: ${err.message}`);
      return EXIT.usage;
    }
    const message = err instanceof Error ? err.message : String(err);
    line(ctx.stderr, `hyperguild: the command stopped on an unexpected error (${message.replace(/[.\s]+$/, '')}); set HYPERGUILD_DEBUG=1 for its stack.`);
    if (ctx.env.HYPERGUILD_DEBUG && err instanceof Error && err.stack) line(ctx.stderr, err.stack);
    return EXIT.notAccepted;
  }
}
