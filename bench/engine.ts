// Items 1, 2 and 6: the engine's own cost per attempt (against the reference design's blocking warm
// probe, in the same process), time to first visible token, and 20 concurrent runs.
// Everything runs in this one process, so the fakes' performance.now() stamps and ours share a clock.
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { AnthropicBackend } from '../src/backends/anthropic';
import { LlamaSwapClient } from '../src/backends/llamaSwap';
import { parseChain, type Tier } from '../src/core/engine/chain';
import { runChain, type RunEvent, type RunResult, type WarmthSource } from '../src/core/engine/orchestrator';
import type { Task } from '../src/core/engine/prompts';
import { BUILT_IN_SKILLS } from '../src/core/engine/skills';
import type { ChatBackend, ChatRequest, ChatResult } from '../src/core/types';
import { WarmTracker } from '../src/core/warmth/warmTracker';
import { FakeAnthropic, type FakeReply, type RecordedRequest as CloudRequest } from '../test/fakes/fakeAnthropic';
import { FakeLlamaSwap, type RecordedRequest } from '../test/fakes/fakeLlamaSwap';
import { ProbeServer } from './probeServer';
import { summarize, type Summary } from './stats';
import { codeAnswer, GENERATION, isChat, isJudge, JUDGE, split, streamAfterDelay, verdict } from './streams';

export const LOCAL_A = 'qwen-7b';
export const LOCAL_B = 'qwen-32b';
export const CLOUD = 'claude-sonnet-5-5';
const KEY = 'sk-ant-bench-key';
/** The reference design's probe answers in "up to 200 ms": these delays, in turn, every 5 probes. */
export const PROBE_SCHEDULE_MS = [0, 50, 100, 150, 200];

export const SKILL = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;
export const CHAIN: Tier[] = (() => {
  const parsed = parseChain([LOCAL_A, LOCAL_B, CLOUD]);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.tiers;
})();

