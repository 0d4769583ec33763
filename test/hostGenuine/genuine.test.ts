// The extension in the real VS Code against genuine servers (issue 22): llama-swap, llama-server's router and a
// single-model llama-server, started by scripts/run-host-tests.mjs (HOST_GENUINE=1) and passed in the environment.
// A chain [tiny-a, tiny-b, cloud-fake] on each; the preload on command start; a mid-stream server error. The models
// are noise: only protocol facts are asserted (statuses, warmth, token counts, verdicts, log lines).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { HyperguildApi } from '../../src/extension';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { genuineFromEnv } from '../genuine/servers';
import { Settings, activateForTest, assertOneSentence, closeAll, logSince, openWith, proposalTabs, runSkill, savedCloudEnv, select, waitFor } from '../integration/support/host';

const CLAUDE = 'claude-sonnet-4-6';
const KEY = 'sk-ant-genuine-host';
const SOURCE = 'const limit = 10;\nfunction add(a, b) {\n  return a + b;\n}\nmodule.exports = { add };\n';
const CLOUD_CODE = '```js\nfunction add(a, b) {\n  return Number(a) + Number(b);\n}\n```';

type Where = 'swap' | 'router' | 'single' | 'broken';

describe('genuine servers in the real editor: a chain [tiny-a, tiny-b, cloud-fake] on each', function () {
  this.timeout(60_000);
  const settings = new Settings();
  const savedEnv = savedCloudEnv();
  const urls = genuineFromEnv();
  let log: { logLines: readonly string[] };
  let api: HyperguildApi;
  let cloud: FakeAnthropic;

  const chainOn = (where: Where, models: string[]) => [...models.map((model) => (where === 'swap' ? model : { model, server: where })), CLAUDE];

  before(async () => {
    // Never skipped: this suite runs only where the genuine servers were started, and says so when they were not.
    assert.ok(urls, 'no genuine server addresses in the environment: run this suite with HOST_GENUINE=1 node scripts/run-host-tests.mjs.');
    log = await activateForTest();
    api = vscode.extensions.getExtension<HyperguildApi>('hyperguild.hyperguild')!.exports;
    cloud = await FakeAnthropic.start({ apiKey: KEY, knownModels: [CLAUDE], defaultReply: { kind: 'message', pieces: [CLOUD_CODE] } });
    process.env.ANTHROPIC_API_KEY = KEY;
    process.env.ANTHROPIC_BASE_URL = cloud.url;
    await settings.set('llamaSwapUrl', urls.swap);
    await settings.set('servers', {
      router: { kind: 'llama-server', url: urls.router },
      single: { kind: 'llama-server', url: urls.single },
      broken: { kind: 'llama-server', url: urls.broken },
    });
    await settings.set('statusBarPollSeconds', 0.5);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await closeAll();
  });
  after(async () => {
    savedEnv.restore();
    await settings.restore();
    await cloud?.close();
  });

  /** Runs refactor on add() and checks what every chain run shows: both local tiers judged and escalated, the cloud accepting. */
  async function runChainOn(where: Where): Promise<{ warm: string[]; lines: string[] }> {
    await settings.set('chain', chainOn(where, ['tiny-a', 'tiny-b']));
    const mark = log.logLines.length;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 1, 3);
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.attempts.map((a) => [a.model, a.tier, a.verdict]), [['tiny-a', 'local', 'escalate'], ['tiny-b', 'local', 'escalate'], [CLAUDE, 'cloud', 'accept']]);
    for (const a of report.attempts.slice(0, 2)) assert.ok((a.inputTokens ?? 0) > 0 && (a.outputTokens ?? 0) > 0, `${a.model}: tokens ${a.inputTokens}/${a.outputTokens}`);
    assert.deepEqual(report.accepted, { model: CLAUDE, tierIndex: 2 });
    await waitFor(() => proposalTabs().length === 1, 'the accepted proposal open as a diff');
    const lines = logSince(log, mark);
    // Each answer passed the syntax gate (the cloud's too); each local one reached its own model's judge, which reused the generation's prompt.
    assert.equal(lines.filter((l) => /^\[info\] +syntax gate: javascript, [\d.]+ ms$/.test(l)).length, 3, lines.join('\n'));
    const cache = lines.map((l) => /judge prompt: (\d+) tokens evaluated, (\d+) from the server's cache/.exec(l)).filter((m) => m !== null);
    assert.equal(cache.length, 2, lines.join('\n'));
    for (const m of cache) assert.ok(Number(m[2]) > Number(m[1]), `cache_n ${m[2]}, prompt_n ${m[1]}`);
    return { warm: report.attempts.map((a) => a.warm), lines };
  }

  async function preloaded(url: string, model: string): Promise<void> {
    const client = new LlamaSwapClient({ baseUrl: url });
    try {
      await client.preload(model);
      const end = Date.now() + 15_000;
      while (!(await client.running()).some((m) => m.model === model && m.state === 'ready')) {
        if (Date.now() > end) assert.fail(`${model} not loaded in 15 s at ${url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await client.close();
    }
  }

  // First: it leaves tiny-a loaded for the chain on llama-swap (a cold load there takes about 5 s, llama-swap's health-check period).
  it('opening the skill picker preloads a cold first tier through llama-swap (GET /upstream/<model>/health)', async () => {
    await settings.set('chain', chainOn('swap', ['tiny-a', 'tiny-b']));
    await settings.set('preloadOnCommandStart', true);
    const client = new LlamaSwapClient({ baseUrl: urls!.swap });
    try {
      for (const model of ['tiny-a', 'tiny-b']) await client.unload(model);
      await waitFor(() => api.getWarmState().server === 'online' && api.getWarmState().models.length === 0, 'the warm state shows nothing loaded', 10_000);
      const mark = log.logLines.length;
      const editor = await openWith(SOURCE, 'javascript');
      select(editor, 1, 3);
      const pending = vscode.commands.executeCommand('hyperguild.runSkill') as Thenable<{ status: string }>;
      await waitFor(() => api.getWarmState().models.some((m) => m.id === 'tiny-a' && m.state === 'ready'), 'tiny-a loaded while the picker is open', 20_000);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal((await pending).status, 'cancelled');
      const lines = logSince(log, mark);
      assert.ok(lines.includes('[info] Preloading tiny-a while you choose a skill.'), lines.join('\n'));
      assert.ok(!lines.some((l) => l.includes('Preloading tiny-a failed')), lines.join('\n'));
    } finally {
      await client.close();
    }
  });

  it('llama-swap: tiny-a warm, tiny-b cold after the swap inside the run; the warm state follows the swap', async () => {
    await preloaded(urls!.swap, 'tiny-a');
    const { warm } = await runChainOn('swap');
    assert.deepEqual(warm, ['ready', 'cold', 'unknown']);
    await waitFor(() => JSON.stringify(api.getWarmState()) === JSON.stringify({ server: 'online', models: [{ id: 'tiny-b', state: 'ready' }] }), `the warm state shows tiny-b alone (${JSON.stringify(api.getWarmState())})`, 10_000);
  });

  it('llama-server router: tiny-a warm, tiny-b not warm after the swap inside the run', async () => {
    await preloaded(urls!.router, 'tiny-a');
    const { warm } = await runChainOn('router');
    assert.equal(warm[0], 'ready');
    assert.ok(warm[1] === 'cold' || warm[1] === 'starting', `tiny-b after the swap: ${warm[1]}`);
  });

  it('single-model llama-server: both tiers warm', async () => {
    const { warm } = await runChainOn('single');
    assert.deepEqual(warm, ['ready', 'ready', 'unknown']);
  });

  it('a mid-stream server error is an error attempt with one sentence, and the cloud tier answers', async () => {
    await settings.set('chain', chainOn('broken', ['broken']));
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 1, 3);
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict]), [['broken', 'error'], [CLAUDE, 'accept']]);
    assertOneSentence(report.attempts[0].feedback);
    assert.match(report.attempts[0].feedback ?? '', /broken/);
  });
});
