// A skill run end to end in the real editor: command → fake llama-swap → diff tab → apply / discard.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import { Settings, closeAll, codeReply, isJudge, openWith, proposalTabs, runSkill, select, sleep, verdictReply, waitFor } from './support/host';

const SOURCE = [
  'export class Stats {',
  '  mean(xs: number[]) {',
  '    let t = 0;',
  '    for (let i = 0; i < xs.length; i++) t = t + xs[i];',
  '    return t / xs.length;',
  '  }',
  '}',
  '',
].join('\n');
// The model answers without indentation; the proposal must keep the selection's.
const ANSWER = 'mean(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0) / xs.length;\n}';
const PROPOSED = '  mean(xs: number[]): number {\n    return xs.reduce((a, b) => a + b, 0) / xs.length;\n  }';
const EXPECTED = SOURCE.replace(SOURCE.split('\n').slice(1, 6).join('\n'), PROPOSED);

describe('run a skill in the editor', function () {
  this.timeout(30_000);
  let fake: FakeLlamaSwap;
  const settings = new Settings();
  let chunkDelayMs = 0;

  before(async () => {
    await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate();
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    fake.responder = (r) => (isJudge(r) ? verdictReply('accept', 'correct and simpler') : codeReply(ANSWER, chunkDelayMs));
    await settings.set('llamaSwapUrl', fake.url);
    await settings.set('chain', ['qwen-7b']);
  });

  afterEach(async () => {
    chunkDelayMs = 0;
    await closeAll();
  });

  after(async () => {
    await settings.restore();
    await fake?.close();
  });

  const run = runSkill;

  it('opens the diff of the document against the proposal, titled with skill and model', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const report = await run();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: 'qwen-7b', tierIndex: 0 });
    assert.equal(report.attempts.length, 1);
    assert.equal(report.attempts[0].verdict, 'accept');
    assert.equal(report.attempts[0].tier, 'local');
    assert.equal(report.proposal?.proposed, PROPOSED);
    assert.equal(report.proposal?.original, SOURCE.split('\n').slice(1, 6).join('\n'));

    await waitFor(() => proposalTabs().length === 1, 'a proposal diff tab');
    const [diff] = proposalTabs();
    assert.equal(diff.original.toString(), editor.document.uri.toString());
    const right = await vscode.workspace.openTextDocument(diff.modified);
    assert.equal(right.getText(), EXPECTED);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input === diff)!;
    assert.match(tab.label, /Refactor by qwen-7b/);
    assert.equal(editor.document.getText(), SOURCE, 'nothing changes before Apply');
    // The generation request carried no response_format; the judge's did.
    const chats = fake.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chats.filter((r) => !isJudge(r)).length, 1);
    assert.equal(chats.filter(isJudge).length, 1);
  });

  it('applies the exact text with one edit that a single undo reverts, without saving', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    assert.equal((await run()).status, 'accepted');
    const result = (await vscode.commands.executeCommand('hyperguild.applyProposal')) as { applied: boolean };
    assert.deepEqual(result, { applied: true });
    assert.equal(editor.document.getText(), EXPECTED);
    assert.equal(editor.document.isDirty, true, 'apply never saves');
    await waitFor(() => proposalTabs().length === 0, 'the diff closes after apply');

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), SOURCE, 'one undo restores the original');

    const again = (await vscode.commands.executeCommand('hyperguild.applyProposal')) as { applied: boolean; reason?: string };
    assert.equal(again.applied, false, 'a proposal applies once');
    assert.equal(editor.document.getText(), SOURCE);
  });

  it('discard leaves the document untouched and closes the diff', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const version = editor.document.version;
    assert.equal((await run()).status, 'accepted');
    await waitFor(() => proposalTabs().length === 1, 'a proposal diff tab');
    await vscode.commands.executeCommand('hyperguild.discardProposal');
    await waitFor(() => proposalTabs().length === 0, 'the diff closes');
    assert.equal(editor.document.getText(), SOURCE);
    assert.equal(editor.document.version, version, 'not a single edit');
    const again = (await vscode.commands.executeCommand('hyperguild.applyProposal')) as { applied: boolean };
    assert.equal(again.applied, false, 'a discarded proposal cannot be applied');
  });

  it('never overwrites an edit the user made to the selection during the run', async () => {
    chunkDelayMs = 15;
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const pending = run();
    await waitFor(() => fake.requests.some((r) => r.firstChunkAt !== undefined && !r.closedAt), 'the answer streaming');
    await editor.edit((b) => b.insert(new vscode.Position(2, 4), '/* mine */ '));
    const mine = editor.document.getText();
    assert.equal((await pending).status, 'accepted');
    const result = (await vscode.commands.executeCommand('hyperguild.applyProposal')) as { applied: boolean; reason?: string };
    assert.equal(result.applied, false);
    assert.match(result.reason ?? '', /changed since the run started/);
    assert.equal(editor.document.getText(), mine, 'the user\'s text is intact');
    assert.equal(proposalTabs().length, 1, 'the proposal stays open');
  });

  it('re-anchors when the user edits elsewhere during the run', async () => {
    chunkDelayMs = 15;
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const pending = run();
    await waitFor(() => fake.requests.some((r) => r.firstChunkAt !== undefined && !r.closedAt), 'the answer streaming');
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// header\n'));
    assert.equal((await pending).status, 'accepted');
    const result = (await vscode.commands.executeCommand('hyperguild.applyProposal')) as { applied: boolean };
    assert.equal(result.applied, true);
    assert.equal(editor.document.getText(), `// header\n${EXPECTED}`);
  });

  it('cancel mid-stream stops the run at once and leaves no proposal', async () => {
    chunkDelayMs = 200;
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const before = fake.requests.length;
    const pending = run();
    await waitFor(() => fake.requests.slice(before).some((r) => r.firstChunkAt !== undefined), 'the answer streaming');
    const t0 = Date.now();
    await vscode.commands.executeCommand('hyperguild.cancel');
    const report = await pending;
    assert.equal(report.status, 'cancelled');
    assert.ok(Date.now() - t0 < 1000, 'cancel is prompt');
    await waitFor(() => fake.requests.slice(before).every((r) => r.closedAt !== undefined), 'the connection closed');
    await sleep(100);
    assert.equal(proposalTabs().length, 0);
    assert.equal(report.proposal, undefined);
    assert.equal(editor.document.getText(), SOURCE);
  });

  it('reports an invalid chain setting in one sentence naming it', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    await settings.set('chain', ['qwen-7b', { backend: 'ollama' }]);
    const chats = fake.count('/v1/chat/completions');
    try {
      const report = await run();
      assert.equal(report.status, 'failed');
      assert.match(report.message ?? '', /^hyperguild\.chain entry 2 .*no "model" field\.$/);
      assert.equal(fake.count('/v1/chat/completions'), chats, 'nothing is sent');
    } finally {
      await settings.set('chain', ['qwen-7b']);
    }
  });

  it('rejects an unknown skill with a message that lists the skills', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const report = await run({ skill: 'nope' });
    assert.equal(report.status, 'failed');
    assert.match(report.message ?? '', /no skill "nope".*refactor/);
  });
});
