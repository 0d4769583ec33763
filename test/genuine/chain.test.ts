// The engine against genuine servers (issue 22): a chain [tiny-a, tiny-b, cloud-fake] on llama-swap, on
// llama-server's router and on a single-model llama-server, with the extension's own clients, warmth source and
// syntax gate. The models are noise; only protocol facts are asserted (statuses, warmth, token counts, verdicts).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { AnthropicBackend } from '../../src/backends/anthropic';
import { createServerClient } from '../../src/backends/serverClient';
import { parseChain, type Tier } from '../../src/core/engine/chain';
import { runChain, type RunResult } from '../../src/core/engine/orchestrator';
import type { Task } from '../../src/core/engine/prompts';
import { parseServers } from '../../src/core/engine/servers';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import type { ChatBackend, ModelServer } from '../../src/core/types';
import { WarmTracker } from '../../src/core/warmth/warmTracker';
import { SyntaxChecker } from '../../src/syntax/syntaxGate';
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { assertOneSentence } from '../support/checks';
import { genuine } from './setup';

const WASM = path.resolve(__dirname, '../../../node_modules/@vscode/tree-sitter-wasm/wasm');
const CLAUDE = 'claude-sonnet-4-6';
const KEY = 'sk-ant-genuine-suite';
const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;
const BEFORE = 'const limit = 10;\n';
const SELECTION = 'function add(a, b) {\n  return a + b;\n}\n';
const AFTER = 'module.exports = { add };\n';
const task: Task = { filePath: 'src/add.js', languageId: 'javascript', before: BEFORE, selection: SELECTION, after: AFTER };
const CLOUD_CODE = '```js\nfunction add(a, b) {\n  return Number(a) + Number(b);\n}\n```';

type Client = ChatBackend & Partial<ModelServer>;
export type ServerName = 'swap' | 'router' | 'single' | 'broken';

/** The chain's tiers and clients for one genuine server, as the extension builds them from its settings. */
export function chainOn(server: ServerName, models: string[], cloudUrl: string): { tiers: Tier[]; backends: Record<string, Client>; local: Client } {
  const set = genuine();
  const servers = parseServers({
    router: { kind: 'llama-server', url: set.router.url },
    single: { kind: 'llama-server', url: set.single.url },
    broken: { kind: 'llama-server', url: set.broken.url },
  }).servers;
  const entries = models.map((model) => (server === 'swap' ? model : { model, server }));
  const parsed = parseChain([...entries, CLAUDE], servers);
  if (!parsed.ok) throw new Error(parsed.message);
  const timeouts = { firstByteTimeoutMs: 60_000, idleTimeoutMs: 20_000 };
  const local: Client = server === 'swap'
    ? new LlamaSwapClient({ baseUrl: set.swap.url, ...timeouts })
    : createServerClient(servers.get(server)!, timeouts);
  const anthropic = new AnthropicBackend({ getApiKey: () => Promise.resolve(KEY), baseUrl: cloudUrl, maxRetries: 0 });
  return { tiers: parsed.tiers, backends: { [server === 'swap' ? 'llama-swap' : `@${server}`]: local, anthropic }, local };
}

/** Runs the refactor skill over the chain with the extension's warmth source (a WarmTracker read per tier) and syntax gate. */
export async function runOn(server: ServerName, models: string[], cloudUrl: string): Promise<{ result: RunResult; local: Client }> {
  const { tiers, backends, local } = chainOn(server, models, cloudUrl);
  const tracker = new WarmTracker({ fetchRunning: (s) => local.status!(s), intervalMs: 60_000 });
  const checker = new SyntaxChecker(WASM);
  const doc = BEFORE + SELECTION + AFTER;
  const gate = checker.prepare('javascript', doc, BEFORE.length, BEFORE.length + SELECTION.length);
  try {
    const result = await runChain({
      tiers, backends, skill: refactor, task, maxTokens: 256, signal: AbortSignal.timeout(60_000),
      warmth: (model) => tracker.readWarmth(model), syntaxCheck: (p) => gate.check(p),
    });
    return { result, local };
  } finally {
    gate.dispose();
    tracker.dispose();
    await Promise.all(Object.values(backends).map((b) => (b as Partial<ModelServer>).close?.() ?? Promise.resolve()));
  }
}

