// Reviewing like a person: the draft streams into the diff before it is verified, the proposal is editable,
// and some of its changes can be applied while the rest stay.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/core/engine/report';
import { activateForTest, codeReply, draftTabs, lastUserMessage, logSince, isJudge, openWith, proposalTabs, runSkill, select, sleep, suiteWithFake, verdictReply, waitFor } from './support/host';

type HunksResult = { applied: boolean; remaining: number; reason?: string };
type ApplyResult = { applied: boolean; reason?: string };

const SOURCE = 'function stats(xs) {\n  let total = 0;\n  for (const x of xs) total += x;\n  const mean = total / xs.length;\n  return { total, mean };\n}\n';
// Two separate changes: line 1 and line 4.
const TWO = 'function stats(xs) {\n  const total = xs.reduce((a, b) => a + b, 0);\n  for (const x of xs) total += x;\n  const mean = total / xs.length;\n  return { total, mean: Number(mean.toFixed(2)) };\n}';
const LONG = Array.from({ length: 30 }, (_, i) => `  const v${i} = ${i};`).join('\n');
const SLOW = `function stats(xs) {\n${LONG}\n  return xs;\n}`;

const applyHunks = (arg?: unknown) => vscode.commands.executeCommand<HunksResult>('hyperguild.applyHunks', arg);
const applyProposal = () => vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal');
const rightSide = async () => {
  await waitFor(() => proposalTabs().length === 1, 'one proposal diff');
  return vscode.workspace.openTextDocument(proposalTabs()[0].modified);
};

/** Every draft tab that opened: its label and its column. */
function recordDrafts(): { labels: string[]; columns: (vscode.ViewColumn | undefined)[]; dispose(): void } {
  const labels: string[] = [];
  const columns: (vscode.ViewColumn | undefined)[] = [];
  const sub = vscode.window.tabGroups.onDidChangeTabs((e) => {
    for (const t of e.opened) {
      if (!(t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'hyperguild-draft')) continue;
      labels.push(t.label);
      columns.push(t.group.viewColumn);
    }
  });
  return { labels, columns, dispose: () => sub.dispose() };
}

