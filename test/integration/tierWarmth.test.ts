// Warmth that is true, in the real editor: chain [a, b] on a server that holds one model at a time, b loaded and
// shown warm before the run; a's answer escalates, so b must load again: b's attempt must not say "warm".
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeReply, isJudge, logSince, openWith, runSkill, select, suiteWithFake, verdictReply, waitFor } from './support/host';

interface Api { getWarmState(): { server: string; models: { id: string; state: string }[] } }

describe('tier warmth: a swap during the run is seen', function () {
  this.timeout(30_000);
  const suite = suiteWithFake({
    models: [{ id: 'model-a', loadMs: 200 }, { id: 'model-b', loadMs: 600 }], loaded: 'model-b',
    responder: (r) => (isJudge(r) ? verdictReply(r.model === 'model-a' ? 'escalate' : 'accept', r.model === 'model-a' ? 'wrong' : 'ok') : codeReply('let x = 2;')),
  }, ['model-a', 'model-b']);

  it('b, shown ready before the run, is reported as loading or cold after a evicted it, with the load time', async () => {
    const { settings } = suite;
    const log = suite.log();
    await settings.set('statusBarPollSeconds', 0.2);
    const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as Api;
    await waitFor(() => api.getWarmState().models.some((m) => m.id === 'model-b' && m.state === 'ready'), 'b shown warm before the run');
    // As with the default 5 s poll: the status bar's cache is not refreshed during the run's few hundred ms.
    await settings.set('statusBarPollSeconds', 30);
    const editor = await openWith('let x = 1;\n');
    select(editor, 0, 0);
    const mark = log.logLines.length;
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict]), [['model-a', 'escalate'], ['model-b', 'accept']]);
    assert.notEqual(report.attempts[1].warm, 'ready', 'b had to load again: not warm');
    const line = logSince(log, mark).find((l) => l.includes('[2/2] model-b'));
    assert.match(line ?? '', / · (cold|loading) \(loaded in \d+\.\d s\) · /, `the log says b loaded: ${line}`);
  });
});
