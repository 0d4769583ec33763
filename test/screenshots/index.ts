// Screenshot scenes for the README, run in the real offline host by `npm run screenshots`:
// each scene is set up through the extension's own commands, then the driver shoots the page.
import * as vscode from 'vscode';
import { shoot } from './shoot';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import { codeReply, isJudge, sleep, verdictReply, waitFor } from '../integration/support/host';
import { AVERAGE } from '../demo/server';

const BETTER = AVERAGE;

export async function run(): Promise<void> {
  let failures = 0;
  const fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen2.5-coder-7b' }, { id: 'qwen2.5-coder-32b', loadMs: 800 }], loaded: 'qwen2.5-coder-7b' });
  const config = vscode.workspace.getConfiguration('hyperguild');
  try {
    await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate();
    // The 7b answer parses but names a variable that does not exist: the diagnostics gate stops it before any judge,
    // with TypeScript's own words; the 32b one is checked, judged and passes.
    fake.responder = (r) => {
      const body = r.body as { model: string };
      if (isJudge(r)) {
        return body.model === 'qwen2.5-coder-7b'
          ? verdictReply('escalate', 'the empty-array case now divides by zero')
          : verdictReply('accept', 'same behaviour, clearer, typed');
      }
      return body.model === 'qwen2.5-coder-7b'
        ? codeReply('export function average(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0) / value.length;\n}', 2)
        : codeReply(BETTER, 2);
    };
    await config.update('statusBarPollSeconds', 0.5, vscode.ConfigurationTarget.Workspace);
    await config.update('chain', ['qwen2.5-coder-7b', 'qwen2.5-coder-32b', 'claude-sonnet-5-5'], vscode.ConfigurationTarget.Workspace);
    await config.update('llamaSwapUrl', fake.url, vscode.ConfigurationTarget.Workspace);

    const folder = vscode.workspace.workspaceFolders![0].uri;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'src/math.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    const start = doc.getText().split('\n').findIndex((l) => l.startsWith('export function average'));
    editor.selection = new vscode.Selection(start, 0, start + 6, 1);
    await vscode.commands.executeCommand('hyperguild.runSkill', { skill: 'refactor' });
    // The diff opens beside without taking focus; its group shows Apply/Discard once focused.
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await shoot('diff');
    await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');

    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('hyperguild.showLog');
    // The whole run's lines, the escalation's feedback included: the panel maximized for the shot.
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    await shoot('log');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await shoot('status-bar', 48);

    // The live draft: the 32b's code arriving line by line beside the editor, before it is verified.
    await vscode.commands.executeCommand('hyperguild.discardProposal');
    fake.responder = (r) => (isJudge(r) ? verdictReply('accept', 'same behaviour, clearer, typed') : codeReply(BETTER, 250));
    await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(start, 0, start + 6, 1);
    const drafting = vscode.commands.executeCommand('hyperguild.runSkill', { skill: 'refactor' });
    const draftDoc = () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'hyperguild-draft' && d.getText().includes('values.length === 0'));
    await vscode.commands.executeCommand('notifications.clearAll');
    await waitFor(() => draftDoc() !== undefined, 'the draft with its first lines', 15_000);
    await shoot('draft');
    await drafting;

    // An edited proposal: the user changed the proposed code in the diff before applying it.
    const right = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'hyperguild-proposal')!;
    const line = right.getText().split('\n').findIndex((l) => l.includes('values.length === 0'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(right.uri, new vscode.Position(line, 0), '  // Callers treat the average of nothing as 0.\n');
    await vscode.workspace.applyEdit(edit);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await shoot('edited-proposal');
    await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');

    // The escalation report over a history made by real runs: the 7b answer accepted in some, escalated (its
    // judge, or its syntax) in others; proposals discarded or left open.
    await vscode.commands.executeCommand('hyperguild.discardProposal');
    let k = 0;
    fake.responder = (r) => {
      const body = r.body as { model: string };
      if (isJudge(r)) return verdictReply(body.model === 'qwen2.5-coder-7b' && k % 3 !== 0 ? 'escalate' : 'accept', 'checked');
      return body.model === 'qwen2.5-coder-7b' && k % 4 === 1 ? codeReply('export function average(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0;\n}') : codeReply(BETTER);
    };
    for (k = 0; k < 14; k++) {
      await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(start, 0, start + 6, 1);
      await vscode.commands.executeCommand('hyperguild.runSkill', { skill: 'refactor' });
      await vscode.commands.executeCommand('hyperguild.discardProposal');
    }
    await sleep(500);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('hyperguild.showReport');
    await shoot('report');
  } catch (err) {
    failures = 1;
    console.log(`screenshot scenes failed: ${err instanceof Error ? err.stack : String(err)}`);
  } finally {
    for (const key of ['statusBarPollSeconds', 'chain', 'llamaSwapUrl']) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await fake.close();
  }
  console.log(`TESTS_DONE failures=${failures}`);
  if (failures) throw new Error('screenshot scenes failed');
}
