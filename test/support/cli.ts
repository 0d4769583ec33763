// The `hyperguild` command for tests: in-process (main with captured streams) and as the built bin (dist/cli.js,
// spawned), plus a throwaway workspace folder. Plain Node.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type MainDeps } from '../../src/cli/main';

export const REPO = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const WASM = path.join(REPO, 'node_modules/@vscode/tree-sitter-wasm/wasm');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line in this process, with the environment given (nothing of the process's own). */
export async function runCli(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; deps?: MainDeps }): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {}, cwd: options.cwd, signal: options.signal ?? new AbortController().signal, wasmDir: WASM,
  }, options.deps);
  return { code, stdout, stderr };
}

let built = false;
/** Builds dist/ (once per test process) so the bin under test is this checkout's. */
export function buildCli(): void {
  if (built) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'pipe', timeout: 60_000 });
  built = true;
}

/** Starts the built bin; `done` resolves with its exit code and output. Killed after `timeoutMs`. */
export function spawnCli(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(CLI, argv, { cwd: options.cwd, env: { PATH: process.env.PATH, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const done = new Promise<Ran>((resolve) => child.once('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
  }));
  return { child, done };
}

/** A workspace folder with the given files (path → text), removed by the returned function. */
export function workspace(files: Record<string, string>): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperguild-cli-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** stderr's last line without the `hyperguild: ` prefix: the one sentence a usage error is. */
export const errorSentence = (stderr: string) => stderr.trim().split('\n').pop()!.replace(/^hyperguild: /, '');
