// Each tier's warmth describes that tier's own request: read when the tier starts, so a model an earlier tier
// of the same run swapped out is not reported warm from a cache that predates the swap.
import * as assert from 'node:assert/strict';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { runChain } from '../../src/core/engine/orchestrator';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { WarmTracker } from '../../src/core/warmth/warmTracker';
import { FakeLlamaSwap, type RecordedRequest } from '../fakes/fakeLlamaSwap';
import { fence, tiersOf } from '../support/scriptedBackend';

const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;
const task = { filePath: 'a.ts', languageId: 'typescript', selection: 'let x = 1;', before: '', after: '' };
const isJudge = (r: RecordedRequest) => typeof r.body === 'object' && r.body !== null && 'response_format' in r.body;
const chain = () => tiersOf('model-a', 'model-b');

describe('tier warmth after a swap within the run', function () {
  this.timeout(8000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;
  let tracker: WarmTracker;

  beforeEach(async () => {
    // One model at a time (llama-swap's default swap group); b is loaded when the run starts.
    fake = await FakeLlamaSwap.start({ models: [{ id: 'model-a', loadMs: 150 }, { id: 'model-b', loadMs: 300 }], loaded: 'model-b' });
    fake.responder = (r) => isJudge(r)
      ? { kind: 'text', pieces: [JSON.stringify(r.model === 'model-a' ? { verdict: 'escalate', feedback: 'wrong' } : { verdict: 'accept', feedback: 'ok' })], finish: 'stop' }
      : { kind: 'text', pieces: [fence('let x = 2;')], finish: 'stop' };
    client = new LlamaSwapClient({ baseUrl: fake.url });
    tracker = new WarmTracker({ fetchRunning: (s) => client.running(s), intervalMs: 10_000 });
  });
  afterEach(async () => {
    tracker.dispose();
    await client.close();
    await fake.close();
  });

  it('b, shown ready before the run, had to load again after a evicted it: its attempt says so, with the load time', async () => {
    await tracker.refresh();
    assert.equal(tracker.stateOf('model-b'), 'ready', 'the status bar shows b warm before the run');
    const result = await runChain({
      tiers: chain(), skill: refactor, task, maxTokens: 64, backends: { 'llama-swap': client, anthropic: client },
      warmth: (m) => tracker.readWarmth(m), warmthHint: (m) => tracker.cachedWarmth(m),
    });
    assert.deepEqual(result.attempts.map((a) => [a.model, a.verdict]), [['model-a', 'escalate'], ['model-b', 'accept']]);
    assert.notEqual(result.attempts[0].warm, 'ready', 'a was cold');
    assert.notEqual(result.attempts[1].warm, 'ready', 'b was evicted by a in this run');
    assert.ok((result.attempts[1].loadMs ?? 0) >= 250, `the load was seen (${result.attempts[1].loadMs} ms)`);
  });

  it('a model that stays loaded is reported ready', async () => {
    const result = await runChain({
      tiers: tiersOf('model-b'), skill: refactor, task, maxTokens: 64, backends: { 'llama-swap': client, anthropic: client },
      warmth: (m) => tracker.readWarmth(m),
    });
    assert.equal(result.attempts[0].warm, 'ready');
    assert.equal(result.attempts[0].loadMs, undefined);
  });
});
