// "Get started with Hyperguild" in the real editor: the walkthrough opens from the palette, and each step's
// completion event fires on the real thing (a server answered, a chain was set, a key is there, a run finished).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeReply, isJudge, logSince, runSkill, suiteWithFake, verdictReply, waitFor } from './support/host';

describe('walkthrough: get started with Hyperguild', function () {
  this.timeout(30_000);
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply('export function average(values: number[]): number {\n  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;\n}')),
  }, ['qwen-7b']);
  const savedKey = process.env.ANTHROPIC_API_KEY;
  after(() => {
    if (savedKey === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = savedKey;
  });

  const done = (event: string) => suite.log().logLines.some((l) => l.endsWith(`walkthrough: ${event}`));

  it('Hyperguild: Get Started opens the walkthrough', async () => {
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('hyperguild.getStarted');
    // The page is VS Code's own getting-started editor. Which walkthrough it shows depends on when VS Code has
    // registered ours (after its experiment service answers, up to 5 s after start): in this suite's host it may
    // still show VS Code's; `npm run screenshots` shows ours (media/walkthrough.png).
    await waitFor(() => labels().some((l) => /^(Walkthrough: |Welcome$)/.test(l)), `the getting-started page (${labels().join(', ')})`);
  });

  it('each step completes on its event: a server answered, a chain was set, a key is there, a run finished', async () => {
    await suite.settings.set('statusBarPollSeconds', 0.2);
    await waitFor(() => done('serverAnswered'), 'a server answered (the status bar\'s poll)');
    assert.ok(done('chainSet'), 'the suite set a valid chain');

    process.env.ANTHROPIC_API_KEY = 'sk-ant-walkthrough-test';
    await vscode.commands.executeCommand('hyperguild.checkSetup');
    await waitFor(() => done('keyStored'), 'a key is there');

    const mark = suite.log().logLines.length;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('hyperguild.openSample');
    assert.equal(editor.document.languageId, 'typescript');
    assert.equal(editor.document.getText(editor.selection).split('\n')[0], 'export function average(values: number[]): number {', 'the sample\'s function is selected');
    const report = await runSkill({ skill: 'refactor' });
    assert.equal(report.status, 'accepted', report.message);
    await waitFor(() => done('ranSkill'), 'a run finished');
    assert.ok(logSince(suite.log(), mark).some((l) => l.includes('✔ accepted')));
  });
});
