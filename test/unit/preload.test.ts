import * as assert from 'node:assert/strict';
import { preloadIfCold } from '../../src/core/warmth/preload';
import { WarmTracker } from '../../src/core/warmth/warmTracker';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';

describe('preload on command start', () => {
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;
  let tracker: WarmTracker;
  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (l: string) => warnings.push(l) };

  beforeEach(async () => {
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b', loadMs: 400 }, { id: 'other' }], loaded: 'other' });
    client = new LlamaSwapClient({ baseUrl: fake.url });
    tracker = new WarmTracker({ fetchRunning: (s) => client.running(s), intervalMs: 60_000 });
    warnings.length = 0;
  });
  afterEach(async () => {
    tracker.dispose();
    await client.close();
    await fake.close();
  });

  const deps = () => ({ tracker, preload: (m: string) => client.preload(m), log, recheckMs: 50 });

  it('loads a cold model, and the state shows it starting before the load ends', async () => {
    const done = preloadIfCold(deps(), 'qwen-7b');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fake.count('/upstream/qwen-7b/health'), 1);
    assert.equal(tracker.stateOf('qwen-7b'), 'starting', 'the recheck saw the load in progress');
    assert.equal(await done, true);
    assert.equal(tracker.stateOf('qwen-7b'), 'ready');
  });

  it('leaves a ready model alone and asks nothing of an offline server', async () => {
    await preloadIfCold(deps(), 'qwen-7b');
    const requests = fake.count('/upstream/qwen-7b/health');
    assert.equal(await preloadIfCold(deps(), 'qwen-7b'), false);
    assert.equal(fake.count('/upstream/qwen-7b/health'), requests);
    await fake.goOffline();
    await tracker.refresh();
    assert.equal(await preloadIfCold(deps(), 'other'), false);
    assert.deepEqual(warnings, []);
  });

  it('never rejects: a failed load is a warning in the log', async () => {
    const failing = { ...deps(), preload: () => Promise.reject(new Error('health check timed out')) };
    assert.equal(await preloadIfCold(failing, 'qwen-7b'), false);
    assert.match(warnings[0], /Preloading qwen-7b failed: health check timed out/);
  });
});
