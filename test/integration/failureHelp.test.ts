// Help at the moment of failure, in the real editor: the failed run's message offers the next step as buttons
// (each a command, run here as the button would), and a model the server does not know gets the names it knows.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { RunReport } from '../../src/core/engine/report';
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import { Settings, activateForTest, closeAll, closedPort, logSince, openWith, proposalTabs, runSkill, select, waitFor, savedCloudEnv } from './support/host';

const CLOUD = 'claude-sonnet-4-6';
const SOURCE = 'function add(a, b) {\n  return a + b;\n}\n';

describe('failure help: the next step is offered', function () {
  this.timeout(30_000);
  const KEY = `sk-ant-failure-help-${randomUUID()}`;
  const settings = new Settings();
  const savedEnv = savedCloudEnv();
  let log: { logLines: readonly string[] };
  let cloud: FakeAnthropic;
  let local: FakeLlamaSwap;
  let overloaded = 0;

  before(async () => {
    log = await activateForTest();
    cloud = await FakeAnthropic.start({ apiKey: KEY, knownModels: [CLOUD] });
    // The first three requests are overloaded (the backend's three tries), later ones answer.
    cloud.responder = () => (overloaded-- > 0
      ? { kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded', retryAfterMs: 1 }
      : { kind: 'message', pieces: ['```js\nfunction add(a, b) {\n  return b + a;\n}\n```\n'] });
    local = await FakeLlamaSwap.start({ models: [{ id: 'qwen2.5-coder-7b' }, { id: 'qwen2.5-coder-32b' }, { id: 'gemma-2b' }] });
    process.env.ANTHROPIC_BASE_URL = cloud.url;
  });

  afterEach(async () => {
    await closeAll();
    process.env.ANTHROPIC_API_KEY = KEY;
  });

  after(async () => {
    savedEnv.restore();
    await settings.restore();
    await cloud?.close();
    await local?.close();
  });

  async function failedRun(): Promise<{ report: RunReport; lines: string[] }> {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const mark = log.logLines.length;
    const report = await runSkill();
    return { report, lines: logSince(log, mark) };
  }

  it('local server unreachable and the cloud tier failed: Check Setup, and the cloud tiers only this time, which then answers', async () => {
    process.env.ANTHROPIC_API_KEY = KEY;
    overloaded = 3;
    await settings.set('llamaSwapUrl', `http://127.0.0.1:${await closedPort()}`);
    await settings.set('chain', ['qwen2.5-coder-7b', CLOUD]);
    const { report, lines } = await failedRun();
    assert.equal(report.status, 'exhausted');
    assert.ok(lines.includes('[info]   offered: Run on the Cloud Tiers Only This Time · Check Setup'), lines.join('\n'));

    const before = cloud.messageRequests.length;
    const retry = await vscode.commands.executeCommand<RunReport>('hyperguild.retryOnCloudTiers');
    assert.equal(retry.status, 'accepted', retry.message);
    assert.deepEqual(retry.attempts.map((a) => a.model), [CLOUD], 'only the cloud tiers, this time');
    assert.equal(cloud.messageRequests.length, before + 1);
    await waitFor(() => proposalTabs().length === 1, 'the proposal');
    const again = await vscode.commands.executeCommand<RunReport>('hyperguild.retryOnCloudTiers');
    assert.equal(again.status, 'failed', 'the offer is used once');
  });

  it('the cloud tiers only, after the user removed the cloud tier: nothing is sent, and the sentence says why', async () => {
    process.env.ANTHROPIC_API_KEY = KEY;
    overloaded = 3;
    await settings.set('llamaSwapUrl', `http://127.0.0.1:${await closedPort()}`);
    await settings.set('chain', ['qwen2.5-coder-7b', CLOUD]);
    const { lines } = await failedRun();
    assert.ok(lines.includes('[info]   offered: Run on the Cloud Tiers Only This Time · Check Setup'), lines.join('\n'));
    await settings.set('chain', ['qwen2.5-coder-7b']);
    const before = cloud.messageRequests.length;
    const retry = await vscode.commands.executeCommand<RunReport>('hyperguild.retryOnCloudTiers');
    assert.equal(retry.status, 'failed');
    assert.equal(retry.message, 'The chain in effect has no cloud tier now, so nothing was sent; run the skill again to use the chain as it is.');
    assert.equal(cloud.messageRequests.length, before, 'the removed cloud tier was not asked');
  });

  it('no key when the cloud tier is reached: Set API Key is offered', async () => {
    delete process.env.ANTHROPIC_API_KEY;
    await settings.set('llamaSwapUrl', `http://127.0.0.1:${await closedPort()}`);
    await settings.set('chain', ['qwen2.5-coder-7b', CLOUD]);
    const { report, lines } = await failedRun();
    assert.equal(report.status, 'exhausted');
    assert.ok(lines.includes('[info]   offered: Check Setup · Set API Key'), lines.join('\n'));
  });

  it('a chain model the server does not know: the names it knows, nearest first', async () => {
    await settings.set('llamaSwapUrl', local.url);
    await settings.set('chain', ['qwen2.5-coder-7'] );
    const { report, lines } = await failedRun();
    assert.equal(report.status, 'exhausted');
    assert.ok(lines.includes(`[warn] qwen2.5-coder-7 is not a model llama-swap at ${local.url} knows; the names it has, nearest first: qwen2.5-coder-7b, qwen2.5-coder-32b, gemma-2b.`), lines.join('\n'));
  });
});
