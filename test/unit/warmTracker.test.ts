// The warm-model tracker against the fake llama-swap on 127.0.0.1 (real timers, small intervals), and its
// backoff schedule on a manual clock (the default 5 s … 60 s, exactly).
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import type { RunningModel } from '../../src/core/types';
import { WarmTracker, type Clock, type ServerWarmState, type WarmTrackerOptions } from '../../src/core/warmth/warmTracker';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';

async function waitFor(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`not in time: ${what}`);
    await sleep(5);
  }
}

const summary = (s: ServerWarmState) => `${s.server}${s.models.map((m) => ` ${m.id}:${m.state}`).join('')}`;

/** Deterministic timers: advance() fires due callbacks in order and lets promise chains settle between them. */
class ManualClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.set(++this.seq, { at: this.t + ms, fn });
    return this.seq;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const due = [...this.timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
    await new Promise((r) => setImmediate(r));
  }
}

describe('WarmTracker', function () {
  this.timeout(5000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;
  const trackers: WarmTracker[] = [];
  const extra: { close(): Promise<void> }[] = [];

  function track(options: Partial<WarmTrackerOptions> = {}): WarmTracker {
    const tracker = new WarmTracker({
      fetchRunning: (signal) => client.running(signal),
      fetchAliases: (signal) => client.models(signal),
      intervalMs: 20, backoffMinMs: 20, backoffMaxMs: 80, requestTimeoutMs: 500,
      ...options,
    });
    trackers.push(tracker);
    return tracker;
  }

  beforeEach(async () => {
    fake = await FakeLlamaSwap.start({
      models: [{ id: 'qwen-7b', aliases: ['coder'] }, { id: 'qwen-32b', loadMs: 300 }, { id: 'gemma' }],
      loaded: 'qwen-7b',
    });
    client = new LlamaSwapClient({ baseUrl: fake.url });
  });

  afterEach(async () => {
    for (const t of trackers.splice(0)) t.dispose();
    await client.close();
    await fake.close();
    for (const c of extra.splice(0)) await c.close();
  });

  it('polls only while active', async () => {
    const tracker = track();
    await sleep(100);
    assert.equal(fake.count('/running'), 0, 'polled while inactive');
    assert.equal(tracker.state.server, 'unknown');

    tracker.setActive(true);
    await waitFor(() => fake.count('/running') >= 4, 'four polls');
    assert.equal(summary(tracker.state), 'online qwen-7b:ready');

    tracker.setActive(false);
    await sleep(30); // a request already in flight may still land
    const settled = fake.count('/running');
    await sleep(150);
    assert.equal(fake.count('/running'), settled, 'polled after setActive(false)');
  });

  it('keeps one request in flight when refresh() is called repeatedly and the server is slow', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const tracker = track({
      intervalMs: 5,
      fetchRunning: async (signal) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await sleep(120); // a slow server
          return await client.running(signal);
        } finally {
          inFlight--;
        }
      },
    });
    tracker.setActive(true);
    const joined = Array.from({ length: 10 }, () => tracker.refresh());
    assert.ok(joined.every((p) => p === joined[0]), 'refresh() did not join the request in flight');
    const state = await joined[0];
    assert.equal(summary(state), 'online qwen-7b:ready');
    assert.equal(fake.count('/running'), 1);

    // Keep hammering while polling runs at a 5 ms interval against the 120 ms server.
    const end = Date.now() + 400;
    while (Date.now() < end) {
      void tracker.refresh();
      await sleep(3);
    }
    assert.equal(maxInFlight, 1);
    assert.ok(fake.count('/running') <= 5, `${fake.count('/running')} requests in 520 ms at 120 ms each`);
  });

  it('backs off 5 s doubling to 60 s while unreachable, and recovers by itself (manual clock)', async () => {
    const clock = new ManualClock();
    let online = false;
    const attempts: number[] = [];
    const tracker = new WarmTracker({
      intervalMs: 1000,
      clock,
      fetchRunning: async (): Promise<RunningModel[]> => {
        attempts.push(clock.now());
        if (!online) throw new Error('connect ECONNREFUSED 127.0.0.1:8080');
        return [{ model: 'qwen-7b', state: 'ready' }];
      },
    });
    trackers.push(tracker);
    tracker.setActive(true);
    await clock.advance(200_000);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    assert.deepEqual(gaps, [5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    assert.equal(tracker.state.server, 'offline');

    // Losing and regaining focus does not skip the wait.
    tracker.setActive(false);
    tracker.setActive(true);
    await clock.advance(1);
    assert.equal(attempts.length, 7);

    online = true;
    await clock.advance(60_000);
    assert.equal(summary(tracker.state), 'online qwen-7b:ready');
    const back = attempts.length;
    await clock.advance(5000);
    assert.equal(attempts.length - back, 5, 'back to the 1 s interval once online');
  });

  it('applies a new interval from the last poll (manual clock)', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const tracker = new WarmTracker({
      intervalMs: 5000,
      clock,
      fetchRunning: async (): Promise<RunningModel[]> => {
        attempts.push(clock.now());
        return [];
      },
    });
    trackers.push(tracker);
    tracker.setActive(true);
    await clock.advance(3000);
    tracker.setIntervalMs(1000); // the next poll is already overdue: now
    await clock.advance(2500);
    assert.deepEqual(attempts, [0, 3000, 4000, 5000]);
  });

  it('backs off against the real fake while it is offline and recovers when it returns', async () => {
    const attempts: number[] = [];
    const tracker = track({
      intervalMs: 10, backoffMinMs: 40, backoffMaxMs: 160,
      fetchRunning: (signal) => {
        attempts.push(Date.now());
        return client.running(signal);
      },
    });
    await fake.goOffline();
    tracker.setActive(true);
    await sleep(700);
    assert.equal(tracker.state.server, 'offline');
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    const expected = [40, 80, 160, 160];
    assert.ok(gaps.length >= 4 && gaps.length <= 6, `attempt gaps ${gaps.join(', ')}`);
    expected.forEach((ms, i) => assert.ok(gaps[i] >= ms - 3 && gaps[i] < ms + 80, `gap ${i} was ${gaps[i]} ms, expected ${ms}`));

    await fake.goOnline();
    await waitFor(() => tracker.state.server === 'online', 'recovery', 1000);
    const before = fake.count('/running');
    await sleep(150);
    assert.ok(fake.count('/running') - before >= 4, 'not back to the short interval');
  });

  it('follows ready → starting → offline → online and fires a change event only on a change', async () => {
    const tracker = track();
    const seen: string[] = [];
    tracker.onDidChange((s) => seen.push(summary(s)));
    tracker.setActive(true);
    await waitFor(() => tracker.state.server === 'online', 'online');
    await waitFor(() => fake.count('/running') >= 6, 'several unchanged polls');
    assert.deepEqual(seen, ['online qwen-7b:ready']);

    const preload = client.preload('qwen-32b');
    await waitFor(() => summary(tracker.state) === 'online qwen-32b:starting', 'starting');
    await preload;
    await waitFor(() => summary(tracker.state) === 'online qwen-32b:ready', 'ready after the load');

    await fake.goOffline();
    await waitFor(() => tracker.state.server === 'offline', 'offline');
    await fake.goOnline();
    await waitFor(() => tracker.state.server === 'online', 'online again', 1000);
    assert.deepEqual(seen, ['online qwen-7b:ready', 'online qwen-32b:starting', 'online qwen-32b:ready', 'offline', 'online qwen-32b:ready']);
  });

  it('readWarmth asks the server now, with a request of its own; cachedWarmth answers from a fresh cache only', async () => {
    const tracker = track({ intervalMs: 40 });
    assert.equal(tracker.cachedWarmth('qwen-7b'), 'unknown', 'nothing read yet');
    assert.equal(await tracker.readWarmth('qwen-7b'), 'ready');
    assert.equal(await tracker.readWarmth('coder'), 'ready', 'an alias of the loaded model');
    assert.equal(await tracker.readWarmth('qwen-32b'), 'cold');
    assert.equal(fake.count('/running'), 3, 'every read is a request: a cached answer may predate a swap');
    assert.equal(tracker.cachedWarmth('qwen-7b'), 'ready', 'the read also refreshed the cache the status bar shows');

    await sleep(200); // older than two intervals, and nothing polls (inactive)
    assert.equal(tracker.cachedWarmth('qwen-7b'), 'unknown', 'stale is unknown');

    await fake.goOffline();
    assert.equal(await tracker.readWarmth('qwen-7b'), 'unknown', 'an unreachable server: unknown, never a rejection');
  });

  it('a read started during a poll does not join it: it sees a swap that happened after the poll began', async () => {
    const slow = await FakeLlamaSwap.start({ models: [{ id: 'a' }, { id: 'b', loadMs: 50 }], loaded: 'a' });
    const slowClient = new LlamaSwapClient({ baseUrl: slow.url });
    extra.push(slowClient, slow);
    let holdFirst = true;
    const tracker = new WarmTracker({
      intervalMs: 60_000,
      fetchRunning: async (signal) => {
        if (holdFirst) {
          holdFirst = false;
          const stale = await slowClient.running(signal);
          await sleep(150); // the poll's answer arrives late, after the swap below
          return stale;
        }
        return slowClient.running(signal);
      },
    });
    trackers.push(tracker);
    const poll = tracker.refresh();
    await sleep(20);
    await slowClient.preload('b'); // b evicts a
    assert.equal(await tracker.readWarmth('a'), 'cold');
    await poll;
  });

  it('setSource resets to unknown and asks the new server at once', async () => {
    const other = await FakeLlamaSwap.start({ models: [{ id: 'gemma' }], loaded: 'gemma' });
    const otherClient = new LlamaSwapClient({ baseUrl: other.url });
    extra.push(otherClient, other);
    const tracker = track({ intervalMs: 1000 }); // slow polling: the switch must not wait for it
    const seen: string[] = [];
    tracker.onDidChange((s) => seen.push(summary(s)));
    tracker.setActive(true);
    await waitFor(() => tracker.state.server === 'online', 'online');

    tracker.setSource((signal) => otherClient.running(signal));
    assert.equal(tracker.state.server, 'unknown');
    await waitFor(() => summary(tracker.state) === 'online gemma:ready', 'the new server', 500);
    assert.deepEqual(seen, ['online qwen-7b:ready', 'unknown', 'online gemma:ready']);
    assert.equal(fake.count('/running'), 1, 'the old server was asked again');
  });

  it('stops polling and drops a late answer once disposed', async () => {
    const tracker = track({ fetchRunning: async (signal) => { await sleep(50); return client.running(signal); } });
    const seen: string[] = [];
    tracker.onDidChange((s) => seen.push(summary(s)));
    tracker.setActive(true);
    await sleep(10);
    tracker.dispose();
    await sleep(150);
    assert.deepEqual(seen, []);
    assert.ok(fake.count('/running') <= 1);
  });
});
