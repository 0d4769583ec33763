// The run history in the real editor: every finished run is recorded with what became of its proposal, read back
// newest first through the API; no code unless asked; off when turned off; cleared on request.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/history';
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
