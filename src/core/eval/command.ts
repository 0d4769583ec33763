// A shell command with a bound, for a task's test: its process group is killed when the bound passes or the
// signal fires, and its output is capped. Same signature as src/checks/boundedCommand.ts (issue 24), which the
// pure core may not import; the two can become one when that layer may be shared.
import { spawn } from 'node:child_process';

export interface BoundedCommandOptions {
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  maxOutputBytes?: number;
}

export interface BoundedCommandResult {
  exitCode: number | null;
  timedOut: boolean;
  /** stdout and stderr interleaved, at most maxOutputBytes (the end kept). */
  output: string;
  ms: number;
}

const DEFAULT_MAX_OUTPUT = 256 * 1024;

export function runBoundedCommand(command: string, options: BoundedCommandOptions): Promise<BoundedCommandResult> {
  const started = performance.now();
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve) => {
    // detached: its own process group, so a test's children die with it.
    const child = spawn(command, { cwd: options.cwd, env: options.env ?? process.env, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const keep = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > max) output = output.slice(output.length - max);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => { timedOut = true; kill(); }, options.timeoutMs);
    const onAbort = () => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) kill();
    const done = (exitCode: number | null) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, timedOut, output, ms: Math.round(performance.now() - started) });
    };
    child.on('error', (err) => { output += `\n${err.message}`; done(null); });
    child.on('close', (code) => done(code));
  });
}
