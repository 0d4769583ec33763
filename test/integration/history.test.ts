// The run history in the real editor: every finished run is recorded with what became of its proposal, read back
// newest first through the API; no code unless asked; off when turned off; cleared on request.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/history/history';
import { codeReply, isJudge, openWith, proposalTabs, runSkill, select, suiteWithFake, verdictReply, waitFor } from './support/host';

interface Api { getHistory(options?: { limit?: number }): Promise<RunRecord[]> }
const SOURCE = 'function add(a, b) {\n  return a + b;\n}\n';

describe('history: every run is remembered', function () {
  this.timeout(30_000);
  suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(`function add(a, b) {\n  return b + a; // ${r.model}\n}`)),
  }, ['qwen-7b', 'qwen-32b']);
  let api: Api;
  const config = () => vscode.workspace.getConfiguration('hyperguild.history');

  before(async () => {
    api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as Api;
    assert.equal(await vscode.commands.executeCommand('hyperguild.clearHistory', { confirmed: true }), true);
  });
  after(async () => {
    await config().update('keepCode', undefined, vscode.ConfigurationTarget.Global);
    await config().update('enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  /** Polls the history (it is written off the run's path) until `check` holds; returns what it read. */
  async function eventually(what: string, check: (records: RunRecord[]) => boolean): Promise<RunRecord[]> {
    const end = Date.now() + 8000;
    for (;;) {
      const records = await api.getHistory();
      if (check(records)) return records;
      if (Date.now() > end) assert.fail(`not in time: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function accepted(): Promise<RunRecord> {
    const before = (await api.getHistory()).length;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    assert.equal((await runSkill()).status, 'accepted');
    await waitFor(() => proposalTabs().length === 1, 'the proposal');
    return (await eventually('the run in the history', (r) => r.length > before))[0];
  }

  it('an accepted run, then applied: recorded with its attempts, no code, and the outcome', async () => {
    const run = await accepted();
    assert.equal(run.skill, 'refactor');
    assert.deepEqual(run.chain, ['qwen-7b', 'qwen-32b']);
    assert.deepEqual(run.accepted, { model: 'qwen-7b', tierIndex: 0 });
    assert.equal(run.outcome, 'pending');
    assert.equal(run.languageId, 'javascript');
    assert.equal(run.attempts[0].model, 'qwen-7b');
    assert.equal(run.attempts[0].backend, 'llama-swap');
    assert.equal(run.code, undefined, 'no code by default');
    assert.ok(!JSON.stringify(run).includes('return a + b'));
    await vscode.commands.executeCommand('hyperguild.applyProposal', proposalTabs()[0].modified);
    await eventually('the outcome applied', (r) => r.find((x) => x.id === run.id)?.outcome === 'applied');
  });

  it('discarded, and escalated (the continued run is its own record that says which run it continues)', async () => {
    const first = await accepted();
    await vscode.commands.executeCommand('hyperguild.discardProposal');
    await eventually('the outcome discarded', (r) => r.find((x) => x.id === first.id)?.outcome === 'discarded');

    const second = await accepted();
    const report = await vscode.commands.executeCommand<{ status: string }>('hyperguild.escalateProposal', { feedback: 'not this' });
    assert.equal(report.status, 'accepted');
    const records = await eventually('escalated, and the continued run recorded', (r) => r.find((x) => x.id === second.id)?.outcome === 'escalated' && r[0].continues === second.id);
    assert.deepEqual(records[0].attempts.map((a) => a.by ?? a.verdict), ['accept', 'user', 'accept']);
  });

  it('keepCode keeps the selection and the proposal; turned off, nothing is recorded; Clear History empties it', async () => {
    await config().update('keepCode', true, vscode.ConfigurationTarget.Global);
    const run = await accepted();
    assert.equal(run.code?.selection, SOURCE.trimEnd(), 'the selected lines');
    assert.match(run.code?.proposal ?? '', /return b \+ a/);

    await config().update('enabled', false, vscode.ConfigurationTarget.Global);
    const count = (await api.getHistory()).length;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    assert.equal((await runSkill()).status, 'accepted');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await api.getHistory()).length, count, 'nothing recorded while off');

    assert.equal(await vscode.commands.executeCommand('hyperguild.clearHistory', { confirmed: true }), true);
    assert.deepEqual(await api.getHistory(), []);
  });
});

describe('history: the escalation report', function () {
  this.timeout(30_000);
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply(r.model === 'qwen-7b' ? 'escalate' : 'accept', r.model === 'qwen-7b' ? 'misses the edge case' : 'correct') : codeReply(`function add(a, b) {\n  return b + a; // ${r.model}\n}`)),
  }, ['qwen-7b', 'qwen-32b']);

  it('opens in the real host and draws its charts from the runs; the history exports as CSV and JSON', async () => {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    assert.equal((await runSkill()).status, 'accepted');
    const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as Api;
    const recorded = Date.now() + 8000;
    while ((await api.getHistory()).length === 0 && Date.now() < recorded) await new Promise((r) => setTimeout(r, 50));
    const log = suite.log();
    const mark = log.logLines.length;
    await vscode.commands.executeCommand('hyperguild.showReport');
    await waitFor(() => log.logLines.slice(mark).some((l) => /report rendered: 3 charts, \d+ advice lines, [1-9]\d* runs/.test(l)), `the page reports what it drew (${log.logLines.slice(mark).filter((l) => l.includes('report')).join(' | ')})`, 15_000);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Hyperguild: Escalation Report');
    assert.ok(tab, 'the report tab');

    const folder = vscode.workspace.workspaceFolders![0].uri;
    const csv = vscode.Uri.joinPath(folder, `history-${Date.now()}.csv`);
    const json = vscode.Uri.joinPath(folder, `history-${Date.now()}.json`);
    try {
      await vscode.commands.executeCommand('hyperguild.exportHistory', { format: 'csv', uri: csv });
      await vscode.commands.executeCommand('hyperguild.exportHistory', { format: 'json', uri: json });
      const rows = Buffer.from(await vscode.workspace.fs.readFile(csv)).toString('utf8').trim().split('\r\n');
      assert.match(rows[0], /^run,startedAt,/);
      assert.ok(rows.some((r) => r.includes('misses the edge case')), 'the escalated attempt is a row');
      const runs = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(json)).toString('utf8')) as RunRecord[];
      assert.ok(runs.some((r) => r.attempts.some((a) => a.feedback === 'misses the edge case')));
    } finally {
      for (const uri of [csv, json]) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    }
  });
});