/** Waits (≤ 15 s) until the server says what `done` wants. */
export async function until(client: Client, done: (models: { model: string; state: string }[]) => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    const models = (await client.status!()).models;
    if (done(models)) return;
    if (Date.now() > end) assert.fail(`not in 15 s: ${what} (the server says ${JSON.stringify(models)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const loaded = (models: { model: string; state: string }[], model: string) => models.some((m) => m.model === model && m.state === 'ready');

/** What every local attempt of a run must show: the server answered, the gates passed, the judge (its own model) ran on a reused prompt. */
function assertJudgedLocally(result: RunResult): void {
  for (const a of result.attempts.filter((x) => x.tier === 'local')) {
    assert.equal(a.verdict, 'escalate', `${a.model}: ${a.feedback}`);
    // The grammar's answer passed the cheap gates and the syntax gate (no problem, so no feedback of theirs):
    // the judge was asked, and its readable verdict escalated (the servers' logit bias).
    assert.match(a.syntaxNote ?? '', /^syntax gate: javascript, [\d.]+ ms$/);
    assert.ok(a.judgePrompt, `${a.model} was stopped before the judge: ${a.feedback}`);
    // The judge answered (never a failed request): readable with an empty reason where both biases apply; on the
    // router, where only `es` does (servers.ts), unreadable or readable with the model's noise as its reason.
    assert.ok(!(a.feedback ?? '').startsWith('the verifier failed'), `${a.feedback}: ${a.detail}`);
    // The self-judge continues the generation's conversation: most of its prompt comes from the slot's cache.
    assert.ok(a.judgePrompt.cached > a.judgePrompt.evaluated, `${a.model}: cache_n ${a.judgePrompt.cached}, prompt_n ${a.judgePrompt.evaluated}`);
    assert.ok((a.inputTokens ?? 0) > a.judgePrompt.cached && (a.outputTokens ?? 0) > 0, `${a.model}: tokens ${a.inputTokens}/${a.outputTokens}`);
    assert.equal(a.costUsd, 0);
  }
}

describe('genuine servers: a chain [tiny-a, tiny-b, cloud-fake] on each server', function () {
  let cloud: FakeAnthropic;
  before(async () => {
    cloud = await FakeAnthropic.start({ apiKey: KEY, knownModels: [CLAUDE], defaultReply: { kind: 'message', pieces: [CLOUD_CODE] } });
  });
  after(() => cloud.close());

  it('llama-swap: tiny-a warm, tiny-b cold after the swap inside the run, both judged, the cloud accepts', async () => {
    const { local } = chainOn('swap', ['tiny-a'], cloud.url);
    await local.preload!('tiny-a');
    assert.deepEqual((await local.status!()).models, [{ model: 'tiny-a', state: 'ready' }]);
    await local.close!();
    const { result, local: after } = await runOn('swap', ['tiny-a', 'tiny-b'], cloud.url);
    assert.equal(result.status, 'accepted', result.message);
    assert.deepEqual(result.attempts.map((a) => [a.model, a.warm, a.verdict]), [['tiny-a', 'ready', 'escalate'], ['tiny-b', 'cold', 'escalate'], [CLAUDE, 'unknown', 'accept']]);
    assertJudgedLocally(result);
    assert.ok(result.attempts[1].loadMs !== undefined, 'a cold tier reports how long its load took');
    const client = new LlamaSwapClient({ baseUrl: genuine().swap.url });
    try {
      // One swap group: tiny-b replaced tiny-a.
      assert.deepEqual((await client.status()).models, [{ model: 'tiny-b', state: 'ready' }]);
    } finally {
      await client.close();
      await after.close?.();
    }
  });

  it('llama-server router: tiny-a warm, tiny-b not warm after the swap inside the run (--models-max 1), the cloud accepts', async () => {
    const { local } = chainOn('router', ['tiny-a'], cloud.url);
    try {
      await local.preload!('tiny-a');
      await until(local, (m) => loaded(m, 'tiny-a'), 'tiny-a loaded');
    } finally {
      await local.close!();
    }
    const { result } = await runOn('router', ['tiny-a', 'tiny-b'], cloud.url);
    assert.equal(result.status, 'accepted', result.message);
    assert.deepEqual(result.attempts.map((a) => [a.model, a.verdict]), [['tiny-a', 'escalate'], ['tiny-b', 'escalate'], [CLAUDE, 'accept']]);
    assert.equal(result.attempts[0].warm, 'ready');
    // Read as the request arrives: unloaded (cold) or already loading; never the warmth of the model it evicts.
    assert.ok(['cold', 'starting'].includes(result.attempts[1].warm), `tiny-b after the swap: ${result.attempts[1].warm}`);
    assertJudgedLocally(result);
    const check = chainOn('router', ['tiny-a'], cloud.url).local;
    try {
      assert.deepEqual((await check.status!()).models, [{ model: 'tiny-b', state: 'ready' }]);
    } finally {
      await check.close!();
    }
  });

  it('single-model llama-server: every tier is warm (it serves one model whatever a request names), the cloud accepts', async () => {
    const { result } = await runOn('single', ['tiny-a', 'tiny-b'], cloud.url);
    assert.equal(result.status, 'accepted', result.message);
    assert.deepEqual(result.attempts.map((a) => [a.model, a.warm, a.verdict]), [['tiny-a', 'ready', 'escalate'], ['tiny-b', 'ready', 'escalate'], [CLAUDE, 'unknown', 'accept']]);
    assertJudgedLocally(result);
    assert.ok(result.attempts.every((a) => a.loadMs === undefined), 'nothing was loaded');
  });

  it('a mid-stream server error (the model\'s output does not parse) is an error attempt with one sentence, and the chain goes on', async () => {
    const { result } = await runOn('broken', ['broken'], cloud.url);
    assert.equal(result.status, 'accepted', result.message);
    const [failed, cloudTier] = result.attempts;
    assert.deepEqual([failed.verdict, failed.errorKind, failed.serverSilent], ['error', 'stream', undefined]);
    assertOneSentence(failed.feedback);
    assert.match(failed.feedback!, /broken/);
    assert.match(failed.detail ?? '', /does not match the expected peg-native format/, 'the server\'s own message is kept for the log');
    assert.deepEqual([cloudTier.model, cloudTier.verdict], [CLAUDE, 'accept']);
  });
});
