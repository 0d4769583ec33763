// The diagnostics gate in the real editor, with the worker and the TypeScript the package ships (dist/): an answer
// that parses but does not type-check is escalated with the compiler's words before any judge, and nothing is
// written into the workspace or the user's file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeReply, isJudge, lastUserMessage, listing, openWith, runSkill, select, suiteWithFake, verdictReply } from './support/host';

const ADD = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
const UNDEFINED_NAME = 'export function add(a: number, b: number): number {\n  const sum = a + c;\n  return sum;\n}';
const CLEAN = 'export function add(a: number, b: number): number {\n  const sum = a + b;\n  return sum;\n}';

describe('diagnostics gate: new compiler errors escalate before any judge', function () {
  this.timeout(60_000);
  let answers: Record<string, string> = {};
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(answers[r.model ?? ''] ?? CLEAN)),
  }, ['qwen-7b', 'qwen-32b']);
  // The first check of the process starts the worker and loads TypeScript (seconds on this shared machine): the
  // instant fake answers leave no time to hide it, so the bound is wide here; the benchmark measures a warm check.
  before(() => suite.settings.set('diagnostics.timeoutMs', 30_000));

  it('TypeScript file in the workspace: an unknown name is escalated with the diagnostic; the next tier\'s clean answer is accepted; nothing is written', async () => {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(root, 'src', 'math.ts');
    const before = listing(root);
    const original = fs.readFileSync(file, 'utf8');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const first = editor.document.getText().split('\n').findIndex((l) => l.startsWith('export function add('));
    select(editor, first, first + 2);
    assert.equal(editor.document.getText(editor.selection), ADD);
    answers = { 'qwen-7b': UNDEFINED_NAME, 'qwen-32b': CLEAN };
    const fake = suite.fake();
    const from = fake.requests.length;

    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: 'qwen-32b', tierIndex: 1 });
    assert.equal(report.attempts[0].verdict, 'escalate');
    assert.equal(report.attempts[0].feedback, `the proposal brings 1 new TypeScript error:\nline ${first + 2} (\`const sum = a + c;\`): Cannot find name 'c'. ts(2304)`);
    assert.deepEqual(report.attempts[0].checks?.map(({ ms: _ms, ...c }) => c), [{ kind: 'diagnostics', name: 'typescript', status: 'failed', newErrors: 1 }]);
    assert.deepEqual(report.attempts[1].checks?.map((c) => [c.name, c.status, c.newErrors]), [['typescript', 'passed', 0]]);
    const judged = fake.requests.slice(from).filter(isJudge).map((r) => r.model);
    assert.deepEqual(judged, ['qwen-32b'], 'no judge was asked about the answer the compiler rejected');
    const next = fake.requests.slice(from).find((r) => r.model === 'qwen-32b' && !isJudge(r))!;
    assert.match(lastUserMessage(next), /Cannot find name 'c'\. ts\(2304\)/, 'the next tier is told the compiler\'s words');

    assert.equal(editor.document.isDirty, false, 'the user\'s document is untouched');
    assert.equal(fs.readFileSync(file, 'utf8'), original, 'the file on disk is untouched');
    assert.deepEqual(listing(root), before, 'nothing was written into the workspace');
  });

  it('a document that already has errors is compared fairly: its old errors do not count against a clean answer', async () => {
    const selection = 'function f(n: number): number {\n  return n;\n}';
    const editor = await openWith(`const broken: number = 'x';\n${selection}\nexport const alsoBroken: string = f(1);\n`, 'typescript');
    select(editor, 1, 3);
    answers = { 'qwen-7b': 'function f(n: number): number {\n  // doubled\n  return n * 2;\n}' };
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: 'qwen-7b', tierIndex: 0 });
    assert.deepEqual(report.attempts[0].checks?.map((c) => [c.name, c.status, c.newErrors]), [['typescript', 'passed', 0]]);
  });

  it('Python (no language server in this host, none that checks a text not on disk): the check says not-checked and the run goes on to the judge', async () => {
    const editor = await openWith('def add(a, b):\n    return a + b\n', 'python');
    select(editor, 0, 1);
    answers = { 'qwen-7b': 'def add(a, b):\n    return a + c' };
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.attempts[0].checks?.map(({ ms: _ms, ...c }) => c), [{ kind: 'diagnostics', name: 'python', status: 'not-checked' }]);
  });
});
