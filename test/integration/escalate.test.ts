// The user's own "escalate" in the real editor: a proposal the user does not like goes up the chain with the
// user's words, instead of starting over.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/core/engine/report';
import { codeReply, isJudge, logSince, openWith, proposalTabs, runSkill, select, sleep, suiteWithFake, verdictReply, waitFor, lastUserMessage } from './support/host';

const SOURCE = 'function total(xs) {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n';
const SMALL = 'function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}';
const BIG = 'function total(xs) {\n  let t = 0;\n  for (const x of xs) {\n    t += x;\n  }\n  return t;\n}';

type ApplyResult = { applied: boolean; reason?: string };
const escalate = (arg?: object) => vscode.commands.executeCommand<RunReport>('hyperguild.escalateProposal', arg);

describe('escalate: the user sends a proposal up the chain', function () {
  this.timeout(30_000);
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(r.model === 'qwen-32b' ? BIG : SMALL)),
  }, ['qwen-7b', 'qwen-32b']);
  const { settings } = suite;

  async function accepted(): Promise<vscode.TextEditor> {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 4);
    const report = await runSkill();
    assert.deepEqual(report.accepted, { model: 'qwen-7b', tierIndex: 0 });
    await waitFor(() => proposalTabs().length === 1, 'the first proposal');
    return editor;
  }

  it('continues the same run at the next tier with the user\'s words and the rejected answer; the report lists the user\'s step', async () => {
    const editor = await accepted();
    const [fake, log] = [suite.fake(), suite.log()];
    const from = fake.requests.length;
    const mark = log.logLines.length;
    const report = await escalate({ feedback: 'keep the loop, just add braces' });
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: 'qwen-32b', tierIndex: 1 });
    assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict, a.by]), [['qwen-7b', 'accept', undefined], ['qwen-7b', 'escalate', 'user'], ['qwen-32b', 'accept', undefined]]);
    assert.equal(report.attempts[1].feedback, 'User feedback: keep the loop, just add braces');

    const next = fake.requests.slice(from).find((r) => r.path === '/v1/chat/completions' && !isJudge(r))!;
    assert.equal(next.model, 'qwen-32b');
    assert.match(lastUserMessage(next), /<<<BEGIN FEEDBACK>>>\nUser feedback: keep the loop, just add braces\n<<<END FEEDBACK>>>/);
    assert.match(lastUserMessage(next), /<<<BEGIN REJECTED ANSWER>>>\nfunction total\(xs\) \{\n {2}return xs\.reduce/);
    assert.equal(fake.requests.slice(from).filter((r) => r.path === '/v1/chat/completions' && r.model === 'qwen-7b').length, 0, 'the first tier is not asked again');
    assert.ok(logSince(log, mark).some((l) => l.includes('qwen-7b · escalated by you — User feedback: keep the loop')), 'the log shows the user\'s step');

    await waitFor(() => proposalTabs().length === 1, 'one diff: the new proposal replaced the old');
    const right = await vscode.workspace.openTextDocument(proposalTabs()[0].modified);
    assert.equal(right.getText(), `${BIG}\n`);
    assert.deepEqual(await vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', proposalTabs()[0].modified), { applied: true });
    assert.equal(editor.document.getText(), `${BIG}\n`);
  });

  it('with no argument it asks for a sentence; Escape cancels and keeps the proposal', async () => {
    await accepted();
    const pending = escalate();
    await sleep(400);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const report = await pending;
    assert.equal(report.status, 'cancelled');
    assert.equal(proposalTabs().length, 1, 'the proposal stays');
  });

  it('with no tier left after the accepted one: exhausted, says so, and the proposal stays open', async () => {
    await settings.set('chain', ['qwen-7b']);
    try {
      await accepted();
      const report = await escalate({ feedback: 'no' });
      assert.equal(report.status, 'exhausted');
      assert.equal(report.message, 'No tier follows qwen-7b in the chain, so there is nothing to escalate to; the proposal stays open.');
      assert.deepEqual(report.attempts.map((a) => a.by), [undefined, 'user']);
      assert.equal(proposalTabs().length, 1);
    } finally {
      await settings.set('chain', ['qwen-7b', 'qwen-32b']);
    }
  });

  it('after the user removed the next tier from the chain: Escalate says so and sends nothing to the old chain', async () => {
    await accepted();
    const fake = suite.fake();
    const from = fake.requests.length;
    await settings.set('chain', ['qwen-7b']);
    try {
      const report = await escalate({ feedback: 'try the bigger one' });
      assert.equal(report.status, 'failed');
      assert.equal(report.message, 'The chain changed since qwen-7b answered, so Escalate does not send the code up the old one; the proposal stays open (run the skill again to use the chain as it is).');
      assert.deepEqual(fake.requests.slice(from).filter((r) => r.path === '/v1/chat/completions').map((r) => r.model), [], 'no tier of the old chain was asked');
      assert.equal(proposalTabs().length, 1, 'the proposal stays');
    } finally {
      await settings.set('chain', ['qwen-7b', 'qwen-32b']);
    }
  });

  it('after the user lowered hyperguild.contextLines: the continued run sends no more context than the setting allows now', async () => {
    const editor = await openWith(`// one\n// two\n// three\n${SOURCE}`, 'javascript');
    select(editor, 3, 7);
    assert.deepEqual((await runSkill()).accepted, { model: 'qwen-7b', tierIndex: 0 });
    await waitFor(() => proposalTabs().length === 1, 'the first proposal');
    const fake = suite.fake();
    const from = fake.requests.length;
    await settings.set('contextLines', 1);
    try {
      assert.equal((await escalate({ feedback: 'more explicit' })).status, 'accepted');
      const next = fake.requests.slice(from).find((r) => r.path === '/v1/chat/completions' && !isJudge(r))!;
      assert.match(lastUserMessage(next), /<<<BEGIN CONTEXT ABOVE>>>\n\/\/ three\n<<<END CONTEXT ABOVE>>>/);
    } finally {
      await settings.set('contextLines', undefined);
    }
  });

  it('after the user edited the file: edits elsewhere are followed; an edit inside the selection makes Apply refuse', async () => {
    const editor = await accepted();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// header\n'));
    assert.equal((await escalate({ feedback: 'more explicit' })).status, 'accepted');
    assert.deepEqual(await vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', proposalTabs()[0].modified), { applied: true });
    assert.equal(editor.document.getText(), `// header\n${BIG}\n`);

    const second = await accepted();
    await second.edit((b) => b.insert(new vscode.Position(1, 2), '/* mine */ '));
    const mine = second.document.getText();
    assert.equal((await escalate({ feedback: 'more explicit' })).status, 'accepted');
    const result = await vscode.commands.executeCommand<ApplyResult>('hyperguild.applyProposal', proposalTabs()[0].modified);
    assert.equal(result.applied, false);
    assert.match(result.reason ?? '', /was changed since the run started/);
    assert.equal(second.document.getText(), mine);
  });
});
