// Item 5: how often the status bar asks llama-swap's /running, with the real WarmTracker and client against
// the fake, at the extension's defaults (every 5 s while focused; 5 s → 60 s backoff while offline).
// Minutes are simulated: the tracker runs on a clock `scale` times faster than real time, so its 5 s
// interval takes 5000/scale real ms. Each request's own (real, ~1 ms) time is stretched by the same factor,
// which is why a focused minute counts slightly under 12.
import { performance } from 'node:perf_hooks';
import { LlamaSwapClient } from '../src/backends/llamaSwap';
import { WarmTracker, type Clock } from '../src/core/warmth/warmTracker';
import { FakeLlamaSwap } from '../test/fakes/fakeLlamaSwap';
import { LOCAL_A } from './engine';
import { sleep } from './stats';

class ScaledClock implements Clock {
  private readonly origin = performance.now();
  constructor(private readonly scale: number) {}
  now(): number {
    return (performance.now() - this.origin) * this.scale;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    return setTimeout(callback, ms / this.scale);
  }
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
}

export interface PollingMode {
  mode: 'focused' | 'unfocused' | 'offline';
  /** /running requests (as the client sent them), per simulated minute over the whole window. */
  perMinute: number;
  /** In the first simulated minute. */
  firstMinute: number;
  /** Over the second half of the window (offline: once the backoff has reached its cap). */
  steadyPerMinute: number;
  /** /v1/models requests over the window (aliases, read once while online). */
  aliasRequests: number;
  /** What the fake counted for /running (online modes), a cross-check of the client-side count. */
  serverCounted?: number;
}

export interface PollingResult {
  scale: number;
  minutes: number;
  intervalMs: number;
  modes: PollingMode[];
}

/** The three modes run side by side, each with its own tracker and fake, for `minutes` simulated minutes. */
export async function pollingBench(options: { scale: number; minutes: number }): Promise<PollingResult> {
  const intervalMs = 5000; // hyperguild.statusBarPollSeconds default
  const windowMs = options.minutes * 60_000;
  const run = async (mode: PollingMode['mode']): Promise<PollingMode> => {
    const fake = await FakeLlamaSwap.start({ models: [{ id: LOCAL_A }], loaded: LOCAL_A });
    const client = new LlamaSwapClient({ baseUrl: fake.url });
    const clock = new ScaledClock(options.scale);
    const polls: number[] = [];
    let aliasRequests = 0;
    const tracker = new WarmTracker({
      fetchRunning: (signal) => {
        polls.push(clock.now());
        return client.running(signal);
      },
      fetchAliases: (signal) => {
        aliasRequests++;
        return client.models(signal);
      },
      intervalMs,
      clock,
    });
    try {
      if (mode === 'offline') await fake.goOffline();
      // The status bar: active while the window is focused and the chain has a local tier.
      tracker.setActive(mode !== 'unfocused');
      await sleep(windowMs / options.scale);
      tracker.dispose();
      const within = (from: number, to: number) => polls.filter((t) => t >= from && t < to).length;
      return {
        mode,
        perMinute: within(0, windowMs) / options.minutes,
        firstMinute: within(0, 60_000),
        steadyPerMinute: within(windowMs / 2, windowMs) / (options.minutes / 2),
        aliasRequests,
        ...(mode !== 'offline' && { serverCounted: fake.count('/running') }),
      };
    } finally {
      tracker.dispose();
      await client.close();
      await fake.close();
    }
  };
  const modes = await Promise.all([run('focused'), run('unfocused'), run('offline')]);
  return { scale: options.scale, minutes: options.minutes, intervalMs, modes };
}
