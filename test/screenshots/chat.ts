// The chat scenes for the README, in the current VS Code (`npm run screenshots:chat`): @hyperguild answering in the
// chat view, and the cascade in the chat's model picker.
import * as vscode from 'vscode';
import { shoot } from './shoot';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import { codeReply, isJudge, verdictReply, waitFor } from '../integration/support/host';
import { AVERAGE } from '../demo/server';

export async function run(): Promise<void> {
  let failures = 0;
  const fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen2.5-coder-7b' }, { id: 'qwen2.5-coder-32b', loadMs: 800 }], loaded: 'qwen2.5-coder-7b' });
  const config = vscode.workspace.getConfiguration('hyperguild');
  try {
    await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate();
    fake.responder = (r) => {
      const body = r.body as { model: string };
      if (isJudge(r)) return body.model === 'qwen2.5-coder-7b' ? verdictReply('escalate', 'the empty-array case now divides by zero') : verdictReply('accept', 'same behaviour, clearer, typed');
      return codeReply(body.model === 'qwen2.5-coder-7b' ? 'export function average(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0) / values.length;\n}' : AVERAGE, 2);
    };
    await config.update('chain', ['qwen2.5-coder-7b', 'qwen2.5-coder-32b', 'claude-sonnet-5-5'], vscode.ConfigurationTarget.Workspace);
    await config.update('llamaSwapUrl', fake.url, vscode.ConfigurationTarget.Workspace);
    await config.update('showDraft', false, vscode.ConfigurationTarget.Workspace);

    const folder = vscode.workspace.workspaceFolders![0].uri;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'src/math.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    const start = doc.getText().split('\n').findIndex((l) => l.startsWith('export function average'));
    editor.selection = new vscode.Selection(start, 0, start + 6, 1);
    // The chat needs a model before it hands a request to a participant: the cascade, chosen in its picker.
    const [cascade] = await vscode.lm.selectChatModels({ vendor: 'hyperguild' });
    // Ask mode: agent mode offers only models that call tools.
    await vscode.commands.executeCommand('workbench.action.chat.open', { mode: 'ask' });
    await vscode.commands.executeCommand('workbench.action.chat.changeModel', { vendor: cascade.vendor, id: cascade.id.replace(/^hyperguild\//, ''), family: cascade.family });
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    // A wider chat: the editor gives up room (the view-width commands act on the focused part).
    await vscode.window.showTextDocument(doc);
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@hyperguild /refactor', isPartialQuery: false, mode: 'ask' });
    await waitFor(() => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'hyperguild-proposal')), 'the proposal from the chat', 30_000);
    await vscode.commands.executeCommand('notifications.clearAll');
    await shoot('chat', undefined, 1500);
  } catch (err) {
    failures = 1;
    console.log(`screenshot scenes failed: ${err instanceof Error ? err.stack : String(err)}`);
  } finally {
    for (const key of ['chain', 'llamaSwapUrl', 'showDraft']) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await fake.close();
  }
  console.log(`TESTS_DONE failures=${failures}`);
  if (failures) throw new Error('screenshot scenes failed');
}
