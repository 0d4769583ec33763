// @hyperguild in the chat view: its handler, called as VS Code calls it (VS Code has no API to send a chat request
// to a participant), on the editor's real selection; the stream it writes to records what the chat would show.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { assertOneSentence, codeReply, isJudge, logSince, openWith, proposalTabs, select, suiteWithFake, verdictReply, waitFor, lastUserMessage } from './support/host';

const SOURCE = 'function total(xs) {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n';
const SMALL = 'function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}';
const BIG = 'function total(xs) {\n  let t = 0;\n  for (const x of xs) {\n    t += x;\n  }\n  return t;\n}';

/** What a chat response showed: progress lines, markdown, buttons. */
class RecordingStream {
  readonly progress: string[] = [];
  readonly markdown: string[] = [];
  readonly buttons: vscode.Command[] = [];
  readonly stream = {
    progress: (value: string) => void this.progress.push(value),
    markdown: (value: string | vscode.MarkdownString) => void this.markdown.push(typeof value === 'string' ? value : value.value),
    button: (command: vscode.Command) => void this.buttons.push(command),
    anchor: () => undefined, reference: () => undefined, filetree: () => undefined, push: () => undefined,
  } as unknown as vscode.ChatResponseStream;
}

type Handler = (request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken) => Promise<vscode.ChatResult>;
type Turn = { participant: string; result: vscode.ChatResult };

async function handler(): Promise<Handler> {
  const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as { testing?: { chatHandler: Handler } };
  return api.testing!.chatHandler;
}

/** Sends one chat request to the participant, with the earlier turns of the conversation. */
async function chat(prompt: string, command?: string, history: Turn[] = [], token = new vscode.CancellationTokenSource().token) {
  const out = new RecordingStream();
  const request = { prompt, command, references: [], toolReferences: [] } as unknown as vscode.ChatRequest;
  const result = await (await handler())(request, { history } as unknown as vscode.ChatContext, out.stream, token);
  return { out, result, turn: { participant: 'hyperguild.chat', result } };
}