describe('review: the live draft', function () {
  this.timeout(40_000);
  let judged = 0;
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => {
      if (isJudge(r)) return r.model === 'qwen-7b' && judged++ % 2 === 0 ? verdictReply('escalate', 'the loop is still there') : verdictReply('accept', 'correct');
      return codeReply(r.model === 'qwen-32b' ? TWO : SLOW, 15);
    },
  }, ['qwen-7b', 'qwen-32b']);

  it('streams each tier\'s code into one diff beside the editor: drafting, verifying, escalated, the next draft, then the proposal in its place', async () => {
    judged = 0;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 5);
    const drafts = recordDrafts();
    const updates = new Map<string, number[]>();
    const changes = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme !== 'hyperguild-draft') return;
      const key = e.document.uri.toString();
      updates.set(key, [...(updates.get(key) ?? []), Date.now()]);
    });
    let grew = false;
    const watch = setInterval(() => {
      const tab = draftTabs()[0];
      if (!tab || !(tab.input instanceof vscode.TabInputTextDiff)) return;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === (tab.input as vscode.TabInputTextDiff).modified.toString());
      // Part of the answer is in the draft while it is still being written.
      if (doc && doc.getText().includes('const v3 = 3;') && !doc.getText().includes('return xs;')) grew = true;
    }, 10);
    try {
      const during = runSkill();
      await waitFor(() => draftTabs().length === 1, 'the draft opens while the first tier writes');
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString(), 'the draft does not take the focus');
      const early = await applyProposal();
      assert.equal(early.applied, false, 'a draft cannot be applied');
      const report: RunReport = await during;
      assert.equal(report.status, 'accepted', report.message);
      assert.deepEqual(report.accepted, { model: 'qwen-32b', tierIndex: 1 });
      assert.ok(grew, 'the draft showed part of the code while it streamed');
      const labels = drafts.labels.map((l) => l.replace(/ ↔ .*$/, ''));
      assert.deepEqual(labels, ['drafting · qwen-7b · 1/2', 'verifying… · qwen-7b · 1/2', 'escalated: the loop is still there → next tier', 'drafting · qwen-32b · 2/2', 'verifying… · qwen-32b · 2/2']);
      assert.equal(new Set(drafts.columns).size, 1, 'every draft in one column');
      await waitFor(() => draftTabs().length === 0 && proposalTabs().length === 1, 'the proposal took the draft\'s place').catch((err: unknown) => {
        throw new Error(`${String(err)}; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${g.viewColumn}:${t.label}`)).join(' | ')}`);
      });
      const proposalTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'hyperguild-proposal')!;
      assert.equal(proposalTab.group.viewColumn, drafts.columns[0], 'in the draft\'s column');
      assert.match(proposalTab.label, /^Refactor by qwen-32b/);
      assert.equal(editor.document.getText(), SOURCE, 'nothing was applied');
      // At most one update per 100 ms per draft. VS Code delivers each with some jitter (after a busy moment
      // several arrive close together, so single gaps say little), but it cannot compress the whole: n updates
      // sent 100 ms apart span (n - 1) × 100 ms, less what the first one's delivery lagged (two intervals allowed).
      // Lines arrive about every 50 ms here, so without the throttle there would be about twice as many.
      const spans = [...updates.values()].filter((t) => t.length > 1);
      const gaps = spans.flatMap((t) => t.slice(1).map((at, i) => at - t[i]));
      assert.ok(gaps.length >= 4, 'the draft was updated as lines arrived');
      for (const t of spans) {
        const span = t[t.length - 1] - t[0];
        assert.ok(t.length - 1 <= span / 100 + 2, `${t.length} updates in ${span} ms (gaps: ${gaps.join(', ')})`);
      }
    } finally {
      clearInterval(watch);
      changes.dispose();
      drafts.dispose();
    }
  });

  it('Cancel closes the draft and leaves the document alone', async () => {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 5);
    const during = runSkill();
    await waitFor(() => draftTabs().length === 1, 'a draft');
    await vscode.commands.executeCommand('hyperguild.cancel');
    const report = await during;
    assert.equal(report.status, 'cancelled');
    await waitFor(() => draftTabs().length === 0, 'the draft closed');
    assert.equal(proposalTabs().length, 0);
    assert.equal(editor.document.getText(), SOURCE);
  });

  it('the user closing the draft mid-stream stops the drafts for that run; the proposal still opens', async () => {
    judged = 1; // the first tier is accepted
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 5);
    const during = runSkill();
    await waitFor(() => draftTabs().length === 1, 'a draft');
    await vscode.window.tabGroups.close(draftTabs()[0]);
    const drafts = recordDrafts();
    try {
      assert.equal((await during).status, 'accepted');
      assert.deepEqual(drafts.labels, [], 'no draft reopened');
      await rightSide();
    } finally {
      drafts.dispose();
    }
  });

  it('hyperguild.showDraft off: no draft, only the proposal', async () => {
    await suite.settings.set('showDraft', false);
    const drafts = recordDrafts();
    try {
      judged = 1;
      const editor = await openWith(SOURCE, 'javascript');
      select(editor, 0, 5);
      assert.equal((await runSkill()).status, 'accepted');
      assert.deepEqual(drafts.labels, []);
      await rightSide();
    } finally {
      drafts.dispose();
      await suite.settings.set('showDraft', undefined);
    }
  });
});

describe('review: the live draft of a run that ends without a proposal', function () {
  this.timeout(30_000);
  // Every tier's answer is rejected at once: the run is exhausted a moment after its last draft opened.
  suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-14b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('escalate', 'still wrong') : codeReply(TWO)),
  }, ['qwen-7b', 'qwen-14b', 'qwen-32b']);

  it('no draft remains once the report of an exhausted run is in, and none opens after it', async () => {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 5);
    const drafts = recordDrafts();
    try {
      const report = await runSkill();
      assert.equal(report.status, 'exhausted', report.message);
      assert.ok(drafts.labels.length > 0, 'the run showed drafts');
      const left = draftTabs().map((t) => t.label);
      assert.deepEqual(left, [], 'no draft tab is open when the report is in');
      const seen = drafts.labels.length;
      await sleep(1500);
      assert.deepEqual(drafts.labels.slice(seen), [], 'no draft opened after the report');
      assert.deepEqual(draftTabs().map((t) => t.label), [], 'still no draft tab');
      assert.equal(editor.document.getText(), SOURCE);
    } finally {
      drafts.dispose();
    }
  });
});

describe('review: edit the proposal, take some of its changes', function () {
  this.timeout(30_000);
  suiteWithFake({
    models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(TWO)),
  }, ['qwen-7b']);

  async function proposed(): Promise<{ editor: vscode.TextEditor; right: vscode.TextDocument }> {
    const editor = await openWith(`// header\n${SOURCE}// footer\n`, 'javascript');
    select(editor, 1, 6);
    assert.equal((await runSkill()).status, 'accepted');
    return { editor, right: await rightSide() };
  }

  /** Types into the proposal as a user would: an edit of its editor's document (unsaved). */
  async function editProposal(right: vscode.TextDocument, from: string, to: string): Promise<void> {
    const at = right.getText().indexOf(from);
    assert.ok(at >= 0, `"${from}" is in the proposal`);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(right.uri, new vscode.Range(right.positionAt(at), right.positionAt(at + from.length)), to);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(right.isDirty, 'the proposal is edited, not saved');
  }

  it('the proposal is editable, and Apply applies it as edited; one undo restores the code', async () => {
    const { editor, right } = await proposed();
    const before = editor.document.getText();
    await editProposal(right, 'toFixed(2)', 'toFixed(3)');
    assert.deepEqual(await vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', right.uri), { applied: true });
    assert.equal(editor.document.getText(), `// header\n${TWO.replace('toFixed(2)', 'toFixed(3)')}\n// footer\n`);
    await waitFor(() => proposalTabs().length === 0, 'the diff closed without asking to save');
    assert.equal(editor.document.isDirty, true, 'applied, never saved');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before);
  });

  it('applies only the chosen hunk; the other stays in the proposal; then the one under the cursor; each apply is one undo', async () => {
    const { editor, right } = await proposed();
    const before = editor.document.getText();
    const first = await applyHunks({ hunks: [1] });
    assert.deepEqual(first, { applied: true, remaining: 1 });
    assert.equal(editor.document.getText(), before.replace('mean };', 'mean: Number(mean.toFixed(2)) };'), 'only the second change');
    assert.equal(proposalTabs().length, 1, 'the proposal stays with the rest');

    // The cursor on the remaining change in the proposal's side of the diff.
    const line = right.getText().split('\n').findIndex((l) => l.includes('xs.reduce'));
    const column = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'hyperguild-proposal'))!.viewColumn;
    const inDiff = await vscode.window.showTextDocument(right, { viewColumn: column, preserveFocus: false });
    inDiff.selection = new vscode.Selection(line, 4, line, 4);
    const second = await applyHunks();
    assert.deepEqual(second, { applied: true, remaining: 0 });
    assert.equal(editor.document.getText(), `// header\n${TWO}\n// footer\n`);
    await waitFor(() => proposalTabs().length === 0, 'nothing left: the proposal closed');

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before.replace('mean };', 'mean: Number(mean.toFixed(2)) };'), 'one undo takes back the last apply only');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before);
  });

  it('after undoing a partial apply, the whole proposal still applies', async () => {
    const { editor } = await proposed();
    const before = editor.document.getText();
    assert.deepEqual(await applyHunks({ hunks: [0] }), { applied: true, remaining: 1 });
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before);
    assert.deepEqual(await applyProposal(), { applied: true });
    assert.equal(editor.document.getText(), `// header\n${TWO}\n// footer\n`);
  });

  it('after Apply Selected Changes, text typed and then deleted, or typed and undone, does not come back on the next Apply', async () => {
    const { editor } = await proposed();
    assert.deepEqual(await applyHunks({ hunks: [1] }), { applied: true, remaining: 1 });
    const end = new vscode.Position(editor.document.lineCount - 1, 0);
    // Typed, then deleted by typing: the text is the one our partial apply left, but the edit is the user's.
    await editor.edit((b) => b.insert(end, 'x'));
    await editor.edit((b) => b.delete(new vscode.Range(end, end.translate(0, 1))));
    // Typed, then undone.
    await editor.edit((b) => b.insert(end, 'y'));
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), `// header\n${SOURCE.replace('mean };', 'mean: Number(mean.toFixed(2)) };')}// footer\n`);
    assert.deepEqual(await applyHunks({ hunks: [0] }), { applied: true, remaining: 0 });
    assert.equal(editor.document.getText(), `// header\n${TWO}\n// footer\n`, 'nothing the user deleted came back');
  });

  it('undoing a partial apply after an edit elsewhere (undone first) puts the change back in the proposal', async () => {
    const { editor } = await proposed();
    const before = editor.document.getText();
    assert.deepEqual(await applyHunks({ hunks: [1] }), { applied: true, remaining: 1 });
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// elsewhere\n'));
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before, 'both undone');
    assert.deepEqual(await applyProposal(), { applied: true });
    assert.equal(editor.document.getText(), `// header\n${TWO}\n// footer\n`, 'the whole proposal, and nothing the user undid');
  });

  it('says which hunks exist when asked for one that does not, and where to put the cursor', async () => {
    const { editor } = await proposed();
    const before = editor.document.getText();
    const missing = await applyHunks({ hunks: [5] });
    assert.equal(missing.applied, false);
    assert.equal(missing.remaining, 2);
    assert.equal(missing.reason, 'There is no change 5 in the proposal; it has 2 (numbered 0 to 1).');
    const malformed = await applyHunks({ hunks: 'all' });
    assert.equal(malformed.reason, 'hyperguild.applyHunks takes { hunks: number[] }, the changes\' numbers from 0 in document order.');
    // The cursor in the user's own editor, not in the diff.
    await vscode.window.showTextDocument(editor.document);
    const nowhere = await applyHunks();
    assert.equal(nowhere.applied, false);
    assert.match(nowhere.reason ?? '', /^Put the cursor on a change in the proposal's diff/);
    assert.equal(editor.document.getText(), before);
  });

  it('the user\'s edits elsewhere in the document, made while the proposal is open (and edited), survive Apply', async () => {
    const { editor, right } = await proposed();
    await editProposal(right, 'toFixed(2)', 'toFixed(1)');
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '"use strict";\n'));
    await editor.edit((b) => b.replace(new vscode.Range(8, 0, 8, 9), '// FOOTER'));
    await waitFor(() => right.getText().startsWith('"use strict";\n') && right.getText().includes('// FOOTER'), 'the proposal follows the user\'s edits elsewhere');
    assert.ok(right.getText().includes('toFixed(1)'), 'and keeps the user\'s edit of the proposal');
    assert.deepEqual(await vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', right.uri), { applied: true });
    assert.equal(editor.document.getText(), `"use strict";\n// header\n${TWO.replace('toFixed(2)', 'toFixed(1)')}\n// FOOTER\n`);
  });

  it('an edit of the document in a line the user also changed in the proposal, outside the selection: Apply refuses with the line, nothing changes', async () => {
    const { editor, right } = await proposed();
    await editProposal(right, '// footer', '// footer, edited in the proposal');
    await editor.edit((b) => b.insert(new vscode.Position(7, 3), 'my '));
    const mine = editor.document.getText();
    const result = await vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', right.uri);
    assert.equal(result.applied, false);
    assert.match(result.reason ?? '', /^Your edit at line 8 of Untitled-\d+ is in lines the proposal changes outside the selected code, so Apply would undo it and the proposal was not applied; run the skill again\.$/);
    assert.equal(editor.document.getText(), mine);
  });

  it('an edit inside the selected code makes Apply and Apply Selected Changes refuse, changing nothing', async () => {
    const { editor } = await proposed();
    await editor.edit((b) => b.insert(new vscode.Position(2, 2), '/* mine */ '));
    const mine = editor.document.getText();
    const whole = await applyProposal();
    assert.equal(whole.applied, false);
    assert.match(whole.reason ?? '', /was changed since the run started/);
    const some = await applyHunks({ hunks: [0] });
    assert.equal(some.applied, false);
    assert.equal(editor.document.getText(), mine);
  });

  it('closing the tab of a proposal whose edit was saved asks before the edit is thrown away, and keeps it meanwhile', async () => {
    const log = await activateForTest();
    const { right } = await proposed();
    await editProposal(right, 'toFixed(2)', 'toFixed(5)');
    // What VS Code's own "save changes?" does when the user chooses Save on closing the tab.
    assert.ok(await right.save());
    const mark = log.logLines.length;
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === right.uri.toString())!;
    await vscode.window.tabGroups.close(tab);
    await waitFor(() => logSince(log, mark).some((l) => l.includes('its edits are kept until you choose')), 'the question');
    await sleep(400);
    const kept = new TextDecoder().decode(await vscode.workspace.fs.readFile(right.uri));
    assert.ok(kept.includes('toFixed(5)'), 'the edited proposal is still there while the question is open');
    // Dismissing the question discards it.
    await vscode.commands.executeCommand('notifications.clearAll');
    let now = '';
    for (let i = 0; i < 30 && !/no longer open/.test(now); i++) {
      await sleep(100);
      now = new TextDecoder().decode(await vscode.workspace.fs.readFile(right.uri));
    }
    assert.match(now, /no longer open/, 'discarded once the question was dismissed');
  });

  it('the keyboard flow: Apply, Apply Selected Changes, Discard, Escalate and next / previous change are bound only in a proposal\'s diff', () => {
    const manifest = vscode.extensions.getExtension('hyperguild.hyperguild')!.packageJSON as { contributes: { keybindings: { command: string; when?: string }[] } };
    const bound = manifest.contributes.keybindings.filter((k) => k.command !== 'hyperguild.runSkill');
    assert.deepEqual(bound.map((k) => k.command).sort(), [
      'hyperguild.applyHunks', 'hyperguild.applyProposal', 'hyperguild.discardProposal', 'hyperguild.escalateProposal',
      'workbench.action.compareEditor.nextChange', 'workbench.action.compareEditor.previousChange',
    ]);
    for (const k of bound) assert.match(k.when ?? '', /^hyperguild\.proposalFocused && editorTextFocus$/, k.command);
  });

  it('Discard of an edited proposal closes it without a save prompt and leaves the document as it was', async () => {
    const { editor, right } = await proposed();
    const before = editor.document.getText();
    await editProposal(right, 'toFixed(2)', 'toFixed(9)');
    await vscode.commands.executeCommand('hyperguild.discardProposal', right.uri);
    await waitFor(() => proposalTabs().length === 0, 'the diff closed');
    assert.equal(editor.document.getText(), before);
    await sleep(50);
  });
});

