// Running a benchmark probe inside the real offline host (scripts/run-host-tests.mjs with HOST_SUITE), and the
// lines every host benchmark's report shares.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../..');

/** A started probe: its JSON result (what it wrote to HOST_BENCH_OUT) and the report's "- Date: …" line. */
export interface ProbeRun<T> {
  result: T;
  machineLine(): string;
}

/** Runs the compiled probe `suite` in the host; exits with a sentence when it did not finish. `env`: e.g. HOST_VSCODE. */
export function runHostProbe<T>(suite: string, what: string, env: Record<string, string> = {}): ProbeRun<T> {
  const out = path.join(os.tmpdir(), `hyperguild-bench-${process.pid}.json`);
  const load0 = os.loadavg()[0];
  const started = Date.now();
  const host = spawnSync(process.execPath, [path.join(ROOT, 'scripts/run-host-tests.mjs')], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env, HOST_SUITE: suite, HOST_BENCH_OUT: out },
  });
  if (host.status !== 0 || !fs.existsSync(out)) {
    console.error(`The ${what} benchmark did not finish in the host; see its output above.`);
    process.exit(1);
  }
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as T;
  fs.rmSync(out, { force: true });
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  return {
    result,
    machineLine: () => `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; commit ${commit}; ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}); load average ${load0.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end; ${Math.round((Date.now() - started) / 1000)} s.`,
  };
}

/** "×1.02": a figure against its baseline from the same run. */
export const ratio = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
