// One shell command with a time bound, its output captured: what a command check (and the eval harness) runs.
// The command gets its own process group, so that on timeout or abort the whole tree dies (a `npm test` that
// starts a `sleep 100`, a test runner's workers), not only the shell. It never throws: a command that cannot
// start reads as a failure with the reason in its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface BoundedCommandOptions {
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The whole environment of the command (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The output kept: its last bytes (default 64 KB). */
  maxOutputBytes?: number;
}

export interface BoundedCommandResult {
  /** Null when it did not exit by itself (cut off, killed by a signal, never started). */
  exitCode: number | null;
  /** Cut off at its bound. */
  timedOut: boolean;
  /** Cut off because the caller's signal aborted. */
  aborted: boolean;
  /** Stdout and stderr in the order they arrived, only the tail when it was longer than the cap. */
  output: string;
  /** The output was longer than the cap (its head was dropped). */
  truncated: boolean;
  ms: number;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;

export function runBoundedCommand(command: string, options: BoundedCommandOptions): Promise<BoundedCommandResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (options.signal?.aborted) {
    return Promise.resolve({ exitCode: null, timedOut: false, aborted: true, output: '', truncated: false, ms: 0 });
  }
  const tail = new Tail(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let child: ChildProcess;
    try {
      child = spawn(command, {
        shell: true, cwd: options.cwd, env: options.env ?? process.env, detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true,
      });
    } catch (err) {
      resolve({ exitCode: null, timedOut: false, aborted: false, output: errorText(err), truncated: false, ms: elapsed() });
      return;
    }
    const cutOff = (why: 'timeout' | 'abort') => {
      if (why === 'timeout') timedOut = true;
      else aborted = true;
      killTree(child);
    };
    const timer = setTimeout(() => cutOff('timeout'), options.timeoutMs);
    const onAbort = () => cutOff('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
    let exitCode: number | null = null;
    // Whatever the shell left running in its group (a server a test started) goes with it.
    child.on('exit', (code) => {
      exitCode = code;
      killTree(child);
    });
    let settled = false;
    const finish = (extra?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (extra) tail.push(Buffer.from(extra));
      const { text, truncated } = tail.text();
      resolve({ exitCode: timedOut || aborted ? null : exitCode, timedOut, aborted, output: text, truncated, ms: elapsed() });
    };
    child.on('close', () => finish());
    child.on('error', (err) => finish(errorText(err)));
  });
}

/** Kills the command's whole process group; a group already gone is fine. */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    } else {
      process.kill(-child.pid, 'SIGKILL');
    }
  } catch {
    // ESRCH: nothing left in the group.
  }
}

function errorText(err: unknown): string {
  return `could not run the command: ${err instanceof Error ? err.message : String(err)}`;
}

/** The last `cap` bytes of a stream, kept without holding all of it. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Trim only now and then (at twice the cap), so that a chatty command costs no copying per chunk.
    if (this.size > 2 * this.cap) this.compact();
  }

  text(): { text: string; truncated: boolean } {
    this.compact();
    // A tail cut inside a multi-byte character starts with a replacement character: drop it.
    const text = Buffer.concat(this.chunks).toString('utf8');
    return { text: this.dropped ? text.replace(/^\uFFFD+/, '') : text, truncated: this.dropped };
  }

  private compact(): void {
    if (this.size <= this.cap) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all.subarray(all.length - this.cap)];
    this.size = this.cap;
    this.dropped = true;
  }
}