describe('@hyperguild in the chat view', function () {
  this.timeout(30_000);
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(r.model === 'qwen-32b' ? BIG : SMALL)),
  }, ['qwen-7b', 'qwen-32b']);

  it('/refactor runs on the editor\'s selection: progress per tier, the attempts as a table, a button that opens the proposal; /apply applies it', async () => {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 4);
    const { out, result, turn } = await chat('', 'refactor');
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    assert.ok(out.progress.some((p) => /^qwen-7b · local · (warm|cold|loading) · 1\/2/.test(p) || p === 'qwen-7b · local · 1/2'), out.progress.join('\n'));
    assert.ok(out.progress.every((p) => !/\d+ s$/.test(p)), 'no seconds counter in a chat line');
    const text = out.markdown.join('');
    assert.match(text, /\*\*Refactor by qwen-7b\*\* is ready to review/);
    assert.match(text, /\| 1 \| qwen-7b \| local[^|]* \| [\d.]+ s \| [^|]* \| accept \| correct \|/);
    const id = (result.metadata as { proposalId: string }).proposalId;
    assert.deepEqual(out.buttons.map((b) => [b.command, b.arguments]), [['hyperguild.showProposal', [id, editor.document.uri.toString()]]]);
    await waitFor(() => proposalTabs().length === 1, 'the proposal diff');

    // The button brings the diff back to the front of its group after another file covered it.
    const group = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'hyperguild-proposal'))!;
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'other' }), { viewColumn: group.viewColumn, preview: false });
    await vscode.commands.executeCommand(out.buttons[0].command, ...(out.buttons[0].arguments ?? []));
    await waitFor(() => {
      const active = vscode.window.tabGroups.all.find((g) => g.viewColumn === group.viewColumn)?.activeTab?.input;
      return active instanceof vscode.TabInputTextDiff && active.modified.scheme === 'hyperguild-proposal';
    }, 'the proposal is the active tab of its group again');

    const applied = await chat('', 'apply', [turn]);
    assert.equal(applied.result.errorDetails, undefined, applied.result.errorDetails?.message);
    assert.equal(editor.document.getText(), `${SMALL}\n`);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), SOURCE, 'one undo restores the code');
  });

  it('/escalate with a reason continues the run at the next tier; a plain sentence runs as an instruction', async () => {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 4);
    const first = await chat('use reduce', 'simplify');
    const from = suite.fake().requests.length;
    const escalated = await chat('keep the loop, add braces', 'escalate', [first.turn]);
    assert.equal(escalated.result.errorDetails, undefined, escalated.result.errorDetails?.message);
    const text = escalated.out.markdown.join('');
    assert.match(text, /\*\*Simplify by qwen-32b\*\*/);
    assert.match(text, /\| 2 \| qwen-7b \| [^|]* \| {2}\| [^|]* \| escalated by you \| User feedback: keep the loop, add braces \|/);
    const next = suite.fake().requests.slice(from).find((r) => r.path === '/v1/chat/completions' && !isJudge(r))!;
    assert.equal(next.model, 'qwen-32b');
    assert.match(lastUserMessage(next), /User feedback: keep the loop, add braces/);
    assert.notEqual((escalated.result.metadata as { proposalId: string }).proposalId, (first.result.metadata as { proposalId: string }).proposalId);

    await vscode.commands.executeCommand('hyperguild.discardProposal');
    select(editor, 0, 4);
    const before = suite.fake().requests.length;
    const custom = await chat('rename t to sum');
    assert.equal(custom.result.errorDetails, undefined, custom.result.errorDetails?.message);
    assert.match(custom.out.markdown.join(''), /\*\*Custom Instruction… by qwen-7b\*\*/);
    const asked = suite.fake().requests.slice(before).find((r) => r.path === '/v1/chat/completions')!;
    assert.match(lastUserMessage(asked), /<<<BEGIN INSTRUCTION>>>\nrename t to sum\n<<<END INSTRUCTION>>>/);
  });

  // Through the real chat view: it hands a request to a participant only with a model chosen, which needs the
  // provider API (VS Code ≥ 1.104) when nobody is signed in to Copilot; in Ask mode, as agent mode wants tool calls.
  if (typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider === 'function') {
    it('typed in the chat view, "@hyperguild /refactor" runs on the selection and opens the proposal', async () => {
      const editor = await openWith(SOURCE, 'javascript');
      select(editor, 0, 4);
      const from = suite.fake().requests.length;
      const [cascade] = await vscode.lm.selectChatModels({ vendor: 'hyperguild' });
      await vscode.commands.executeCommand('workbench.action.chat.open', { mode: 'ask' });
      await vscode.commands.executeCommand('workbench.action.chat.changeModel', { vendor: cascade.vendor, id: cascade.id.replace(/^hyperguild\//, ''), family: cascade.family });
      try {
        await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@hyperguild /refactor', isPartialQuery: false, mode: 'ask' });
        await waitFor(() => proposalTabs().length === 1, 'the proposal from the chat view', 15_000);
        const asked = suite.fake().requests.slice(from).find((r) => r.path === '/v1/chat/completions')!;
        assert.match(lastUserMessage(asked), /<<<BEGIN SELECTION>>>\nfunction total\(xs\) \{/);
        const right = await vscode.workspace.openTextDocument(proposalTabs()[0].modified);
        assert.equal(right.getText(), `${SMALL}\n`);
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
      }
    });
  }

  it('a run no tier answers: the attempts, the reason in one sentence, and Check Setup', async () => {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 4);
    await suite.settings.set('chain', ['no-such-model']);
    try {
      const { out, result } = await chat('', 'fix');
      assert.match(result.errorDetails?.message ?? '', /^No answer was accepted after 1 attempt \(no-such-model: /);
      assert.match(out.markdown.join(''), /\| 1 \| no-such-model \| local[^|]* \| [\d.]+ s \| [^|]* \| error \|/);
      assert.deepEqual(out.buttons.map((b) => b.command), ['hyperguild.checkSetup']);
      assert.equal(proposalTabs().length, 0);
    } finally {
      await suite.settings.set('chain', ['qwen-7b', 'qwen-32b']);
    }
  });

  it('after a reload: a turn whose proposal id names a proposal of another file refuses /apply, /escalate and Open Proposal in one sentence', async () => {
    // VS Code restores a conversation's metadata across a reload; the id it names may belong to a new proposal.
    const other = await openWith(SOURCE.replace('total', 'sum'), 'javascript');
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 4);
    const run = await chat('', 'refactor');
    assert.equal(run.result.errorDetails, undefined, run.result.errorDetails?.message);
    const metadata = run.result.metadata as { proposalId: string };
    const restored = { participant: 'hyperguild.chat', result: { metadata: { ...metadata, file: other.document.uri.toString() } } };
    const sent = suite.fake().requests.length;
    const mark = suite.log().logLines.length;

    const applied = await chat('', 'apply', [restored]);
    assertOneSentence(applied.result.errorDetails?.message);
    assert.match(applied.result.errorDetails?.message ?? '', /^The proposal this conversation offered is no longer open/);
    assert.equal(editor.document.getText(), SOURCE, 'the other file\'s proposal was not applied');
    assert.equal(other.document.getText(), SOURCE.replace('total', 'sum'));
    const escalated = await chat('try again', 'escalate', [restored]);
    assertOneSentence(escalated.result.errorDetails?.message);
    assert.equal(suite.fake().requests.length, sent, 'no code went to any tier');
    assert.equal(proposalTabs().length, 1, 'the other file\'s proposal stays open');
    await vscode.commands.executeCommand('hyperguild.showProposal', metadata.proposalId, other.document.uri.toString());
    assert.ok(logSince(suite.log(), mark).some((l) => l.includes('That proposal was applied, discarded or closed')), 'Open Proposal refused');

    // The turn as it was, naming its own file, still applies.
    const own = await chat('', 'apply', [run.turn]);
    assert.equal(own.result.errorDetails, undefined, own.result.errorDetails?.message);
    assert.equal(editor.document.getText(), `${SMALL}\n`);
  });

  it('says what to do, in one sentence, when there is nothing to act on', async () => {
    const apply = await chat('', 'apply');
    assert.match(apply.result.errorDetails?.message ?? '', /^There is no proposal in this conversation yet; run a skill first/);
    const custom = await chat('', 'custom');
    assert.match(custom.result.errorDetails?.message ?? '', /^Say what should change after \/custom/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const none = await chat('', 'fix');
    assert.match(none.result.errorDetails?.message ?? '', /^Open a file and select the code/);
    const help = await chat('');
    assert.match(help.out.markdown.join(''), /@hyperguild \/refactor/);
  });
});
