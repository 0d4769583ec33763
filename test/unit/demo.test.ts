// The demo behind `npm start` tells the whole story through the real engine and clients: a cold load with
// progress, a local answer escalated with the judge's feedback, a second local tier accepted; and, on another
// function, a run that reaches the cloud tier.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AnthropicBackend } from '../../src/backends/anthropic';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { tiersOf } from '../support/scriptedBackend';
import { runChain, type RunEvent } from '../../src/core/engine/orchestrator';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { WarmTracker } from '../../src/core/warmth/warmTracker';
import { DEMO_KEY, startDemo, type Demo } from '../demo/server';
import { ANTHROPIC_SECRET, demoIsolation, MemorySecrets, readKey } from '../../src/editor/setup/boundKeys';

const MATH = readFileSync(resolve(__dirname, '../../../sample-workspace/src/math.ts'), 'utf8');
const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;

function selection(name: string): string {
  const start = MATH.indexOf(`export function ${name}`);
  return MATH.slice(start, MATH.indexOf('\n}\n', start) + 3);
}

describe('the demo of npm start', function () {
  this.timeout(10_000);
  let demo: Demo;
  let client: LlamaSwapClient;
  let tracker: WarmTracker;

  /** The user's own secret storage, holding a real key (desktop VS Code shares it with the demo's window). */
  const userSecrets = new MemorySecrets();
  /** What start.sh puts in the extension host's environment for the demo. */
  const env = { HYPERGUILD_DEMO: '1', ANTHROPIC_API_KEY: DEMO_KEY };
  /** The key as the extension reads it in demo mode: its secret storage (demoIsolation's), else the environment. */
  const demoSecrets = demoIsolation(env.HYPERGUILD_DEMO === '1', userSecrets).secrets;
  const cloudKey = () => readKey(demoSecrets, ANTHROPIC_SECRET, 'ANTHROPIC_API_KEY', env);

  before(async () => {
    await userSecrets.store(ANTHROPIC_SECRET, 'sk-ant-the-users-real-key');
    demo = await startDemo({ speed: 10 });
    client = new LlamaSwapClient({ baseUrl: demo.local.url });
    tracker = new WarmTracker({ fetchRunning: (s) => client.running(s), intervalMs: 60_000 });
  });
  after(async () => {
    tracker.dispose();
    await client.close();
    await demo.close();
  });

  const run = (name: string, events: RunEvent[] = []) => {
    return runChain({
      tiers: tiersOf('qwen2.5-coder-7b', 'qwen2.5-coder-32b', 'claude-sonnet-5-5'), skill: refactor, maxTokens: 512, warmth: (m) => tracker.readWarmth(m), onEvent: (e) => events.push(e),
      task: { filePath: 'src/math.ts', languageId: 'typescript', selection: selection(name), before: '', after: '' },
      backends: { 'llama-swap': client, anthropic: new AnthropicBackend({ getApiKey: cloudKey, baseUrl: demo.cloud.url }) },
    });
  };

  it('average: a cold load with progress, the 7B answer escalated with feedback, the 32B one accepted', async () => {
    const events: RunEvent[] = [];
    const result = await run('average', events);
    assert.ok(events.some((e) => e.type === 'loading' && e.message.startsWith('llama-swap loading model: qwen2.5-coder-7b')));
    assert.deepEqual(result.attempts.map((a) => [a.model, a.verdict]), [['qwen2.5-coder-7b', 'escalate'], ['qwen2.5-coder-32b', 'accept']]);
    assert.equal(result.attempts[0].warm, 'cold');
    assert.match(result.attempts[0].feedback ?? '', /divides by zero/);
    assert.match(result.proposal ?? '', /if \(values\.length === 0\) return 0;/);
  });

  it('clamp: both local answers escalated, the cloud tier answers with the demo\'s key, never the user\'s stored one', async () => {
    const result = await run('clamp');
    assert.deepEqual(result.accepted, { model: 'claude-sonnet-5-5', tierIndex: 2 }, result.message);
    assert.deepEqual(demo.cloud.messageRequests.map((r) => r.headers['x-api-key']), [DEMO_KEY]);
    assert.match(result.proposal ?? '', /Reviewed by the cloud tier of the Hyperguild demo/);
  });

  it('demo runs go to their own history, apart from the user\'s; outside the demo nothing changes', () => {
    assert.equal(demoIsolation(true, userSecrets).historyFolder, 'demo');
    const real = demoIsolation(false, userSecrets);
    assert.equal(real.historyFolder, undefined);
    assert.equal(real.secrets, userSecrets);
  });
});
