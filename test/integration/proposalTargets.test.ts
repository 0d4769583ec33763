// Which proposal a command acts on, and what keeps a proposal alive, in the real editor: Apply without a
// target never picks a file that is not on screen; a diff tab moved to another group keeps its proposal;
// an Apply that races the user's typing is retried rather than reported as "read-only".
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeReply, isJudge, openWith, proposalTabs, runSkill, select, sleep, suiteWithFake, verdictReply, waitFor } from './support/host';

const SOURCE = 'function total(xs) {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n';
const ANSWER = 'function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}';
const EXPECTED = `${ANSWER}\n`;

type ApplyResult = { applied: boolean; reason?: string };
const apply = () => vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal');

describe('proposals: which one a command means, and what keeps it open', function () {
  this.timeout(30_000);
  suiteWithFake({
    models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(ANSWER)),
  }, ['qwen-7b']);

  /** Opens a document, runs the skill on its first five lines, and leaves the editor active again. */
  async function proposalFor(): Promise<vscode.TextEditor> {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 4);
    assert.equal((await runSkill()).status, 'accepted');
    return vscode.window.showTextDocument(editor.document, editor.viewColumn);
  }

  it('Apply without a target, from a file\'s editor: that file\'s proposal, not the newest one elsewhere', async () => {
    const a = await proposalFor();
    const b = await proposalFor();
    await waitFor(() => proposalTabs().length === 2, 'two proposals');
    await vscode.window.showTextDocument(a.document);
    assert.deepEqual(await apply(), { applied: true });
    assert.equal(a.document.getText(), EXPECTED);
    assert.equal(b.document.getText(), SOURCE, 'the newer proposal, for a file not in the active editor, is untouched');
  });

  it('Apply without a target, with the only proposal on screen in a diff beside an unrelated file: that one', async () => {
    const a = await proposalFor();
    await openWith('// an unrelated file\n');
    assert.deepEqual(await apply(), { applied: true });
    assert.equal(a.document.getText(), EXPECTED);
  });

  it('Apply without a target when no proposal is on screen: it asks, and applies only what was chosen', async () => {
    const a = await proposalFor();
    const b = await proposalFor();
    // Nothing of either proposal on screen: an unrelated file in front in both editor groups.
    const other = await openWith('// an unrelated file\n');
    await vscode.window.showTextDocument(other.document, vscode.ViewColumn.Two);
    await vscode.window.showTextDocument(other.document, vscode.ViewColumn.One);
    const pending = apply();
    await sleep(500); // the quick pick opens
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const dismissed = await pending;
    assert.equal(dismissed.applied, false);
    assert.equal(dismissed.reason, 'No Hyperguild proposal was chosen, so nothing was applied.');
    assert.equal(a.document.getText(), SOURCE);
    assert.equal(b.document.getText(), SOURCE);

    const chosen = apply();
    await sleep(500);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.deepEqual(await chosen, { applied: true });
    assert.equal(b.document.getText(), EXPECTED, 'the first item is the newest proposal');
    assert.equal(a.document.getText(), SOURCE);
  });

  it('moving the diff tab to another editor group keeps the proposal; Apply still works', async () => {
    const editor = await proposalFor();
    await waitFor(() => proposalTabs().length === 1, 'the diff tab');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff)!;
    const from = tab.group.viewColumn;
    assert.ok(from === 1 || from === 2, `the diff opens in the first or second group (${from})`);
    await vscode.commands.executeCommand(from === 1 ? 'workbench.action.focusFirstEditorGroup' : 'workbench.action.focusSecondEditorGroup');
    assert.ok(vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff, 'the diff is the active tab');
    await vscode.commands.executeCommand('moveActiveEditor', { to: from === 1 ? 'right' : 'first', by: 'group' });
    await waitFor(() => vscode.window.tabGroups.all.some((g) => g.viewColumn !== from && g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff)), 'the diff in another group');
    await sleep(600); // longer than the grace a close gets
    assert.equal(proposalTabs().length, 1);
    const result = await vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', proposalTabs()[0].modified);
    assert.deepEqual(result, { applied: true });
    assert.equal(editor.document.getText(), EXPECTED);
  });

  it('closing the diff tab still discards the proposal', async () => {
    const editor = await proposalFor();
    await waitFor(() => proposalTabs().length === 1, 'the diff tab');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff)!;
    await vscode.window.tabGroups.close(tab);
    await vscode.window.showTextDocument(editor.document);
    const result = await apply();
    assert.equal(result.applied, false);
    assert.equal(editor.document.getText(), SOURCE);
  });

  it('the user types elsewhere at the moment of Apply: VS Code\'s version check refuses once, Apply retries and lands', async () => {
    const editor = await proposalFor();
    await vscode.window.showTextDocument(editor.document);
    const typing = editor.edit((b) => b.insert(new vscode.Position(5, 0), '// typed\n'));
    const result = await apply();
    await typing;
    assert.deepEqual(result, { applied: true });
    assert.equal(editor.document.getText(), `${EXPECTED}// typed\n`);
  });
});
