// Issue 12 in the real editor: a chain across four kinds of server, ollama (local) → llama-swap (local) →
// an OpenAI-compatible cloud → Anthropic, escalating through all four; each server's key reaches that server only;
// the warm status follows the first local tier's server; Check Setup speaks of each server.
import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { HyperguildApi } from '../../src/extension';
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import { FakeOllamaServer } from '../fakes/fakeOllamaServer';
import { Settings, activateForTest, closeAll, codeReply, isJudge, logSince, openWith, runSkill, select, verdictReply, waitFor, savedCloudEnv } from './support/host';

const SOURCE = 'function add(a, b) {\n  return a + b;\n}\n';
const CLAUDE = 'claude-sonnet-4-6';

describe('servers: one chain across Ollama, llama-swap, an OpenAI-compatible cloud and Anthropic', function () {
  this.timeout(40_000);
  const keys = { ollama: `ollama-proxy-${randomUUID()}`, router: `sk-or-${randomUUID()}`, anthropic: `sk-ant-${randomUUID()}` };
  const settings = new Settings();
  const savedEnv = savedCloudEnv();
  let log: { logLines: readonly string[] };
  let api: HyperguildApi;
  let ollama: FakeOllamaServer;
  let swap: FakeLlamaSwap;
  let router: FakeLlamaSwap;
  let claude: FakeAnthropic;

  before(async () => {
    log = await activateForTest();
    api = vscode.extensions.getExtension<HyperguildApi>('hyperguild.hyperguild')!.exports;
    ollama = await FakeOllamaServer.start({ models: [{ name: 'qwen2.5-coder:7b', loadMs: 50 }], loaded: ['qwen2.5-coder:7b'], apiKey: keys.ollama });
    // A self-judge on Ollama asks with `format` (its JSON schema); a generation without.
    ollama.responder = (r) => (r.body && 'format' in r.body
      ? { kind: 'text', pieces: [JSON.stringify({ verdict: 'escalate', feedback: 'the laptop judge wants more' })] }
      : { kind: 'text', pieces: ['```js\nfunction add(a, b) {\n  return a + b; // laptop\n}\n```'] });
    swap = await FakeLlamaSwap.start({ models: [{ id: 'qwen-32b' }], loaded: 'qwen-32b' });
    swap.responder = (r) => (isJudge(r) ? verdictReply('escalate', 'the gpu judge wants more') : codeReply('function add(a, b) {\n  return a + b; // gpu\n}'));
    // The OpenAI-compatible cloud: accepted unjudged, so its answer fails a gate (no code) to go on to Claude.
    router = await FakeLlamaSwap.start({ models: [{ id: 'deepseek-chat' }], loaded: 'deepseek-chat', apiKey: keys.router, errorShape: 'openai' });
    router.responder = () => ({ kind: 'text', pieces: ['I would rather not change this.'], finish: 'stop' });
    claude = await FakeAnthropic.start({ apiKey: keys.anthropic, knownModels: [CLAUDE] });
    claude.responder = () => ({ kind: 'message', pieces: ['```js\nfunction add(a, b) {\n  return Number(a) + Number(b);\n}\n```'] });
    process.env.ANTHROPIC_API_KEY = keys.anthropic;
    process.env.ANTHROPIC_BASE_URL = claude.url;
    await settings.set('llamaSwapUrl', swap.url);
    await settings.set('servers', {
      laptop: { kind: 'ollama', url: ollama.url },
      router: { kind: 'openai-compatible', url: `${router.url}/v1`, cloud: true },
    });
    await settings.set('chain', [{ model: 'qwen2.5-coder:7b', server: 'laptop' }, 'qwen-32b', { model: 'deepseek-chat', server: 'router' }, CLAUDE]);
    const testing = (api as unknown as { testing: { storeServerKey(n: string, u: string, k: string): Promise<void> } }).testing;
    await testing.storeServerKey('laptop', ollama.url, keys.ollama);
    await testing.storeServerKey('router', `${router.url}/v1`, keys.router);
  });

  afterEach(() => closeAll());
  after(async () => {
    savedEnv.restore();
    await settings.restore();
    await Promise.all([ollama?.close(), swap?.close(), router?.close(), claude?.close()]);
  });

  it('escalates across all four with each reason, and each key reaches its own server only', async () => {
    const mark = log.logLines.length;
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: CLAUDE, tierIndex: 3 });
    assert.deepEqual(report.attempts.map((a) => [a.model, a.tier, a.verdict]), [
      ['qwen2.5-coder:7b', 'local', 'escalate'], ['qwen-32b', 'local', 'escalate'], ['deepseek-chat', 'cloud', 'escalate'], [CLAUDE, 'cloud', 'accept'],
    ]);
    assert.equal(report.attempts[0].feedback, 'the laptop judge wants more');
    assert.equal(report.attempts[1].feedback, 'the gpu judge wants more');
    assert.match(report.attempts[2].feedback ?? '', /code/i);
    assert.equal(report.attempts[0].warm, 'ready', 'warmth from Ollama\'s /api/ps');
    // The llama-swap tier carried the laptop's feedback on; the cloud tier the gpu's.
    const toSwap = JSON.stringify(swap.requests.filter((r) => r.path === '/v1/chat/completions' && !isJudge(r)).at(-1)?.body);
    assert.ok(toSwap.includes('the laptop judge wants more'));

    const sawKey = (requests: { headers: object; body?: unknown; rawBody?: string }[], key: string) =>
      requests.some((r) => JSON.stringify(r.headers).includes(key) || JSON.stringify(r.body ?? r.rawBody ?? '').includes(key));
    const chats = <R extends { path: string }>(reqs: R[], path: string) => reqs.filter((r) => r.path === path);
    assert.ok(chats(ollama.requests, '/api/chat').every((r) => r.headers.authorization === `Bearer ${keys.ollama}`));
    assert.ok(chats(router.requests, '/v1/chat/completions').length > 0 && chats(router.requests, '/v1/chat/completions').every((r) => r.headers.authorization === `Bearer ${keys.router}`));
    assert.ok(swap.requests.every((r) => r.headers.authorization === undefined), 'llama-swap gets no key');
    assert.ok(claude.requests.every((r) => r.headers['x-api-key'] === keys.anthropic));
    for (const [name, key] of Object.entries(keys)) {
      if (name !== 'ollama') assert.ok(!sawKey(ollama.requests, key), `${name}'s key reached Ollama`);
      if (name !== 'router') assert.ok(!sawKey(router.requests, key), `${name}'s key reached the OpenAI-compatible cloud`);
      assert.ok(!sawKey(swap.requests, key), `${name}'s key reached llama-swap`);
      if (name !== 'anthropic') assert.ok(!sawKey(claude.requests, key), `${name}'s key reached Anthropic`);
      assert.ok(!log.logLines.some((l) => l.includes(key)), `${name}'s key is in the log`);
      assert.ok(!JSON.stringify(report).includes(key));
    }
    const lines = logSince(log, mark).join('\n');
    assert.match(lines, /deepseek-chat @ router.*unpriced \(add its price to hyperguild\.prices\)/, 'a cloud without a price says so, never $0');
  });

  it('a key stored for one address is not sent when the server is pointed elsewhere', async () => {
    const decoy = await FakeLlamaSwap.start({ models: [{ id: 'deepseek-chat' }], loaded: 'deepseek-chat' });
    try {
      decoy.responder = () => codeReply('function add(a, b) {\n  return a + b; // decoy\n}');
      await settings.set('servers', {
        laptop: { kind: 'ollama', url: ollama.url },
        router: { kind: 'openai-compatible', url: `${decoy.url}/v1`, cloud: true },
      });
      await settings.set('chain', [{ model: 'deepseek-chat', server: 'router' }]);
      const editor = await openWith(SOURCE, 'javascript');
      select(editor, 0, 2);
      const report = await runSkill();
      assert.equal(report.status, 'accepted', report.message);
      assert.ok(decoy.requests.length > 0);
      assert.ok(decoy.requests.every((r) => r.headers.authorization === undefined), 'the key went to an address it was not stored for');
      const setup = (await vscode.commands.executeCommand('hyperguild.checkSetup')) as string[];
      assert.ok(setup.some((l) => /^✗ the key stored for router was set for http:\/\/127\.0\.0\.1:\d+, so it is not sent to its address now/.test(l)), setup.join('\n'));
    } finally {
      await settings.set('servers', {
        laptop: { kind: 'ollama', url: ollama.url },
        router: { kind: 'openai-compatible', url: `${router.url}/v1`, cloud: true },
      });
      await settings.set('chain', [{ model: 'qwen2.5-coder:7b', server: 'laptop' }, 'qwen-32b', { model: 'deepseek-chat', server: 'router' }, CLAUDE]);
      await decoy.close();
    }
  });

  it('the warm state follows the first local tier\'s server; Check Setup has a line per server and model', async () => {
    await waitFor(() => api.getWarmState().server === 'online' && api.getWarmState().models.some((m) => m.id === 'qwen2.5-coder:7b'), 'Ollama\'s /api/ps in the warm state');
    const setup = (await vscode.commands.executeCommand('hyperguild.checkSetup')) as string[];
    const text = setup.join('\n');
    assert.match(text, /✓ Ollama "laptop" at http:\/\/127\.0\.0\.1:\d+ answers \(local, Ollama 0\.12\.6\)/);
    assert.match(text, /✓ qwen2\.5-coder:7b is known to laptop/);
    assert.match(text, /✓ an API key is stored for laptop/);
    assert.match(text, /✓ OpenAI-compatible server "router" at .* answers \(cloud\)/);
    assert.match(text, /✓ deepseek-chat is known to router/);
    assert.match(text, /✓ an API key is stored for router/);
    assert.match(text, /✓ qwen-32b is configured in llama-swap/);
  });
});
