// Item 3: a cold first local tier (3 s load) and a user who spends 2 s in the skill picker. Command →
// first visible token, with and without the preload that the extension issues when the picker opens.
import { performance } from 'node:perf_hooks';
import { LlamaSwapClient } from '../src/backends/llamaSwap';
import { parseChain } from '../src/core/engine/chain';
import { runChain, type Attempt } from '../src/core/engine/orchestrator';
import { WarmTracker } from '../src/core/warmth/warmTracker';
import { FakeLlamaSwap } from '../test/fakes/fakeLlamaSwap';
import { CLOUD, LOCAL_A, newToken, SKILL, taskFor, tokensIn } from './engine';
import { sleep, summarize, type Summary } from './stats';
import { codeAnswer, GENERATION, isJudge, JUDGE, streamAfterDelay, verdict } from './streams';
import { preloadIfCold } from '../src/core/warmth/preload';

export interface ColdStartResult {
  loadMs: number;
  pickerMs: number;
  pairs: number;
  /** Command → first visible token. */
  without: Summary;
  withPreload: Summary;
  /** Per pair: (without − with) / picker time, in %. */
  hiddenPct: Summary;
  /** Warmth the first tier reported at its start (cold without preload, starting with it). */
  warmWithout: string[];
  warmWith: string[];
}

export async function coldStartBench(options: { pairs: number; loadMs: number; pickerMs: number; log: (line: string) => void }): Promise<ColdStartResult> {
  const fake = await FakeLlamaSwap.start({ models: [{ id: LOCAL_A, loadMs: options.loadMs }] });
  fake.responder = (req) => {
    const token = [...tokensIn(req.rawBody)][0] ?? 'no-token';
    return isJudge(req) ? streamAfterDelay(req, verdict('accept', `${token}: correct`), JUDGE) : streamAfterDelay(req, codeAnswer(token, LOCAL_A), GENERATION);
  };
  const client = new LlamaSwapClient({ baseUrl: fake.url });
  const tracker = new WarmTracker({ fetchRunning: (s) => client.running(s), fetchAliases: (s) => client.models(s), intervalMs: 5000 });
  const parsed = parseChain([LOCAL_A, CLOUD]);
  if (!parsed.ok) throw new Error(parsed.message);
  const tiers = parsed.tiers;
  const noCloud = { id: 'anthropic' as const, chat: () => Promise.reject(new Error('the cloud tier is not part of this benchmark')) };

  /** One command: (preload) → picker → run; returns command → first token and the first tier's warmth. */
  const trial = async (preload: boolean): Promise<{ ms: number; warm: Attempt['warm'] }> => {
    if (fake.running().length) await client.unload(LOCAL_A);
    await tracker.refresh(); // the status bar knows it is cold, as it would from its polling
    const token = newToken();
    let firstToken: number | undefined;
    const command = performance.now();
    // The extension's own step (src/core/warmth/preload.ts), fire and forget as there.
    if (preload) void preloadIfCold({ tracker, preload: (m) => client.preload(m), log: { info: () => undefined, warn: options.log } }, LOCAL_A);
    await sleep(options.pickerMs); // the user reads the skill list and picks one
    const result = await runChain({
      tiers, skill: SKILL, task: taskFor(token), backends: { 'llama-swap': client, anthropic: noCloud }, maxTokens: 4096,
      warmth: (m) => tracker.readWarmth(m),
      onEvent: (e) => {
        if (e.type === 'text') firstToken ??= performance.now();
      },
    });
    if (result.status !== 'accepted' || firstToken === undefined) throw new Error(`cold-start run: ${result.status} ${result.message ?? ''}`);
    return { ms: firstToken - command, warm: result.attempts[0].warm };
  };

  const without: number[] = [];
  const withPreload: number[] = [];
  const hidden: number[] = [];
  const warmWithout: string[] = [];
  const warmWith: string[] = [];
  try {
    tracker.setActive(true);
    for (let i = 0; i < options.pairs; i++) {
      // Alternate the order so that drift does not favour one side.
      const order = i % 2 ? [true, false] : [false, true];
      const times: Record<string, number> = {};
      for (const preload of order) {
        const t = await trial(preload);
        times[String(preload)] = t.ms;
        (preload ? warmWith : warmWithout).push(t.warm);
      }
      without.push(times.false);
      withPreload.push(times.true);
      hidden.push(((times.false - times.true) / options.pickerMs) * 100);
      options.log(`cold start: pair ${i + 1}/${options.pairs}: without ${Math.round(times.false)} ms, with preload ${Math.round(times.true)} ms`);
    }
  } finally {
    tracker.dispose();
    await client.close();
    await fake.close();
  }
  return {
    loadMs: options.loadMs, pickerMs: options.pickerMs, pairs: options.pairs,
    without: summarize(without), withPreload: summarize(withPreload), hiddenPct: summarize(hidden), warmWithout, warmWith,
  };
}
