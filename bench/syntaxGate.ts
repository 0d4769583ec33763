// Benchmark 7: the syntax gate's time per proposal on a 2,000-line TypeScript file, against a full parse of the
// same file in the same run (what a gate without incremental parsing would pay), and the first use's cost
// (loading the runtime and the grammar), which a run pays once per language in the background.
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SyntaxChecker } from '../src/syntax/syntaxGate';
import { summarize, type Summary } from './stats';

export interface SyntaxGateResult {
  lines: number;
  firstUseMs: number;
  gate: Summary;
  fullParse: Summary;
  iterations: number;
}

const WASM = path.resolve(__dirname, '../../node_modules/@vscode/tree-sitter-wasm/wasm');

export function document(lines: number): { text: string; start: number; end: number; selection: string } {
  const fn = (i: number) => `export function f${i}(xs: number[], k: number): number {\n  let t = 0;\n  for (const x of xs) {\n    if (x > k) t += x * ${i};\n  }\n  return t;\n}\n\n`;
  let text = '';
  for (let i = 0; text.split('\n').length < lines; i++) text += fn(i);
  const selection = fn(120);
  const start = text.indexOf(selection);
  return { text, start, end: start + selection.length, selection };
}

export async function syntaxGateBench(options: { iterations: number }): Promise<SyntaxGateResult> {
  const doc = document(2000);
  const good = 'export function f120(xs: number[], k: number): number {\n  return xs.filter((x) => x > k).reduce((t, x) => t + x * 120, 0);\n}\n\n';
  const bad = 'export function f120(xs: number[], k: number): number {\n  return xs.filter((x) => x > k).reduce((t, x) => t + x * 120, 0;\n}\n\n';
  const checker = new SyntaxChecker(WASM);
  const t0 = performance.now();
  const gate = checker.prepare('typescript', doc.text, doc.start, doc.end);
  const first = await gate.check(good);
  const firstUseMs = performance.now() - t0;
  if (first.problem) throw new Error(`the good proposal was refused: ${first.problem}`);
  const gateTimes: number[] = [];
  const fullTimes: number[] = [];
  // The baseline: parse the whole spliced document from scratch, with a parser of the same grammar.
  const baseline = checker.prepare('typescript', doc.text, doc.start, doc.end);
  await baseline.check(good);
  for (let i = 0; i < options.iterations; i++) {
    const proposal = i % 2 ? bad : good;
    let t = performance.now();
    const verdict = await gate.check(proposal);
    gateTimes.push(performance.now() - t);
    if (Boolean(verdict.problem) !== (proposal === bad)) throw new Error(`wrong verdict at iteration ${i}: ${verdict.problem ?? 'none'}`);
    const spliced = doc.text.slice(0, doc.start) + proposal + doc.text.slice(doc.end);
    t = performance.now();
    const whole = checker.prepare('typescript', spliced, 0, 0);
    await whole.check('');
    fullTimes.push(performance.now() - t);
    whole.dispose();
  }
  gate.dispose();
  baseline.dispose();
  return { lines: doc.text.split('\n').length, firstUseMs, gate: summarize(gateTimes), fullParse: summarize(fullTimes), iterations: options.iterations };
}
