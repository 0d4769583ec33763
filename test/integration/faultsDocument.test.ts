// Fault matrix, document rows (docs/reliability.md), in the real editor: the document edited, closed, saved
// and reverted, or its selection deleted during a run; two runs on one document at once; Apply twice at
// once; and a window reload with a proposal open (simulated, see the test).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { ProposalManager, PROPOSAL_SCHEME } from '../../src/editor/review/proposals';
import { ProposalFiles } from '../../src/editor/review/proposalFiles';
import { rightSideUri } from '../../src/editor/review/schemes';
import type { RunReport } from '../../src/core/engine/report';
import { FakeLlamaSwap, type RecordedRequest } from '../fakes/fakeLlamaSwap';
import {
  Settings, activateForTest, closeAll, codeReply, isJudge, logSince, openWith, proposalTabs, runSkill, select, verdictReply, waitFor,
} from './support/host';

const SOURCE = [
  'export class Stats {',
  '  mean(xs: number[]) {',
  '    let t = 0;',
  '    for (let i = 0; i < xs.length; i++) t = t + xs[i];',
  '    return t / xs.length;',
  '  }',
  '  max(xs: number[]) {',
  '    let m = -Infinity;',
  '    for (const x of xs) if (x > m) m = x;',
  '    return m;',
  '  }',
  '}',
  '',
].join('\n');
const MEAN = SOURCE.split('\n').slice(1, 6).join('\n');
const MAX = SOURCE.split('\n').slice(6, 11).join('\n');
const MEAN_ANSWER = 'mean(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0) / xs.length;\n}';
const MAX_ANSWER = 'max(xs: number[]): number {\n  return Math.max(...xs);\n}';
const TYPED_ANSWER = 'function typedLater(a: number): number {\n  return a;\n}';
const MEAN_PROPOSED = '  mean(xs: number[]): number {\n    return xs.reduce((a, b) => a + b, 0) / xs.length;\n  }';
const MAX_PROPOSED = '  max(xs: number[]): number {\n    return Math.max(...xs);\n  }';

/** The selection a generation request carries. */
function selectionOf(r: RecordedRequest): string {
  const messages = (r.body as { messages?: { content: string }[] }).messages ?? [];
  const user = messages[messages.length - 1]?.content ?? '';
  return /<<<BEGIN SELECTION>>>\n([\s\S]*?)\n<<<END SELECTION>>>/.exec(user)?.[1] ?? '';
}

const generations = (fake: FakeLlamaSwap, from: number) => fake.requests.slice(from).filter((r) => r.path === '/v1/chat/completions' && !isJudge(r));

type ApplyResult = { applied: boolean; reason?: string };
const apply = (target?: vscode.Uri) => vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', target);

