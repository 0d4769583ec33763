// "Hyperguild: Evaluate the Chain…" in the real editor: a tiny task folder run against the fake llama-swap with the
// extension's chain and backends, the reports written, and the report opened in a webview.
import * as assert from 'assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvaluateOutcome } from '../../src/editor/eval/evalFeature';
import { assertOneSentence, codeReply, isJudge, lastUserMessage, suiteWithFake, verdictReply, waitFor } from './support/host';

// Compiled to out/test/integration; the task set stays in the repository.
const TASKS = path.resolve(__dirname, '../../../eval/tasks');
const RIGHT_SUM = 'function sumTo(n) {\n  let total = 0;\n  for (let i = 1; i <= n; i++) total += i;\n  return total;\n}';
const WRONG_LEAP = 'function isLeapYear(year) {\n  return year % 4 === 0;\n}';

const reportTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Hyperguild: Eval Report');

describe('evaluate the chain in the editor', function () {
  this.timeout(60_000);
  const { fake } = suiteWithFake({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' }, ['qwen-7b']);
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hg-evaluate-'));
    for (const id of ['js-fix-sum-to', 'js-fix-leap-year']) await fs.cp(path.join(TASKS, id), path.join(dir, 'tasks', id), { recursive: true });
    fake().responder = (r) => (isJudge(r) ? verdictReply('accept', 'fixed') : codeReply(lastUserMessage(r).includes('sumTo') ? RIGHT_SUM : WRONG_LEAP));
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs a task folder against the chain, tests each answer, writes the reports and opens the report in a webview', async () => {
    const outDir = path.join(dir, 'out');
    const outcome = (await vscode.commands.executeCommand('hyperguild.evaluate', { tasks: path.join(dir, 'tasks'), outDir })) as EvaluateOutcome;
    assert.equal(outcome.status, 'done', outcome.message);
    const result = outcome.result!;
    assert.deepEqual(result.tasks.map((t) => [t.id, t.accepted?.model, t.passed]), [['js-fix-leap-year', 'qwen-7b', false], ['js-fix-sum-to', 'qwen-7b', true]]);
    assert.deepEqual(result.overall.falseAccepts, { n: 1, of: 2 });
    assert.deepEqual(result.overall.localAccepted, { n: 2, of: 2 });
    assert.ok(fake().requests.some((r) => r.path === '/v1/chat/completions'), 'the fake llama-swap answered');
    for (const file of Object.values(outcome.reports!)) assert.ok((await fs.stat(file)).size > 0, file);
    await waitFor(() => reportTab() !== undefined, 'the report open in a webview');
    // The task folders were copied for their tests, never written.
    assert.equal(await fs.readFile(path.join(dir, 'tasks/js-fix-sum-to/sum.js'), 'utf8'), await fs.readFile(path.join(TASKS, 'js-fix-sum-to/sum.js'), 'utf8'));
  });

  it('refuses a folder without tasks in one sentence naming it, and runs nothing', async () => {
    const empty = path.join(dir, 'empty');
    await fs.mkdir(empty, { recursive: true });
    const before = fake().requests.length;
    const outcome = (await vscode.commands.executeCommand('hyperguild.evaluate', { tasks: empty })) as EvaluateOutcome;
    assert.equal(outcome.status, 'refused');
    assertOneSentence(outcome.message!);
    assert.match(outcome.message!, /empty holds no task/);
    assert.equal(fake().requests.length, before);
  });
});
