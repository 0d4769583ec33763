// Benchmark 11: carrying one keystroke of the document into an open proposal (issue 26, item 17), on a
// 20,000-line file. Ours: `carryInto`, which splices an edit outside the proposal's region and diffs only that
// region for an edit inside it. Baselines in the same run: the same call with the whole document as the region
// (what the carry did before: a line diff of the whole document per keystroke), and a bare splice of the
// document string (the floor: the least any carry must do). Each keystroke feeds the next, as in the editor.
import { performance } from 'node:perf_hooks';
import { carryInto, type Region, type TextChange } from '../src/core/review/proposalDiff';
import { summarize, type Summary } from './stats';

export interface CarryCase {
  changedLines: number;
  /** The keystroke lands far from the proposal's changes, or inside them. */
  where: 'away' | 'inside';
  /** Without the region of the last carry: the texts around the region compared (an edited proposal, whose editor text is new each time). */
  compared: boolean;
  ours: Summary;
  wholeDocument: Summary;
  splice: Summary;
}

export interface CarryBenchResult {
  lines: number;
  cases: CarryCase[];
}

const LINES = 20_000;

function fixture(changedLines: number): { doc: string; side: string; keep: Region } {
  const lines = Array.from({ length: LINES }, (_, i) => `    const value${i} = compute(${i}, options);\n`);
  const first = LINES / 2;
  const doc = lines.join('');
  const offset = lines.slice(0, first).join('').length;
  const selected = lines.slice(first, first + changedLines).join('');
  const side = doc.slice(0, offset) + selected.replace(/const /g, 'let ') + doc.slice(offset + selected.length);
  return { doc, side, keep: { offset, length: selected.length } };
}

/** Where the k-th keystroke goes: a line far from the changes (a fifth of the file away at least), or inside them. */
function keystroke(doc: string, keep: Region, where: CarryCase['where'], k: number): TextChange {
  if (where === 'inside') return { offset: keep.offset + 4 + ((k * 97) % Math.max(1, keep.length - 8)), length: 0, text: 'x' };
  const span = Math.floor(doc.length / 5);
  const offset = k % 2 ? (k * 7919) % span : doc.length - 1 - ((k * 7919) % span);
  return { offset, length: 0, text: 'x' };
}

/** The string joined into one piece (V8 joins a concatenation on indexed access). */
function flat(text: string): string {
  if (text.charCodeAt(text.length >> 1) < 0) throw new Error('unreachable');
  return text;
}

const splice = (text: string, c: TextChange) => text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);

/** Times `keystrokes` carries in a row with the given region rule; each keystroke's result feeds the next. */
function time(changedLines: number, where: CarryCase['where'], keystrokes: number, region: 'anchor' | 'compared' | 'document' | 'none'): number[] {
  let { doc, side } = fixture(changedLines);
  [doc, side] = [flat(doc), flat(side)];
  const keep = fixture(changedLines).keep;
  // As ProposalSide does: the region the last carry returned, for the text it returned.
  let known: Region | undefined;
  const times: number[] = [];
  for (let k = 0; k < keystrokes; k++) {
    const c = keystroke(doc, keep, where, k);
    const t = performance.now();
    if (region === 'none') side = splice(side, c);
    else if (region === 'document') side = carryInto(doc, side, { offset: 0, length: doc.length }, [c]).text;
    else if (region === 'compared') side = carryInto(doc, side, keep, [c]).text;
    else ({ text: side, region: known } = carryInto(doc, side, keep, [c], known));
    times.push(performance.now() - t);
    // Flat strings for the next keystroke, as the editor has them: the document from getText(), the proposal
    // read (and so joined) by VS Code to show it.
    doc = flat(splice(doc, c));
    side = flat(side);
    if (c.offset < keep.offset) keep.offset += c.text.length;
    else if (c.offset <= keep.offset + keep.length) keep.length += c.text.length;
  }
  return times;
}

export function carryBench(options: { keystrokes: number; wholeDocument: number }): CarryBenchResult {
  const cases: CarryCase[] = [];
  for (const [changedLines, where, compared] of [[50, 'away', false], [50, 'inside', false], [2000, 'away', false], [50, 'away', true]] as const) {
    const ours = time(changedLines, where, options.keystrokes, compared ? 'compared' : 'anchor');
    const splices = time(changedLines, where, options.keystrokes, 'none');
    const whole = time(changedLines, where, options.wholeDocument, 'document');
    cases.push({ changedLines, where, compared, ours: summarize(ours), wholeDocument: summarize(whole), splice: summarize(splices) });
  }
  return { lines: LINES, cases };
}
