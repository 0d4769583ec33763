// The syntax gate on a labelled set of answers: each proposal is spliced into a real document in place of the
// selection and parsed with the grammar VS Code uses for that language. Expected verdicts are the labels.
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { SyntaxChecker } from '../../src/syntax/syntaxGate';

const WASM = resolve(__dirname, '../../../node_modules/@vscode/tree-sitter-wasm/wasm');

interface Doc { languageId: string; text: string; selection: string }
const TS: Doc = {
  languageId: 'typescript',
  selection: 'function total(xs: number[]): number {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n',
  text: '',
};
TS.text = `import { a } from './a';\n\n${TS.selection}\nexport const b = a + 1;\n`;
const PY: Doc = {
  languageId: 'python',
  selection: 'def total(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n',
  text: '',
};
PY.text = `import os\n\n\n${PY.selection}\n\nprint(total([1, 2]))\n`;
const GO: Doc = { languageId: 'go', selection: 'func total(xs []int) int {\n\tt := 0\n\tfor _, x := range xs {\n\t\tt += x\n\t}\n\treturn t\n}\n', text: '' };
GO.text = `package main\n\n${GO.selection}\nfunc main() {}\n`;
const RS: Doc = { languageId: 'rust', selection: 'fn total(xs: &[i32]) -> i32 {\n    let mut t = 0;\n    for x in xs { t += x; }\n    t\n}\n', text: '' };
RS.text = `use std::fmt;\n\n${RS.selection}\nfn main() {}\n`;
const JS: Doc = { languageId: 'javascript', selection: 'function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n', text: '' };
JS.text = `'use strict';\n${JS.selection}module.exports = { total };\n`;
const BROKEN: Doc = { languageId: 'typescript', selection: 'const c = 3;\n', text: '' };
BROKEN.text = `function broken( {\n  return 1;\n}\n${BROKEN.selection}`;

type Label = 'pass' | 'fail';
const CASES: [string, Doc, string, Label][] = [
  // TypeScript
  ['ts good: reduce', TS, 'function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n', 'pass'],
  ['ts good: arrow', TS, 'const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);\n', 'pass'],
  ['ts good: with doc comment', TS, '/** Sums xs. */\nfunction total(xs: number[]): number {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n', 'pass'],
  ['ts valid but unchanged', TS, TS.selection, 'pass'],
  ['ts truncated mid-body', TS, 'function total(xs: number[]): number {\n  let t = 0;\n  for (const x of xs) t +=', 'fail'],
  ['ts unbalanced: missing }', TS, 'function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n', 'fail'],
  ['ts unbalanced: extra )', TS, 'function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0));\n}\n', 'fail'],
  ['ts wrong language: python', TS, 'def total(xs):\n    return sum(xs)\n', 'fail'],
  ['ts prose instead of code', TS, 'Here is the refactored function, it now uses reduce.\n', 'fail'],
  ['ts unterminated string', TS, 'function total(xs: number[]): number {\n  const s = "abc;\n  return 0;\n}\n', 'fail'],
  // Python
  ['py good: sum', PY, 'def total(xs):\n    return sum(xs)\n', 'pass'],
  ['py good: typed', PY, 'def total(xs: list[int]) -> int:\n    """Sum of xs."""\n    return sum(xs)\n', 'pass'],
  ['py valid but unchanged', PY, PY.selection, 'pass'],
  ['py truncated', PY, 'def total(xs):\n    return sum(\n', 'fail'],
  ['py unbalanced bracket', PY, 'def total(xs):\n    return sum([x for x in xs)\n', 'fail'],
  ['py wrong language: typescript', PY, 'function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n', 'fail'],
  ['py missing colon', PY, 'def total(xs)\n    return sum(xs)\n', 'fail'],
  // Go
  ['go good', GO, 'func total(xs []int) (t int) {\n\tfor _, x := range xs {\n\t\tt += x\n\t}\n\treturn\n}\n', 'pass'],
  ['go valid but unchanged', GO, GO.selection, 'pass'],
  ['go unbalanced: missing }', GO, 'func total(xs []int) int {\n\tt := 0\n\tfor _, x := range xs {\n\t\tt += x\n\treturn t\n}\n', 'fail'],
  ['go truncated', GO, 'func total(xs []int) int {\n\tt := ', 'fail'],
  ['go wrong language: rust', GO, 'fn total(xs: &[i32]) -> i32 { xs.iter().sum() }\n', 'fail'],
  // Rust
  ['rust good', RS, 'fn total(xs: &[i32]) -> i32 {\n    xs.iter().sum()\n}\n', 'pass'],
  ['rust valid but unchanged', RS, RS.selection, 'pass'],
  ['rust unbalanced', RS, 'fn total(xs: &[i32]) -> i32 {\n    xs.iter().sum(\n}\n', 'fail'],
  ['rust truncated', RS, 'fn total(xs: &[i32]) -> i32 {\n    xs.iter().', 'fail'],
  // JavaScript
  ['js good', JS, 'function total(xs) {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n', 'pass'],
  ['js good: jsx-free arrow', JS, 'const total = (xs) => xs.reduce((a, b) => a + b, 0);\n', 'pass'],
  ['js unbalanced', JS, 'function total(xs) {\n  return xs.reduce((a, b) => a + b, 0;\n}\n', 'fail'],
  ['js wrong language: go', JS, 'func total(xs []int) int {\n\treturn 0\n}\n', 'fail'],
  // A file that already has a parse error elsewhere: only errors the proposal adds count.
  ['pre-broken file, good proposal', BROKEN, 'const c = 4;\n', 'pass'],
  ['pre-broken file, bad proposal', BROKEN, 'const c = ;\n', 'fail'],
];

