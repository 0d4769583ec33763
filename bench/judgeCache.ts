// Benchmark 8, `npm run bench` (or alone: `npm run bench:judge [-- --server URL] [--runs N]`): against a genuine
// llama-server, by default the prebuilt one of ../shared/bin with tiny-b (started here, see benchServer), else URL:
// how much of the judge's prompt the server evaluates afresh: the old judge (a request of its own, with its own
// system prompt) against the cache-sharing self-judge (the generation's conversation continued), interleaved in
// the same run, each after its own generation. Also the share of readable verdicts of each on a labelled set.
import { LlamaSwapClient } from '../src/backends/llamaSwap';
import { buildGenerationMessages, extractCode, type Task } from '../src/core/engine/prompts';
import { BUILT_IN_SKILLS } from '../src/core/engine/skills';
import { skillJob } from '../src/core/engine/job';
import { judge, UNREADABLE } from '../src/core/engine/verifier';
import { GENUINE, genuineMissing, modelFile, startLlamaServer } from '../test/genuine/servers';
import { summarize, type Summary } from './stats';

const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;
const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
/**
 * A realistic task, new for every request as in real use (no earlier request shares it): a 30-line selection
 * with 40 lines of context each side (the default contextLines).
 */
const RUN = Math.random().toString(36).slice(2, 8); // unique across invocations too: the server keeps its slots
const taskFor = (k: number): Task => ({
  filePath: `src/stats_${RUN}_${k}.ts`, languageId: 'typescript',
  before: lines(40, (i) => `const limit_${RUN}_${k}_${i} = compute(${i}, ${k}); // setting ${i}`),
  selection: lines(30, (i) => `  total_${RUN}_${k} = total_${RUN}_${k} + values[${i}] * weights${k}[${i}];`),
  after: lines(40, (i) => `export const derived_${RUN}_${k}_${i} = limit_${RUN}_${k}_${i} * 2;`),
});

interface Share { evaluated: number; cached: number }

export interface JudgeCacheResult {
  server: string;
  kind: string;
  runs: number;
  /** Share of the judge's prompt evaluated afresh (0–1). */
  own: Summary;
  shared: Summary;
  readable: { own: number; shared: number };
  /** Judge requests the server failed (no timings to read): left out of the shares, counted here. */
  failed: { own: number; shared: number };
}

export async function judgeCacheBench(server: string, runs: number, log: (line: string) => void = console.log): Promise<JudgeCacheResult> {
  const client = new LlamaSwapClient({ baseUrl: server });
  const status = await client.status();
  log(`judge cache: ${status.kind} at ${server}, models: ${status.models.map((m) => m.model).join(', ')}`);
  const model = status.models[0]?.model ?? 'model';
  const shares: Record<'own' | 'shared', number[]> = { own: [], shared: [] };
  const readable: Record<'own' | 'shared', number> = { own: 0, shared: 0 };
  const failed: Record<'own' | 'shared', number> = { own: 0, shared: 0 };
  const signal = () => AbortSignal.timeout(120_000);
  try {
    for (let i = 0; i < runs; i++) {
      // Alternate which judge goes first, and give each its own generation just before it.
      for (const kind of i % 2 ? (['shared', 'own'] as const) : (['own', 'shared'] as const)) {
        const task = taskFor(2 * i + (kind === 'own' ? 0 : 1));
        const messages = buildGenerationMessages(refactor, task, []);
        const answer = await client.chat({ model, messages, maxTokens: 64, signal: signal() });
        const proposal = extractCode(answer.text) ?? answer.text;
        const verdict = await judge({
          backend: client, model, signal: signal(),
          messages: skillJob(refactor, task).judgeMessages(proposal, kind === 'shared' ? { messages, answer: answer.text } : undefined),
        });
        const p: Share | undefined = verdict.promptEval;
        if (!p) {
          // A random model can break the server's own output parser mid-stream: that judge request failed, which
          // says nothing about the cache, so it is counted apart (the run fails only when no request had timings).
          failed[kind]++;
          log(`judge cache: a ${kind} judge request failed: ${verdict.feedback}`);
          continue;
        }
        shares[kind].push(p.evaluated / (p.evaluated + p.cached));
        if (verdict.feedback !== UNREADABLE) readable[kind]++;
      }
    }
  } finally {
    await client.close();
  }
  if (!shares.own.length || !shares.shared.length) throw new Error('the server sent no timings (prompt_n, cache_n) for any judge request of a kind');
  return { server, kind: status.kind, runs, own: summarize(shares.own), shared: summarize(shares.shared), readable, failed };
}

/**
 * The benchmark's own genuine llama-server: tiny-b (the larger tiny model), the default grammar of ../shared/fixtures
 * (an unconstrained answer of a random model fails the server's own output parser mid-stream), and the `"` token
 * favoured (`--logit-bias 29908+7`) so that a greedy judge closes its JSON strings soon (../shared/docs).
 * Undefined where ../shared/bin has no llama-server.
 */
export async function benchServer(log: (line: string) => void = console.log): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const why = genuineMissing();
  if (why) {
    log(`judge cache: ${why}`);
    return undefined;
  }
  const server = await startLlamaServer('bench-judge', ['-m', modelFile('tiny-b'), '--alias', 'tiny-b', '--grammar-file', GENUINE.grammar, '--logit-bias', '29908+7']);
  log(`judge cache: started the genuine llama-server of ../shared/bin with tiny-b at ${server.url}`);
  return server;
}

export const percent = (s: Summary) => `${(s.median * 100).toFixed(1)} % (${(s.min * 100).toFixed(1)}–${(s.max * 100).toFixed(1)} %)`;

if (require.main === module) {
  const args = process.argv.slice(2);
  const given = args.includes('--server') ? args[args.indexOf('--server') + 1] : undefined;
  const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 20);
  const main = async () => {
    const own = given ? undefined : await benchServer();
    const server = given ?? own?.url;
    if (!server || server.startsWith('--')) throw new Error('usage: npm run bench:judge [-- --server http://127.0.0.1:PORT] [--runs N] (without --server it needs ../shared/bin/llama-server)');
    try {
      const r = await judgeCacheBench(server, runs);
      console.log(`old judge (own request): ${percent(r.own)} evaluated afresh`);
      console.log(`self-judge (conversation continued): ${percent(r.shared)} — target ≤ 15 %; ${(r.own.median / r.shared.median).toFixed(1)}× less`);
      console.log(`readable verdicts: old ${r.readable.own}/${r.runs}, new ${r.readable.shared}/${r.runs}`);
    } finally {
      await own?.stop();
    }
  };
  main().catch((err: unknown) => {
    console.error(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