let tokenSeq = 0;
/** A token unique to one run; every answer and verdict echoes the token of the request it answers. */
export const newToken = (): string => `hgtok-${(++tokenSeq).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const TOKEN = /hgtok-[0-9a-z]+-[0-9a-z]+/g;
export const tokensIn = (text: string): Set<string> => new Set(text.match(TOKEN) ?? []);

export function taskFor(token: string): Task {
  return {
    filePath: 'src/run.ts', languageId: 'typescript',
    selection: `function run() {\n  return compute(0, '${token}');\n}\n`,
    before: 'import { compute } from "./compute";\n', after: '\nexport { run };\n',
  };
}

/** Where the first accepted answer comes from: the second local tier (the chain) or the cloud. */
type AcceptAt = 'local-b' | 'cloud';

/** Model answers scripted on the fakes: the first local tier is escalated by its judge, the second accepted. */
function script(fakes: FakeLlamaSwap[], cloud: FakeAnthropic | undefined, acceptAt: () => AcceptAt, cloudStamps: CloudWindow[]): void {
  for (const fake of fakes) {
    fake.responder = (req) => {
      const token = [...tokensIn(req.rawBody)][0] ?? 'no-token';
      if (isJudge(req)) {
        const accept = req.model === LOCAL_B && acceptAt() === 'local-b';
        return streamAfterDelay(req, verdict(accept ? 'accept' : 'escalate', `${token}: ${accept ? 'correct' : 'keep the names'}`), JUDGE);
      }
      return streamAfterDelay(req, codeAnswer(token, req.model ?? '?'), GENERATION);
    };
  }
  if (cloud) {
    cloud.responder = (req: CloudRequest): FakeReply => {
      const token = [...tokensIn(JSON.stringify(req.body ?? {}))][0] ?? 'no-token';
      // The fake Anthropic has no stamps of its own: its window is responder call → response closed.
      const stamp: CloudWindow = { token, receivedAt: performance.now() };
      cloudStamps.push(stamp);
      void req.closed.then(() => (stamp.closedAt = performance.now()));
      return { kind: 'message', pieces: split(codeAnswer(token, CLOUD), GENERATION.chunks), delayMs: GENERATION.gapMs };
    };
  }
}

/** The reference design: a blocking `GET /v1/models` before each tier's generation. */
class BlockingProbe implements ChatBackend {
  readonly id = 'llama-swap' as const;
  constructor(private readonly inner: ChatBackend, private readonly probe: LlamaSwapClient) {}
  async chat(req: ChatRequest): Promise<ChatResult> {
    if (!req.jsonSchema) await this.probe.models(req.signal);
    return this.inner.chat(req);
  }
}

/** Several llama-swap servers (one model each, like llama-swap groups that keep both loaded). */
class ByModel implements ChatBackend {
  readonly id = 'llama-swap' as const;
  constructor(private readonly clients: Record<string, ChatBackend>) {}
  chat(req: ChatRequest): Promise<ChatResult> {
    return this.clients[req.model].chat(req);
  }
}

export interface RunMeasure {
  token: string;
  e2eMs: number;
  /** Sum of the model servers' own time for this run's requests. */
  serverMs: number;
  attempts: number;
  requests: number;
  overheadPerAttemptMs: number;
  ratio: number;
  /** Per local generation: the fake wrote the first content chunk → the text event reached the listener. */
  ttftMs: number[];
}

/** What the fakes recorded of one chat request, on this thread's performance.now() clock. */
interface Stamp {
  tokens: string[];
  rawBody: string;
  model?: string;
  judge: boolean;
  receivedAt: number;
  firstChunkAt?: number;
  lastChunkAt?: number;
}

/** One request's server window on the fake Anthropic. */
interface CloudWindow { token: string; receivedAt: number; closedAt?: number }

/** The fakes' records of chat requests and cloud windows. */
interface Ledger {
  chats(): Stamp[];
  cloud(): CloudWindow[];
}

interface Context {
  ledger: Ledger;
  backends: Record<string, ChatBackend>;
  warmth?: WarmthSource;
}

interface Finished { token: string; e2eMs: number; attempts: number; firstText: Map<number, number> }

/** One run through runChain, checked: the expected tier accepted, with this run's own answer only. */
async function runOnce(ctx: Context, expect: AcceptAt): Promise<Finished> {
  const token = newToken();
  const firstText = new Map<number, number>();
  const onEvent = (e: RunEvent): void => {
    if (e.type === 'text' && !firstText.has(e.tierIndex)) firstText.set(e.tierIndex, performance.now());
  };
  const started = performance.now();
  const result = await runChain({ tiers: CHAIN, skill: SKILL, task: taskFor(token), backends: ctx.backends, maxTokens: 4096, warmth: ctx.warmth, onEvent });
  const e2eMs = performance.now() - started;
  check(result, token, expect);
  return { token, e2eMs, attempts: result.attempts.length, firstText };
}

/** The run's time against its own requests' server time, from the fakes' stamps. */
function measure(run: Finished, chats: Stamp[], cloud: CloudWindow[]): RunMeasure {
  const mine = chats.filter((r) => r.tokens.includes(run.token)).sort((a, b) => a.receivedAt - b.receivedAt);
  for (const r of mine) {
    if (r.tokens.length !== 1) throw new Error(`cross-talk: a request of run ${run.token} carries ${r.tokens.join(', ')}`);
  }
  const windows = cloud.filter((s) => s.token === run.token);
  let server = 0;
  for (const r of mine) {
    if (r.lastChunkAt === undefined) throw new Error(`a request of run ${run.token} wrote nothing`);
    server += r.lastChunkAt - r.receivedAt;
  }
  for (const w of windows) {
    if (w.closedAt === undefined) throw new Error('a cloud response did not close');
    server += w.closedAt - w.receivedAt;
  }
  const ttftMs = run.firstText.size === 0 ? [] : mine.filter((r) => !r.judge).map((r, tierIndex) => {
    const seenAt = run.firstText.get(tierIndex);
    if (seenAt === undefined || r.firstChunkAt === undefined) throw new Error(`no text event for tier ${tierIndex}`);
    return seenAt - r.firstChunkAt;
  });
  return {
    token: run.token, e2eMs: run.e2eMs, serverMs: server, attempts: run.attempts, requests: mine.length + windows.length,
    overheadPerAttemptMs: (run.e2eMs - server) / run.attempts, ratio: run.e2eMs / server, ttftMs,
  };
}

/**
 * The transport floor: the very requests of a finished run, replayed in order by a bare undici loop that
 * only drains each response (no prompt building, no stream parsing, no judge, no orchestration).
 */
async function bareReplay(agent: Agent, urlOf: (model: string) => string, ctx: Context, source: RunMeasure): Promise<RunMeasure> {
  const requests = ctx.ledger.chats().filter((r) => r.tokens.includes(source.token)).sort((a, b) => a.receivedAt - b.receivedAt);
  const token = newToken();
  const started = performance.now();
  for (const r of requests) {
    const res = await agent.request({
      origin: urlOf(r.model ?? ''), path: '/v1/chat/completions', method: 'POST', body: r.rawBody.replaceAll(source.token, token),
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    });
    for await (const chunk of res.body) void chunk;
  }
  const e2eMs = performance.now() - started;
  return measure({ token, e2eMs, attempts: source.attempts, firstText: new Map() }, ctx.ledger.chats(), []);
}

async function measuredRun(ctx: Context, expect: AcceptAt): Promise<RunMeasure> {
  const run = await runOnce(ctx, expect);
  return measure(run, ctx.ledger.chats(), ctx.ledger.cloud());
}

const tokensOf = new WeakMap<RecordedRequest, string[]>();

function stampOf(r: RecordedRequest): Stamp {
  let tokens = tokensOf.get(r);
  if (!tokens) tokensOf.set(r, (tokens = [...tokensIn(r.rawBody)]));
  return {
    tokens, rawBody: r.rawBody, ...(r.model !== undefined && { model: r.model }), judge: isJudge(r), receivedAt: r.receivedAt,
    ...(r.firstChunkAt !== undefined && { firstChunkAt: r.firstChunkAt }),
    ...(r.lastChunkAt !== undefined && { lastChunkAt: r.lastChunkAt }),
  };
}

/** The fakes of this thread, read in place. */
function localLedger(fakes: FakeLlamaSwap[], cloud: CloudWindow[]): Ledger {
  return { chats: () => fakes.flatMap((f) => f.requests).filter(isChat).map((r) => stampOf(r)), cloud: () => cloud };
}

function check(result: RunResult, token: string, expect: AcceptAt): void {
  const tierIndex = expect === 'local-b' ? 1 : 2;
  if (result.status !== 'accepted' || result.accepted?.tierIndex !== tierIndex) {
    throw new Error(`run ${token}: expected tier ${tierIndex} accepted, got ${result.status} ${result.message ?? ''} ${JSON.stringify(result.attempts.map((a) => a.feedback))}`);
  }
  const others = [...tokensIn(result.proposal ?? '')].filter((t) => t !== token);
  if (!result.proposal?.includes(token) || others.length) throw new Error(`cross-talk: run ${token} got the proposal of ${others.join(', ') || 'nobody'}`);
  const feedback = result.attempts[0].feedback ?? '';
  if (!feedback.startsWith(`${token}:`)) throw new Error(`cross-talk: run ${token} got the verdict "${feedback}"`);
}

export interface Figures {
  runs: number;
  e2e: Summary;
  server: Summary;
  overheadPerAttempt: Summary;
  ratio: Summary;
  attempts: number;
  requests: number;
}

function figures(samples: RunMeasure[]): Figures {
  return {
    runs: samples.length,
    e2e: summarize(samples.map((s) => s.e2eMs)),
    server: summarize(samples.map((s) => s.serverMs)),
    overheadPerAttempt: summarize(samples.map((s) => s.overheadPerAttemptMs)),
    ratio: summarize(samples.map((s) => s.ratio)),
    attempts: samples[0]?.attempts ?? 0,
    requests: samples[0]?.requests ?? 0,
  };
}

export interface EngineResult {
  hyperguild: Figures;
  baseline: Figures;
  /** The same requests replayed by a bare undici loop: what loopback HTTP and the fake cost by themselves. */
  floor: Figures;
  /** Per run pair: Hyperguild's overhead per attempt minus the floor's: the engine's own code. */
  own: Summary;
  /** Probe delays the baseline waited (server side), per run. */
  baselineProbeWait: Summary;
  cloud?: Figures;
  /** The first cloud tier of the process, which loads the Anthropic SDK (out/ build: from node_modules). */
  firstCloudOverheadMs?: number;
  ttft: Summary;
}

export async function engineBench(options: { runs: number; warmup: number; cloudRuns: number; log: (line: string) => void }): Promise<EngineResult> {
  const fake = await FakeLlamaSwap.start({ models: [{ id: LOCAL_A }, { id: LOCAL_B }], loaded: LOCAL_A });
  const cloudFake = await FakeAnthropic.start({ apiKey: KEY });
  const probe = await ProbeServer.start(PROBE_SCHEDULE_MS, [LOCAL_A, LOCAL_B]);
  const client = new LlamaSwapClient({ baseUrl: fake.url });
  const probeClient = new LlamaSwapClient({ baseUrl: probe.url });
  const cloud = new AnthropicBackend({ getApiKey: () => Promise.resolve(KEY), baseUrl: cloudFake.url, maxRetries: 0 });
  // The extension's warmth source: the status bar's cache (polling /running every 5 s while focused).
  const tracker = new WarmTracker({ fetchRunning: (s) => client.running(s), fetchAliases: (s) => client.models(s), intervalMs: 5000 });
  let acceptAt: AcceptAt = 'local-b';
  const cloudWindows: CloudWindow[] = [];
  script([fake], cloudFake, () => acceptAt, cloudWindows);
  const ledger = localLedger([fake], cloudWindows);
  const ours: Context = { ledger, backends: { 'llama-swap': client, anthropic: cloud }, warmth: (m) => tracker.readWarmth(m) };
  const reference: Context = { ledger, backends: { 'llama-swap': new BlockingProbe(client, probeClient), anthropic: cloud } };
  // The bare client gets the LlamaSwapClient's agent settings.
  const bare = new Agent({ keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 10_000 } });
  try {
    tracker.setActive(true);
    await tracker.refresh();
    for (let i = 0; i < options.warmup; i++) {
      await bareReplay(bare, () => fake.url, ours, await measuredRun(ours, 'local-b'));
      await measuredRun(reference, 'local-b');
    }
    // Interleaved, so drift (GC, CPU frequency, other load) hits both alike.
    const hg: RunMeasure[] = [];
    const base: RunMeasure[] = [];
    const floor: RunMeasure[] = [];
    const probeWait: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      hg.push(await measuredRun(ours, 'local-b'));
      floor.push(await bareReplay(bare, () => fake.url, ours, hg[hg.length - 1]));
      const before = probe.records.length;
      base.push(await measuredRun(reference, 'local-b'));
      probeWait.push(probe.records.slice(before).reduce((sum, r) => sum + (r.sentAt ?? NaN) - r.receivedAt, 0));
      if ((i + 1) % 10 === 0) options.log(`engine overhead: ${i + 1}/${options.runs} run pairs`);
    }
    let cloudRuns: RunMeasure[] | undefined;
    let firstCloudOverheadMs: number | undefined;
    if (options.cloudRuns > 0) {
      acceptAt = 'cloud';
      const first = await measuredRun(ours, 'cloud');
      firstCloudOverheadMs = first.e2eMs - first.serverMs;
      cloudRuns = [];
      for (let i = 0; i < options.cloudRuns; i++) cloudRuns.push(await measuredRun(ours, 'cloud'));
      acceptAt = 'local-b';
    }
    return {
      hyperguild: figures(hg),
      baseline: figures(base),
      floor: figures(floor),
      own: summarize(hg.map((h, i) => h.overheadPerAttemptMs - floor[i].overheadPerAttemptMs)),
      baselineProbeWait: summarize(probeWait),
      ...(cloudRuns && { cloud: figures(cloudRuns), firstCloudOverheadMs }),
      ttft: summarize(hg.flatMap((s) => s.ttftMs)),
    };
  } finally {
    tracker.dispose();
    await Promise.all([client.close(), probeClient.close(), bare.close()]);
    await Promise.all([fake.close(), cloudFake.close(), probe.close()]);
  }
}

export interface Arrangement {
  name: string;
  /** Runs started together. */
  parallel: number;
  /** Starts spread evenly over this window; 0 = lockstep (every transition of all runs in the same millisecond). */
  spreadMs: number;
}

export interface ConcurrencyResult extends Arrangement {
  rounds: number;
  completed: number;
  crossTalk: number;
  failures: string[];
  overheadPerAttempt: Summary;
  ratio: Summary;
  /** The transport floor in the same arrangement: each round's requests replayed by bare undici loops. */
  floorOverheadPerAttempt: Summary;
  /** One batch of `parallel` runs, start to last finish. */
  batchWall: Summary;
  ttft: Summary;
}

/**
 * Runs started together through runChain, each checked for its own answers only. Every round runs each
 * arrangement once, in turn, against the same fakes, so drift and other load hit all of them alike.
 */
export async function concurrencyBench(options: { rounds: number; arrangements: Arrangement[]; log: (line: string) => void }): Promise<Record<string, ConcurrencyResult>> {
  // One fake per local model: the fake, like llama-swap without groups, holds one model at a time, and
  // 20 interleaved runs would make it swap on every request; llama-swap groups keep both loaded.
  const fakes = await Promise.all([LOCAL_A, LOCAL_B].map((id) => FakeLlamaSwap.start({ models: [{ id }], loaded: id })));
  const cloudFake = await FakeAnthropic.start({ apiKey: KEY });
  const windows: CloudWindow[] = [];
  script(fakes, cloudFake, () => 'local-b', windows);
  const clients = { [LOCAL_A]: new LlamaSwapClient({ baseUrl: fakes[0].url }), [LOCAL_B]: new LlamaSwapClient({ baseUrl: fakes[1].url }) };
  const cloud = new AnthropicBackend({ getApiKey: () => Promise.resolve(KEY), baseUrl: cloudFake.url, maxRetries: 0 });
  const ctx: Context = { ledger: localLedger(fakes, windows), backends: { 'llama-swap': new ByModel(clients), anthropic: cloud } };
  const bare = new Agent({ keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 10_000 } });
  const urlOf = (model: string) => (model === LOCAL_A ? fakes[0].url : fakes[1].url);
  const acc = options.arrangements.map((arrangement) => ({ arrangement, samples: [] as RunMeasure[], floor: [] as RunMeasure[], walls: [] as number[], failures: [] as string[], crossTalk: 0 }));

  const round = async (a: (typeof acc)[number]) => {
    const { parallel, spreadMs } = a.arrangement;
    const stagger = (i: number) => (spreadMs > 0 ? new Promise((r) => setTimeout(r, (i * spreadMs) / parallel)) : Promise.resolve());
    const failed = (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (message.startsWith('cross-talk')) a.crossTalk++;
      a.failures.push(message);
    };
    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: parallel }, async (_, i) => {
      await stagger(i);
      return runOnce(ctx, 'local-b');
    }));
    a.walls.push(performance.now() - started);
    const chats = ctx.ledger.chats();
    const measured: RunMeasure[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') failed(s.reason);
      else {
        try {
          measured.push(measure(s.value, chats, windows));
        } catch (err) {
          failed(err);
        }
      }
    }
    a.samples.push(...measured);
    // The same requests again, arranged the same way, by bare loops: what HTTP and the fakes cost alone.
    a.floor.push(...(await Promise.all(measured.map(async (m, i) => {
      await stagger(i);
      return bareReplay(bare, urlOf, ctx, m);
    }))));
    return `${a.arrangement.name} ${measured.length}/${parallel}`;
  };

  try {
    await runOnce(ctx, 'local-b'); // warm-up: connections, JIT
    for (let r = 0; r < options.rounds; r++) {
      const done: string[] = [];
      for (const a of acc) done.push(await round(a));
      options.log(`concurrency: round ${r + 1}/${options.rounds}: ${done.join(', ')} complete`);
    }
  } finally {
    await Promise.all([...Object.values(clients).map((c) => c.close()), bare.close()]);
    await Promise.all([...fakes.map((f) => f.close()), cloudFake.close()]);
  }
  return Object.fromEntries(acc.map((a) => [a.arrangement.name, {
    ...a.arrangement,
    rounds: options.rounds,
    completed: a.samples.length,
    crossTalk: a.crossTalk,
    failures: a.failures,
    overheadPerAttempt: summarize(a.samples.map((s) => s.overheadPerAttemptMs)),
    ratio: summarize(a.samples.map((s) => s.ratio)),
    floorOverheadPerAttempt: summarize(a.floor.map((s) => s.overheadPerAttemptMs)),
    batchWall: summarize(a.walls),
    ttft: summarize(a.samples.flatMap((s) => s.ttftMs)),
  }]));
}