describe('syntax gate: a labelled set of answers', function () {
  this.timeout(20_000);
  const checker = new SyntaxChecker(WASM);

  for (const [name, doc, proposal, label] of CASES) {
    it(`${label === 'pass' ? 'passes' : 'stops'}: ${name}`, async () => {
      const start = doc.text.indexOf(doc.selection);
      assert.ok(start >= 0);
      const gate = checker.prepare(doc.languageId, doc.text, start, start + doc.selection.length);
      try {
        const verdict = await gate.check(proposal);
        assert.match(verdict.note, /^syntax gate: /, verdict.note);
        if (label === 'pass') assert.equal(verdict.problem, undefined, verdict.problem);
        else assert.match(verdict.problem ?? '', /^the proposal does not parse: line \d+, (missing "[^"]+"|unexpected ".*"|a syntax error)$/, `expected a problem for ${name}`);
      } finally {
        gate.dispose();
      }
    });
  }

  it('names the line of the proposal and what is missing', async () => {
    const start = TS.text.indexOf(TS.selection);
    const gate = checker.prepare('typescript', TS.text, start, start + TS.selection.length);
    const verdict = await gate.check('function total(xs: number[]): number {\n  let t = 0;\n  for (const x of xs) {\n    t += x;\n  return t;\n}\n');
    assert.match(verdict.problem ?? '', /^the proposal does not parse: line [5-6], missing "}"$/);
    gate.dispose();
  });

  it('a language without a grammar skips the gate and says so', async () => {
    const gate = checker.prepare('markdown', '# Title\n', 0, 7);
    assert.deepEqual(await gate.check('# ((('), { note: 'syntax gate skipped: no grammar for markdown' });
  });

  it('a grammar folder that is missing skips the gate with a note, never a failure', async () => {
    const broken = new SyntaxChecker(resolve(WASM, 'nope'));
    const gate = broken.prepare('typescript', 'let a = 1;\n', 0, 10);
    const verdict = await gate.check('let a = ;');
    assert.equal(verdict.problem, undefined);
    assert.match(verdict.note, /^syntax gate skipped: the typescript grammar did not load/);
  });
});
