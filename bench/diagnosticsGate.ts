// Benchmark 13: the time the diagnostics gate adds per attempt on a 2,000-line TypeScript file with a warm language
// service (the project built at run start, while the first tier answers), against a fresh program per proposal in
// the same run (what a check without the kept service would pay); the first use (worker start, TypeScript load,
// the project's build), which a run pays in the background; and how long the editor's thread was held meanwhile.
// Plain Node: the check runs in a worker thread of the extension host, which is Node too; no editor API is involved.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as ts from 'typescript';
import { diagnosticsChecks } from '../src/checks/diagnostics';
import { TsClient } from '../src/checks/tsClient';
import type { CheckTarget } from '../src/core/engine/checks';
import { percentile, summarize, type Summary } from './stats';
import { document } from './syntaxGate';

export interface DiagnosticsGateResult {
  lines: number;
  iterations: number;
  firstUseMs: number;
  gate: Summary;
  gateP95: number;
  fresh: Summary;
  freshP95: number;
  /** The check of the original at each run's start, in the background of the first tier. */
  runStart: Summary;
  /** The longest the main thread's event loop was held while the gate checked (ms). */
  mainThreadMaxMs: number;
  version: string;
}

const WORKER = path.resolve(__dirname, '../src/checks/tsWorker.js');
const OPTIONS = { strict: true, target: 'ES2022', module: 'commonjs' };

/** A fresh program over the spliced file (its import read from disk), all its diagnostics: the baseline. */
function freshCheck(file: string, text: string): number {
  const options = ts.convertCompilerOptionsFromJson(OPTIONS, path.dirname(file)).options;
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, text, lang) : read(f, lang, ...rest));
  const program = ts.createProgram([file], { ...options, noEmit: true }, host);
  const source = program.getSourceFile(file)!;
  return program.getSyntacticDiagnostics(source).length + program.getSemanticDiagnostics(source).length;
}

export async function diagnosticsGateBench(options: { iterations: number; freshRuns: number }): Promise<DiagnosticsGateResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hg-bench-diag-'));
  const client = new TsClient(WORKER);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  try {
    const doc = document(2000);
    const file = path.join(dir, 'src', 'big.ts');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: OPTIONS, include: ['src'] }));
    fs.writeFileSync(file, doc.text);
    const good = 'export function f120(xs: number[], k: number): number {\n  return xs.filter((x) => x > k).reduce((t, x) => t + x * 120, 0);\n}\n\n';
    const bad = good.replace('x * 120', 'x * missing');
    const target: CheckTarget = { path: file, root: dir, languageId: 'typescript', text: doc.text, start: doc.start, end: doc.end };
    const check = () => diagnosticsChecks(target, { timeoutMs: 60_000, trusted: false }, { client, bundledTypeScript: require.resolve('typescript') })[0];
    const signal = new AbortController().signal;
    delay.enable();
    let t = performance.now();
    const first = await check().run(good, signal);
    const firstUseMs = performance.now() - t;
    if (first.status !== 'passed') throw new Error(`the good proposal was refused: ${first.feedback ?? first.note}`);
    // Each iteration is a run: its check is made, the original is checked in the background (as while a tier answers:
    // timed apart, as the run-start share), then the proposal is asked about (the time an attempt waits).
    const times: number[] = [];
    const starts: number[] = [];
    const same = { typescript: require.resolve('typescript'), file, configPath: path.join(dir, 'tsconfig.json'), text: doc.text, fresh: false };
    for (let i = 0; i < options.iterations; i++) {
      t = performance.now();
      const c = check();
      await client.ask(same); // answered after the run's check of the original (the worker answers in order)
      starts.push(performance.now() - t);
      const proposal = i % 2 ? bad : good;
      t = performance.now();
      const o = await c.run(proposal, signal);
      times.push(performance.now() - t);
      if ((o.status === 'failed') !== (proposal === bad)) throw new Error(`wrong outcome at iteration ${i}: ${o.status} ${o.feedback ?? ''}`);
    }
    delay.disable();
    const fresh: number[] = [];
    for (let i = 0; i < options.freshRuns; i++) {
      const spliced = doc.text.slice(0, doc.start) + (i % 2 ? bad : good) + doc.text.slice(doc.end);
      t = performance.now();
      freshCheck(file, spliced);
      fresh.push(performance.now() - t);
    }
    const version = /typescript (\S+)/.exec(first.note ?? '')?.[1] ?? '?';
    return {
      lines: doc.text.split('\n').length, iterations: options.iterations, firstUseMs, version,
      gate: summarize(times), gateP95: percentile(times, 95), runStart: summarize(starts), fresh: summarize(fresh), freshP95: percentile(fresh, 95),
      mainThreadMaxMs: delay.max / 1e6,
    };
  } finally {
    client.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
