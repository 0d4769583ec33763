// A task's test on one candidate: a temporary copy of the task (never the task folder itself) with the edited file
// replaced, the test command run there with its bound, the copy removed.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EvalTask, TestResult } from './evalTypes';
import { runBoundedCommand } from '../../checks/boundedCommand';

const TAIL_LINES = 20;
const TAIL_CHARS = 2000;

/** The task's file with its range replaced by `proposal` (already fitted to the range's lines). */
export function applyProposal(task: EvalTask, proposal: string): string {
  const { before, after } = splitAtRange(task);
  return before + proposal + after;
}

/** The text above the range, the range itself (whole lines, with their line ends), and the text below. */
export function splitAtRange(task: Pick<EvalTask, 'text' | 'range'>): { before: string; selection: string; after: string } {
  const starts = [0];
  for (let i = 0; i < task.text.length; i++) if (task.text[i] === '\n') starts.push(i + 1);
  const from = starts[task.range.start - 1] ?? task.text.length;
  const to = starts[task.range.end] ?? task.text.length;
  return { before: task.text.slice(0, from), selection: task.text.slice(from, to), after: task.text.slice(to) };
}

/** The last lines of an output, bounded. */
export function tailOf(output: string): string {
  const lines = output.replace(/\s+$/, '').split('\n');
  const tail = lines.slice(-TAIL_LINES).join('\n');
  return tail.length > TAIL_CHARS ? tail.slice(tail.length - TAIL_CHARS) : tail;
}

/** Where Node finds a package Hyperguild itself can load; undefined when it is not installed. */
function packagesHolding(name: string): string | undefined {
  try {
    return path.dirname(path.dirname(require.resolve(`${name}/package.json`)));
  } catch {
    return undefined;
  }
}

let python: Promise<string | undefined> | undefined;

/** The folder of the interpreter `python3` runs, asked once: a version manager's shim (pyenv) costs seconds a test. */
function pythonDir(): Promise<string | undefined> {
  python ??= new Promise((resolve) => {
    execFile('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 20_000 }, (err, stdout) => resolve(err || !stdout.trim() ? undefined : path.dirname(stdout.trim())));
  });
  return python;
}

/** The environment a test runs in: Node finds esbuild or typescript (our TypeScript tasks strip types with them). */
async function testEnv(): Promise<NodeJS.ProcessEnv> {
  const paths = new Set([process.env.NODE_PATH, packagesHolding('esbuild'), packagesHolding('typescript')].filter((p): p is string => !!p));
  const py = await pythonDir();
  return {
    ...process.env, NODE_PATH: [...paths].join(path.delimiter), PYTHONDONTWRITEBYTECODE: '1',
    ...(py && { PATH: `${py}${path.delimiter}${process.env.PATH ?? ''}` }),
  };
}

async function copyTask(task: EvalTask, into: string): Promise<void> {
  if (task.dir) {
    const hidden = new Set((task.hidden ?? []).map((h) => path.resolve(task.dir!, h)));
    await fs.cp(task.dir, into, { recursive: true, filter: (src) => !hidden.has(path.resolve(src)) && path.basename(src) !== 'node_modules' });
  }
  for (const [name, text] of Object.entries(task.files ?? {})) {
    if ((task.hidden ?? []).includes(name)) continue;
    await fs.mkdir(path.dirname(path.join(into, name)), { recursive: true });
    await fs.writeFile(path.join(into, name), text);
  }
}

/** Runs the task's test against `fileText` as the edited file's whole content. */
export async function runTaskTest(task: EvalTask, fileText: string, signal?: AbortSignal): Promise<TestResult> {
  const started = performance.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hyperguild-eval-'));
  let r: Awaited<ReturnType<typeof runBoundedCommand>>;
  try {
    await copyTask(task, dir);
    const target = path.join(dir, task.file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, fileText);
    r = await runBoundedCommand(task.test.command, { cwd: dir, timeoutMs: task.test.timeoutMs, env: await testEnv(), ...(signal && { signal }) });
  } finally {
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  const setupMs = Math.max(0, Math.round(performance.now() - started - r.ms));
  return { passed: r.exitCode === 0 && !r.timedOut, exitCode: r.exitCode, timedOut: r.timedOut, ms: r.ms, setupMs, tail: tailOf(r.output) };
}

/** A pool of at most `size` tests at once (the machine runs the servers too). */
export function testPool(size: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= size) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** A failure the test output blames on the code not parsing. */
export function isSyntaxFailure(result: TestResult): boolean {
  return !result.passed && /\b(SyntaxError|IndentationError|TabError)\b|error TS1\d{3}|Transform failed with \d+ error/.test(result.tail);
}