// The answer changes the selection's last line (a function becomes an arrow function: `}` → `};`); a one-line
// selection in a CRLF file is answered with two lines.
const ARROW = 'const stats = (xs) => {\n  const total = xs.reduce((a, b) => a + b, 0);\n  return { total, mean: total / xs.length };\n};';
const ONE_LINE = 'let a = 1;';
const TWO_LINES = 'let a = 1;\nconsole.log(a);';

describe('review: typing next to the proposal\'s changes, and line endings', function () {
  this.timeout(30_000);
  suiteWithFake({
    models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(lastUserMessage(r).includes('function stats') ? ARROW : TWO_LINES)),
  }, ['qwen-7b']);

  it('typing right after the selected function\'s closing brace, on the line the answer changed, survives Apply', async () => {
    const editor = await openWith(`${SOURCE}// footer\n`, 'javascript');
    select(editor, 0, 5);
    assert.equal((await runSkill()).status, 'accepted');
    await rightSide();
    // The selection ends right after the brace: the typing is outside it, on a line the proposal changes.
    await editor.edit((b) => b.insert(new vscode.Position(5, 1), ' // note'));
    const result = await applyProposal();
    assert.deepEqual(result, { applied: true }, result.reason);
    assert.equal(editor.document.getText(), `${ARROW} // note\n// footer\n`, 'the note is kept, after the new last line');
  });

  it('a CRLF file, a one-line selection answered with two lines: Apply writes CRLF and leaves no change behind', async () => {
    const editor = await openWith(`${ONE_LINE}\r\nlet b = 2;\r\n`, 'javascript');
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    select(editor, 0, 0);
    assert.equal((await runSkill()).status, 'accepted');
    await rightSide();
    assert.deepEqual(await applyHunks({ hunks: [0] }), { applied: true, remaining: 0 });
    assert.equal(editor.document.getText(), `${TWO_LINES.replace('\n', '\r\n')}\r\nlet b = 2;\r\n`);
    await waitFor(() => proposalTabs().length === 0, 'nothing left: the proposal closed');
  });
});
