// hyperguild.adaptive in the real editor: after eight document runs in which qwen-7b's answer was escalated each
// time (and took over a second), "on" starts past it and says so; "suggest" starts at once and the user's This
// time skips it mid-answer; Always is remembered; Never for this skill stops the offers; with the history off
// nothing is skipped.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RecordedRequest } from '../fakes/fakeLlamaSwap';
import { codeReply, isJudge, logSince, openWith, runSkill, select, suiteWithFake, verdictReply, waitFor } from './support/host';

interface Api { getHistory(options?: { limit?: number }): Promise<{ skill: string; attempts: { verdict: string }[] }[]> }
const SOURCE = 'function add(a, b) {\n  return a + b;\n}\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('adaptive start (hyperguild.adaptive)', function () {
  this.timeout(30_000);
  const { settings, fake, log } = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: async (r) => {
      if (isJudge(r)) return verdictReply(r.model === 'qwen-7b' ? 'escalate' : 'accept', r.model === 'qwen-7b' ? 'the comment is wrong' : 'good');
      // qwen-7b takes a while (a tier worth skipping); its request can be cut short by a skip.
      if (r.model === 'qwen-7b') await sleep(1_200);
      return codeReply(`/** Adds. (${r.model}) */\nfunction add(a, b) {\n  return a + b;\n}`);
    },
  }, ['qwen-7b', 'qwen-32b']);
  const asked = (from: number, model: string) => fake().requests.slice(from).filter((q: RecordedRequest) => q.model === model && !isJudge(q)).length;

  async function document(): Promise<{ report: Awaited<ReturnType<typeof runSkill>>; from: number }> {
    const from = fake().requests.length;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const report = await runSkill({ skill: 'document' });
    await vscode.commands.executeCommand('hyperguild.discardProposal');
    return { report, from };
  }

  before(async function () {
    this.timeout(90_000);
    const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as Api;
    assert.equal(await vscode.commands.executeCommand('hyperguild.clearHistory', { confirmed: true }), true);
    await settings.set('adaptive', 'off');
    for (let i = 0; i < 8; i++) {
      const { report } = await document();
      assert.deepEqual(report.attempts.map((a) => a.verdict), ['escalate', 'accept'], 'off: every tier is tried');
    }
    const end = Date.now() + 8_000;
    while ((await api.getHistory()).filter((r) => r.skill === 'document').length < 8 && Date.now() < end) await sleep(50);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('hyperguild.history').update('enabled', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('hyperguild.forgetAdaptiveChoices');
  });

  it('on: the run starts past qwen-7b, which is never asked; the attempt and the log say why', async () => {
    await settings.set('adaptive', 'on');
    const mark = log().logLines.length;
    const { report, from } = await document();
    assert.equal(report.status, 'accepted');
    assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict]), [['qwen-7b', 'skipped'], ['qwen-32b', 'accept']]);
    assert.equal(report.attempts[0].feedback, '0/8 accepted recently');
    assert.equal(asked(from, 'qwen-7b'), 0, 'qwen-7b was not asked');
    const lines = logSince(log(), mark).join('\n');
    assert.match(lines, /skipped qwen-7b: 0\/8 accepted recently/);
  });

  it("suggest: the run starts at qwen-7b at once; This time (the offer's button) skips it mid-answer", async () => {
    await settings.set('adaptive', 'suggest');
    const from = fake().requests.length;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const running = runSkill({ skill: 'document' });
    await waitFor(() => asked(from, 'qwen-7b') === 1, 'qwen-7b asked at once (the offer does not hold the run)');
    assert.equal(await vscode.commands.executeCommand('hyperguild.chooseAdaptiveStart', { choice: 'thisTime' }), true);
    const report = await running;
    assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict]), [['qwen-7b', 'skipped'], ['qwen-32b', 'accept']]);
    assert.match(report.attempts[0].feedback ?? '', /you chose to skip it/);
    assert.ok(report.attempts[0].durationMs < 1_200, `qwen-7b was stopped, not waited for (${report.attempts[0].durationMs} ms)`);
    await vscode.commands.executeCommand('hyperguild.discardProposal');
  });

  /** A suggest run with its offer answered by `choice` while qwen-7b answers. */
  async function offered(choice: string): Promise<Awaited<ReturnType<typeof runSkill>>> {
    await settings.set('adaptive', 'suggest');
    const from = fake().requests.length;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const running = runSkill({ skill: 'document' });
    await waitFor(() => asked(from, 'qwen-7b') === 1, 'qwen-7b asked');
    assert.equal(await vscode.commands.executeCommand('hyperguild.chooseAdaptiveStart', { choice }), true, 'an offer is open');
    const report = await running;
    await vscode.commands.executeCommand('hyperguild.discardProposal');
    return report;
  }

  it('Never for this skill: the tier is still tried, and no later run offers; forgotten, the offers come back', async () => {
    assert.deepEqual((await offered('never')).attempts.map((a) => a.verdict), ['escalate', 'accept'], 'Never does not skip this run');
    const after = await document();
    assert.equal(asked(after.from, 'qwen-7b'), 1, 'tried');
    assert.equal(await vscode.commands.executeCommand('hyperguild.chooseAdaptiveStart', { choice: 'thisTime' }), false, 'no offer was made');
    assert.equal(await vscode.commands.executeCommand('hyperguild.forgetAdaptiveChoices'), 1);
  });

  it('Always is remembered: the next suggest run starts past qwen-7b without asking', async () => {
    assert.equal((await offered('always')).attempts[0].verdict, 'skipped', 'Always skips this run too');
    const remembered = await document();
    assert.equal(remembered.report.attempts[0].verdict, 'skipped');
    assert.equal(asked(remembered.from, 'qwen-7b'), 0, 'skipped from the start');
    assert.equal(await vscode.commands.executeCommand('hyperguild.forgetAdaptiveChoices'), 1);
  });

  it('with the history off there is nothing to learn from: every tier is tried, even with adaptive on', async () => {
    await settings.set('adaptive', 'on');
    await vscode.workspace.getConfiguration('hyperguild.history').update('enabled', false, vscode.ConfigurationTarget.Global);
    const { report, from } = await document();
    assert.deepEqual(report.attempts.map((a) => a.verdict), ['escalate', 'accept']);
    assert.equal(asked(from, 'qwen-7b'), 1);
  });
});