describe('faults: the document during and after a run', function () {
  this.timeout(30_000);
  const settings = new Settings();
  let log: { logLines: readonly string[] };
  let fake: FakeLlamaSwap;
  const files: vscode.Uri[] = [];
  // While held, generation requests are received but not answered until release(): the test's edit then
  // lands during the run for certain, not by timing.
  let gate: Promise<void> = Promise.resolve();
  let release: () => void = () => undefined;

  before(async () => {
    log = await activateForTest();
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    fake.responder = async (r) => {
      if (isJudge(r)) return verdictReply('accept', 'correct');
      await gate;
      const selection = selectionOf(r);
      // An answer of the selection's own kind: the syntax gate refuses a class method in place of a function.
      return codeReply(selection.includes('max(') ? MAX_ANSWER : selection.includes('typedLater') ? TYPED_ANSWER : MEAN_ANSWER);
    };
    await settings.set('llamaSwapUrl', fake.url);
    await settings.set('chain', ['qwen-7b']);
  });

  afterEach(async () => {
    release();
    await closeAll();
    for (const uri of files.splice(0)) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  after(async () => {
    await settings.restore();
    await fake?.close();
  });

  /** A file in the test workspace (so it has a disk state to save and revert to). */
  async function fileWith(content: string): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the host opens a workspace folder');
    const uri = vscode.Uri.joinPath(folder, `faults-${Date.now()}-${files.length}.ts`);
    files.push(uri);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(content));
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  }

  const onDisk = async (uri: vscode.Uri) => Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');

  /** Holds the answers to generation requests until release(). */
  function hold(): void {
    gate = new Promise((resolve) => (release = resolve));
  }

  /**
   * Starts a run whose generation request is held; resolves once llama-swap has received it. The run's
   * promise is wrapped: an async function returning it bare would wait for the run itself.
   */
  async function startHeld(args: object = { skill: 'refactor' }): Promise<{ pending: Promise<RunReport> }> {
    hold();
    const from = fake.requests.length;
    const pending = runSkill(args);
    await waitFor(() => generations(fake, from).length === 1, 'the generation request');
    return { pending };
  }

  async function rightSide(): Promise<vscode.TextDocument> {
    await waitFor(() => proposalTabs().length === 1, 'one proposal diff tab');
    return vscode.workspace.openTextDocument(proposalTabs()[0].modified);
  }

  it('edited inside the selection during the run: the diff shows the user\'s edit against the proposal, Apply refuses', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const { pending } = await startHeld();
    await editor.edit((b) => b.insert(new vscode.Position(2, 4), '/* mine */ '));
    const mine = editor.document.getText();
    release();
    const report = await pending;
    assert.equal(report.status, 'accepted', report.message);
    const right = await rightSide();
    assert.equal(right.getText(), mine.replace(MEAN.replace('let t', '/* mine */ let t'), MEAN_PROPOSED), 'the edited region, not a guess, is what the proposal replaces');
    const result = await apply();
    assert.equal(result.applied, false);
    assert.match(result.reason ?? '', /^The selected code in .* was changed since the run started, so the proposal was not applied; run the skill again\.$/);
    assert.equal(editor.document.getText(), mine);
  });

  it('two identical copies, the selected one edited during the run: Apply refuses and the other copy is untouched', async () => {
    const twin = `export class Twin {\n${MEAN}\n}\n`;
    const editor = await openWith(`${twin}\n${twin}`);
    select(editor, 1, 5);
    const { pending } = await startHeld();
    await editor.edit((b) => b.insert(new vscode.Position(2, 4), '/* mine */ '));
    const mine = editor.document.getText();
    release();
    assert.equal((await pending).status, 'accepted');
    await rightSide();
    const result = await apply();
    assert.equal(result.applied, false, 'the second, identical copy must never be taken for the edited first one');
    assert.match(result.reason ?? '', /was changed since the run started/);
    assert.equal(editor.document.getText(), mine, 'neither copy changed');
  });

  it('edited above the selection during the run and after the diff opened: the diff follows, Apply replaces exactly the selection', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const { pending } = await startHeld();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// during\n'));
    release();
    assert.equal((await pending).status, 'accepted');
    const right = await rightSide();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// after\n'));
    const expected = `// after\n// during\n${SOURCE.replace(MEAN, MEAN_PROPOSED)}`;
    await waitFor(() => right.getText() === expected, 'the right side follows the edit made after it opened');
    assert.deepEqual(await apply(), { applied: true });
    assert.equal(editor.document.getText(), expected);
  });

  it('closed during the run (an untitled document): the answer is dropped with one sentence, nothing is conjured back', async () => {
    const editor = await openWith(SOURCE);
    const uri = editor.document.uri.toString();
    select(editor, 1, 5);
    const { pending } = await startHeld();
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    assert.ok(editor.document.isClosed, 'closed while the run waits for its answer');
    const mark = log.logLines.length;
    release();
    const report = await pending;
    assert.equal(report.status, 'failed');
    assert.equal(report.message, 'The document was closed while "Refactor" ran, so the answer by qwen-7b was dropped; run the skill again.');
    assert.equal(report.proposal, undefined);
    assert.ok(logSince(log, mark).includes(`[warn] ${report.message}`), 'the warning shown to the user');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(proposalTabs().length, 0);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri && !d.isClosed), 'the closed document was not opened again');
  });

  it('closed during the run (a file): the proposal opens against the file; Apply edits it without saving', async () => {
    const editor = await fileWith(SOURCE);
    const uri = editor.document.uri;
    select(editor, 1, 5);
    const { pending } = await startHeld();
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    release();
    const report = await pending;
    assert.equal(report.status, 'accepted', report.message);
    const right = await rightSide();
    assert.equal(right.getText(), SOURCE.replace(MEAN, MEAN_PROPOSED));
    assert.deepEqual(await apply(), { applied: true });
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(), SOURCE.replace(MEAN, MEAN_PROPOSED));
    assert.equal(await onDisk(uri), SOURCE, 'apply never saves');
  });

  it('saved and reverted during the run: the proposal follows the text and applies exactly; the disk keeps what was saved', async () => {
    const editor = await fileWith(SOURCE);
    const doc = editor.document;
    select(editor, 1, 5);
    const { pending } = await startHeld();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// saved header\n'));
    assert.ok(await doc.save(), 'saved');
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// unsaved, then reverted\n'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.getText(), `// saved header\n${SOURCE}`);
    release();
    const report = await pending;
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(await apply(), { applied: true });
    assert.equal(doc.getText(), `// saved header\n${SOURCE.replace(MEAN, MEAN_PROPOSED)}`);
    assert.equal(await onDisk(doc.uri), `// saved header\n${SOURCE}`);
  });

  it('reverted during the run to a state without the selected text: Apply refuses, the file is as on disk', async () => {
    const editor = await fileWith(SOURCE);
    const doc = editor.document;
    await editor.edit((b) => b.insert(new vscode.Position(11, 1), '\nfunction typedLater(a) {\n  return a;\n}'));
    select(editor, 12, 14);
    const { pending } = await startHeld({ skill: 'add-types' });
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.getText(), SOURCE);
    release();
    const report = await pending;
    assert.equal(report.status, 'accepted', report.message);
    const result = await apply();
    assert.equal(result.applied, false);
    assert.match(result.reason ?? '', /^The selected code in faults-.*\.ts was changed since the run started, so the proposal was not applied; run the skill again\.$/);
    assert.equal(doc.getText(), SOURCE);
    assert.equal(doc.isDirty, false);
  });

  it('the selection deleted during the run: the diff shows the proposal where it was, Apply refuses, the user\'s text stays', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const { pending } = await startHeld();
    await editor.edit((b) => b.delete(new vscode.Range(1, 0, 6, 0)));
    const mine = editor.document.getText();
    const version = editor.document.version;
    release();
    const report = await pending;
    assert.equal(report.status, 'accepted', report.message);
    const right = await rightSide();
    assert.equal(right.getText(), `export class Stats {\n${MEAN_PROPOSED}${mine.slice('export class Stats {\n'.length)}`, 'the rest of the document as the user left it');
    const result = await apply();
    assert.equal(result.applied, false);
    assert.match(result.reason ?? '', /was changed since the run started/);
    assert.equal(editor.document.getText(), mine);
    assert.equal(editor.document.version, version, 'not a single edit');
    assert.equal(proposalTabs().length, 1, 'the proposal stays for review');
  });

  it('two runs on the same document at once: two proposals; each applies to its own text, the second diff follows the first', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const from = fake.requests.length;
    const { pending: first } = await startHeld();
    select(editor, 6, 10);
    const second = runSkill();
    await waitFor(() => generations(fake, from).length === 2, 'the second run\'s request while the first waits');
    const [meanReq, maxReq] = generations(fake, from);
    assert.equal(selectionOf(meanReq), MEAN);
    assert.equal(selectionOf(maxReq), MAX);
    release();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.status, 'accepted', a.message);
    assert.equal(b.status, 'accepted', b.message);
    assert.equal(editor.document.getText(), SOURCE, 'nothing changes before Apply');

    await waitFor(() => proposalTabs().length === 2, 'two proposal tabs');
    const rights = await Promise.all(proposalTabs().map((t) => vscode.workspace.openTextDocument(t.modified)));
    const meanTab = rights.find((d) => d.getText().includes(MEAN_PROPOSED))!;
    const maxTab = rights.find((d) => d.getText().includes(MAX_PROPOSED))!;
    assert.deepEqual(await apply(meanTab.uri), { applied: true });
    const both = SOURCE.replace(MEAN, MEAN_PROPOSED).replace(MAX, MAX_PROPOSED);
    await waitFor(() => maxTab.getText() === both, 'the second diff shows only its own change once the first is applied');
    assert.deepEqual(await apply(maxTab.uri), { applied: true });
    assert.equal(editor.document.getText(), both);
  });

  it('two runs on the same selection: the first Apply wins, the second refuses and changes nothing', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    const from = fake.requests.length;
    const { pending: first } = await startHeld();
    const second = runSkill();
    await waitFor(() => generations(fake, from).length === 2, 'both requests in flight');
    release();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.status, 'accepted');
    assert.equal(b.status, 'accepted');
    await waitFor(() => proposalTabs().length === 2, 'two proposal tabs');
    const [one, two] = proposalTabs().map((t) => t.modified);
    assert.deepEqual(await apply(one), { applied: true });
    const after = editor.document.getText();
    assert.equal(after, SOURCE.replace(MEAN, MEAN_PROPOSED));
    const again = await apply(two);
    assert.equal(again.applied, false);
    assert.match(again.reason ?? '', /was changed since the run started/);
    assert.equal(editor.document.getText(), after);
  });

  it('Apply twice at once (a double click, the button and the notification): applied once, one undo restores', async () => {
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    assert.equal((await runSkill()).status, 'accepted');
    const [tab] = await Promise.all([rightSide()]);
    const results = await Promise.all([apply(tab.uri), apply(tab.uri), apply()]);
    assert.equal(results.filter((r) => r.applied).length, 1, JSON.stringify(results));
    assert.equal(editor.document.getText(), SOURCE.replace(MEAN, MEAN_PROPOSED), 'no double or half application');
    assert.equal((await apply()).applied, false, 'and not again later');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), SOURCE, 'a single edit');
  });

  it('a window reload with a proposal open (simulated): a fresh ProposalManager closes the orphaned diff; nothing is left', async () => {
    // A real reload cannot run inside the suite. What survives a reload is the diff tab (VS Code restores
    // it); the proposals map, anchors and context key do not. A second ProposalManager, built the way
    // activate() builds one, has an empty map: exactly what the reloaded window's manager sees.
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    assert.equal((await runSkill()).status, 'accepted');
    await rightSide();
    const fresh = new ProposalManager({ info: () => undefined, warn: () => undefined } as unknown as vscode.LogOutputChannel, new ProposalFiles());
    try {
      await waitFor(() => proposalTabs().length === 0, 'the orphaned proposal tab closed');
    } finally {
      fresh.dispose();
    }
    // The old window's proposal cannot be applied afterwards, and the document was never touched.
    const result = await apply();
    assert.equal(result.applied, false);
    assert.equal(editor.document.getText(), SOURCE);
    // A restored diff shows this, never stale code, until the orphan is closed.
    const stale = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: '/stats.ts', query: 'id=999' }));
    assert.equal(stale.getText(), '// This Hyperguild proposal is no longer open.\n');
  });

  it('a window reload (simulated): a proposal opened after it never takes the id of one from before', async () => {
    // Each window builds its own ProposalManager (activate() does): the one built here after the first is the reloaded window's.
    const quiet = { info: () => undefined, warn: () => undefined } as unknown as vscode.LogOutputChannel;
    const a = await openWith(SOURCE);
    const b = await openWith(SOURCE.replace('Stats', 'Other'));
    const mean = (d: vscode.TextDocument) => new vscode.Range(1, 0, 5, d.lineAt(5).text.length);
    const ids: string[] = [];
    for (const editor of [a, b]) {
      const manager = new ProposalManager(quiet, new ProposalFiles());
      try {
        const proposal = await manager.open(manager.track(editor.document, mean(editor.document)), MEAN_PROPOSED, 'Refactor by qwen-7b');
        ids.push(proposal.id);
        await manager.discard(proposal.id);
      } finally {
        manager.dispose();
      }
    }
    assert.notEqual(ids[1], ids[0], 'the id of a proposal from before the reload names no proposal after it');
  });

  it('a window reload (simulated): a restored tab of another document with a new proposal\'s id neither reads nor overwrites that proposal', async () => {
    // A tab restored from before the reload carries an id of the old window, on its own document.
    const a = await openWith(SOURCE);
    const b = await openWith(SOURCE.replace('Stats', 'Other'));
    const files = new ProposalFiles();
    try {
      const current = rightSideUri(PROPOSAL_SCHEME, b.document.uri, 'id=7');
      const restored = rightSideUri(PROPOSAL_SCHEME, a.document.uri, 'id=7');
      files.set(current, 'the new proposal\n');
      assert.equal(new TextDecoder().decode(files.readFile(restored)), '// This Hyperguild proposal is no longer open.\n');
      files.writeFile(restored, new TextEncoder().encode('an edit saved from before the reload\n'));
      assert.equal(files.text(current), 'the new proposal\n', 'saving the restored tab did not overwrite the new proposal');
      assert.equal(files.text(restored), undefined);
    } finally {
      files.dispose();
    }
  });

  it('a window reload with an edited proposal (simulated): the orphan closes without a "save changes?" and the document is untouched', async () => {
    // The proposal lived in memory; VS Code may restore its tab with the unsaved edit. Nothing can take it back.
    const editor = await openWith(SOURCE);
    select(editor, 1, 5);
    assert.equal((await runSkill()).status, 'accepted');
    const right = await rightSide();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(right.uri, new vscode.Position(0, 0), '// my edit\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(right.isDirty);
    const fresh = new ProposalManager({ info: () => undefined, warn: () => undefined } as unknown as vscode.LogOutputChannel, new ProposalFiles());
    try {
      await waitFor(() => proposalTabs().length === 0, 'the orphaned, edited proposal tab closed with no dialog in the way');
    } finally {
      fresh.dispose();
      await vscode.commands.executeCommand('notifications.clearAll');
    }
    assert.equal(right.isDirty, false);
    assert.equal(editor.document.getText(), SOURCE);
  });
});
