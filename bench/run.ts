// `npm run bench [-- --quick] [-- --only=1,3] [-- --server URL]`: the benchmarks (1–6 of issue 6, 7 the syntax gate, 8
// the judge's prompt cache against a genuine llama-server: ../shared/bin's, or the one at URL, 9–10 the history, 11 carrying a keystroke
// into a proposal, 12 the live draft's CPU on a long answer, 13 the diagnostics gate, 14 the command gate's overhead and
// its shadow copy, 15 the eval's own overhead per task, 16 the adaptive start replayed over synthetic histories), a
// table on stdout and, for
// a full run of all of them, bench/RESULTS.md. Benchmarks, not tests: a figure that misses its target is
// reported, never a failure; the exit code is 1 only when a benchmark could not run or a run went wrong
// (a run not completed, cross-talk between runs, a host start that failed).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanupAll } from './cleanup';
import { coldStartBench, type ColdStartResult } from './coldStart';
import { concurrencyBench, engineBench, PROBE_SCHEDULE_MS, type ConcurrencyResult, type EngineResult, type Figures } from './engine';
import { pollingBench, type PollingResult } from './polling';
import { kib, num, range, ratio, type Summary } from './stats';
import { GENERATION, JUDGE } from './streams';
import { startupBench, type StartupResult } from './startup';
import { syntaxGateBench, type SyntaxGateResult } from './syntaxGate';
import { benchServer, judgeCacheBench, percent, type JudgeCacheResult } from './judgeCache';
import { historyBench, type HistoryBenchResult } from './history';
import { carryBench, type CarryBenchResult } from './carry';
import { draftCpuBench, type DraftCpuResult } from './draftCpu';
import { diagnosticsGateBench, type DiagnosticsGateResult } from './diagnosticsGate';
import { commandGateBench, type CommandGateResult } from './commandGate';
import { evalBench, GENERATION_MS, JUDGE_MS, type EvalBenchResult } from './eval';
import { adaptiveBench, type AdaptiveScenario } from './adaptive';

const ROOT = path.resolve(__dirname, '../..');

interface Plan {
  quick: boolean;
  engine: { runs: number; warmup: number; cloudRuns: number };
  cold: { pairs: number; loadMs: number; pickerMs: number };
  startup: { starts: number };
  polling: { scale: number; minutes: number };
  concurrency: { rounds: number; parallel: number; spreadMs: number };
  syntax: { iterations: number };
  history: { appends: number; runs: number; reports: number; tooltipRuns: number };
  carry: { keystrokes: number; wholeDocument: number };
  draft: { kib: number; runs: number; baselineRuns: number };
  diagnostics: { iterations: number; freshRuns: number };
  commands: { iterations: number; sources: number; dependencies: number; copies: number };
  eval: { rounds: number; tasks: number };
  adaptive: { runs: number };
}

const FULL: Plan = {
  quick: false,
  engine: { runs: 50, warmup: 3, cloudRuns: 20 },
  cold: { pairs: 5, loadMs: 3000, pickerMs: 2000 },
  startup: { starts: 5 },
  polling: { scale: 30, minutes: 6 },
  concurrency: { rounds: 6, parallel: 20, spreadMs: 500 },
  syntax: { iterations: 200 },
  history: { appends: 1000, runs: 10_000, reports: 10, tooltipRuns: 15_000 },
  carry: { keystrokes: 500, wholeDocument: 10 },
  draft: { kib: 256, runs: 5, baselineRuns: 1 },
  diagnostics: { iterations: 100, freshRuns: 10 },
  commands: { iterations: 50, sources: 2000, dependencies: 5000, copies: 3 },
  eval: { rounds: 3, tasks: 14 },
  adaptive: { runs: 400 },
};

/** Proves every benchmark works, in about a minute; its figures are not the results. */
const QUICK: Plan = {
  quick: true,
  engine: { runs: 5, warmup: 1, cloudRuns: 2 },
  cold: { pairs: 1, loadMs: 300, pickerMs: 200 },
  startup: { starts: 1 },
  polling: { scale: 300, minutes: 3 },
  concurrency: { rounds: 1, parallel: 20, spreadMs: 500 },
  syntax: { iterations: 10 },
  history: { appends: 50, runs: 10_000, reports: 2, tooltipRuns: 15_000 },
  carry: { keystrokes: 50, wholeDocument: 3 },
  draft: { kib: 32, runs: 1, baselineRuns: 1 },
  diagnostics: { iterations: 6, freshRuns: 2 },
  commands: { iterations: 5, sources: 300, dependencies: 500, copies: 1 },
  eval: { rounds: 1, tasks: 3 },
  adaptive: { runs: 60 },
};

const log = (line: string) => console.log(`[bench] ${line}`);
let interrupted = false;

function machine(): Record<string, string> {
  const git = (...args: string[]) => {
    try {
      // Read-only; GIT_OPTIONAL_LOCKS=0 keeps `git status` from refreshing the index others may be using.
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' }, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = commit && git('status', '--porcelain', '--untracked-files=no') ? ' + uncommitted changes' : '';
  return {
    Date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    CPU: `${os.cpus()[0]?.model ?? 'unknown'}, ${os.availableParallelism()} cores (nproc)`,
    Memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()} ${os.arch()}`,
    'Node.js': process.version,
    'Load average (1 min) at start': os.loadavg()[0].toFixed(2),
    Commit: commit ? `${commit}${dirty}` : 'unknown',
  };
}

interface Row {
  n: string;
  what: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  result: 'met' | 'missed' | 'info' | 'error';
}

const verdict = (ok: boolean): Row['result'] => (ok ? 'met' : 'missed');
const ms = (s: Summary, digits?: number) => range(s, 'ms', digits);
const secs = (s: Summary) => range({ ...s, median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 }, 's', 2);
const times = (a: number, b: number) => (Number.isFinite(a / b) ? `${num(a / b, a / b >= 10 ? 0 : 1)}×` : 'n/a');

function engineRows(r: EngineResult, runs: number): Row[] {
  const h = r.hyperguild;
  const b = r.baseline;
  const rows: Row[] = [
    {
      n: '1', what: `Engine overhead per attempt: local → local → cloud, 1st local escalated by its judge, 2nd accepted (${h.attempts} attempts, ${h.requests} requests), ${runs} runs`,
      ours: ms(h.overheadPerAttempt), baseline: `${ms(b.overheadPerAttempt)} (reference design: blocking GET before each tier, answered in ${PROBE_SCHEDULE_MS.join('/')} ms)`,
      ratio: `${times(b.overheadPerAttempt.median, h.overheadPerAttempt.median)} less`, target: '≤ 2 ms', result: verdict(h.overheadPerAttempt.median <= 2),
    },
    {
      n: '1', what: 'Of which loopback HTTP and the fake themselves: the same requests replayed by a bare undici loop that only drains the responses (transport floor, same runs)',
      ours: `engine's own code: ${ms(r.own)} per attempt (paired difference)`, baseline: `floor: ${ms(r.floor.overheadPerAttempt)}`,
      ratio: '', target: '', result: 'info',
    },
    {
      n: '1', what: 'End-to-end time ÷ the servers\' own time (same runs)',
      ours: `${ratio(h.ratio)}: ${ms(h.e2e, 0)} for ${ms(h.server, 0)} of server time`, baseline: `${ratio(b.ratio)}: ${ms(b.e2e, 0)}`,
      ratio: '', target: '≤ ×1.02', result: verdict(h.ratio.median <= 1.02),
    },
  ];
  if (r.cloud) {
    rows.push({
      n: '1', what: `(extra) Cloud tier accepted: local → local → cloud, ${r.cloud.attempts} attempts (Anthropic SDK against the fake), ${r.cloud.runs} runs`,
      ours: `${ms(r.cloud.overheadPerAttempt)}; ${ratio(r.cloud.ratio)}`, baseline: `first cloud tier of the process: ${num(r.firstCloudOverheadMs ?? NaN)} ms over its servers (loads the SDK)`,
      ratio: '', target: '≤ 2 ms', result: verdict(r.cloud.overheadPerAttempt.median <= 2),
    });
  }
  rows.push({
    n: '2', what: `Time to first visible token: fake writes the first content chunk → text event at the listener (${r.ttft.n} local generations)`,
    ours: ms(r.ttft), baseline: '', ratio: '', target: '≤ 5 ms', result: verdict(r.ttft.median <= 5),
  });
  return rows;
}

function syntaxRow(r: SyntaxGateResult): Row {
  return {
    n: '7', what: `Syntax gate per proposal on a ${r.lines}-line TypeScript file (incremental parse of the spliced document + error comparison; ${r.iterations} proposals, half unparsable); first use (runtime + grammar load + parse, in the background of the first tier): ${num(r.firstUseMs, 0)} ms`,
    ours: ms(r.gate), baseline: `full parse of the spliced file: ${ms(r.fullParse)}`,
    ratio: `${times(r.fullParse.median, r.gate.median)} less`, target: '≤ 10 ms', result: verdict(r.gate.median <= 10),
  };
}

function diagnosticsRow(r: DiagnosticsGateResult): Row {
  return {
    n: '13', what: `Diagnostics gate per attempt on a ${r.lines}-line TypeScript file, warm language service (TypeScript ${r.version} in the diagnostics worker, plain Node; ${r.iterations} runs, half with an unknown name; each run's check of the original, at its start in the background of the first tier: ${ms(r.runStart, 0)}); first use (worker, TypeScript load, project build, in the background of the first tier): ${num(r.firstUseMs, 0)} ms; the editor's thread held at most ${num(r.mainThreadMaxMs, 0)} ms meanwhile`,
    ours: `${ms(r.gate, 0)}; p95 ${num(r.gateP95, 0)} ms`, baseline: `a fresh program per proposal: ${ms(r.fresh, 0)}; p95 ${num(r.freshP95, 0)} ms`,
    ratio: `${times(r.fresh.median, r.gate.median)} less`, target: '≤ 300 ms', result: verdict(r.gate.median <= 300),
  };
}

function historyRows(r: HistoryBenchResult): Row[] {
  return [
    {
      n: '9', what: `History: appending a run (after the diff opens, never before it), ${r.appends} appends`,
      ours: ms(r.append), baseline: `a bare append of the same line: ${ms(r.bareAppend)}`, ratio: `${times(r.append.median, r.bareAppend.median)}`,
      target: '≤ 1 ms', result: verdict(r.append.median <= 1),
    },
    {
      n: '9', what: `History: the status bar's Today line after a run is recorded, ${r.tooltipRuns} runs (${(r.tooltipBytes / 1e6).toFixed(0)} MB)`,
      ours: ms(r.tooltip), baseline: `re-reading the whole file (before): ${ms(r.tooltipFullRead, 0)}`, ratio: `${times(r.tooltipFullRead.median, r.tooltip.median)} less`,
      target: '≤ 1 ms', result: verdict(r.tooltip.median <= 1),
    },
    {
      n: '10', what: `Escalation report over ${r.runs} runs: read the history, aggregate, build the page (before VS Code paints it)`,
      ours: ms(r.report, 0), baseline: `reading alone: ${ms(r.readOnly, 0)}`, ratio: '', target: '≤ 300 ms', result: verdict(r.report.median <= 300),
    },
  ];
}

function carryRows(r: CarryBenchResult): Row[] {
  return r.cases.map((c, i) => ({
    n: '11', what: `${i ? '(extra) ' : ''}Carrying a one-character edit of the document into an open proposal, ${r.lines.toLocaleString('en-US')}-line file, ${c.changedLines} changed lines, edit ${c.where === 'away' ? 'away from' : 'inside'} the proposal's changes${c.compared ? ', the texts around the region compared each time (an edited proposal; the first keystroke)' : ''} (${c.ours.n} keystrokes in a row)`,
    ours: ms(c.ours, 3), baseline: `whole-document line diff (the carry before): ${ms(c.wholeDocument, 1)}`,
    ratio: `${times(c.wholeDocument.median, c.ours.median)} less; a bare splice of the string: ${ms(c.splice, 3)}`,
    target: i === 0 ? '≤ 5 ms' : '', result: i === 0 ? verdict(c.ours.median <= 5) : 'info',
  }));
}

function draftRow(r: DraftCpuResult): Row {
  return {
    n: '12', what: `Live draft, CPU for a ${kib(r.answerChars)} answer (${r.lines} lines) streamed in 4-character pieces 2 ms apart (${num(r.streamSeconds, 0)} s, simulated clock): reading the stream, and each update's text fitted, spliced into the document and serialized (${r.ours.updates} updates; ${r.ours.cpuMs.n} runs)`,
    ours: `${ms(r.ours.cpuMs, 0)} in all`, baseline: `the draft before (the answer re-read at every line, up to 10 updates a second): ${ms(r.before.cpuMs, 0)}, ${r.before.updates} updates`,
    ratio: `${times(r.before.cpuMs.median, r.ours.cpuMs.median)} less; characters read ${num(r.ours.scanned / r.answerChars, 1)}× the answer (before: ${num(r.before.scanned / r.answerChars, 0)}×)`,
    target: '≤ 100 ms', result: verdict(r.ours.cpuMs.median <= 100),
  };
}

function commandRows(r: CommandGateResult): Row[] {
  const p = r.project;
  return [
    {
      n: '14', what: `Command gate per proposal: a check running \`${r.command}\` on the shadow copy (proposal written into the changed file, placeholders, its own process group, output read), project of ${p.sources} source files + ${p.dependencies} in node_modules; ${r.iterations} proposals`,
      ours: `overhead ${ms(r.overhead)} (paired: gate − direct)`, baseline: `the same command spawned directly: ${ms(r.direct)}`,
      ratio: `gate in all: ${ms(r.gate)}`, target: '≤ 50 ms', result: verdict(r.overhead.median <= 50),
    },
    {
      n: '14', what: `Shadow copy, once per run (in the background of the first tier): ${r.copyStats.files} files copied (${kib(r.copyStats.bytes)}), ${r.copyStats.links} links (node_modules)`,
      ours: `${ms(r.copy, 0)}; removal ${ms(r.remove, 0)}`, baseline: `full copy with node_modules (fs.cp): ${ms(r.fullCopy, 0)}`,
      ratio: `${times(r.fullCopy.median, r.copy.median)} less; links only (not chosen: tools resolve links back into the real tree): ${ms(r.linksOnly, 0)}`, target: '', result: 'info',
    },
  ];
}

function evalRow(r: EvalBenchResult): Row {
  return {
    n: '15', what: `Eval's own overhead per task beyond the servers' and the tests' time: ${r.tasks} JavaScript tasks of eval/tasks through one local tier judged by its own model (in-process server: ${GENERATION_MS} ms a generation, ${JUDGE_MS} ms a verdict), each answer tested in a temporary copy (made and removed: ${ms(r.setup)}, counted with the tests); ${r.rounds} rounds`,
    ours: ms(r.ours), baseline: `bare loop (the same two requests and the same test run; no engine, no eval): ${ms(r.bare)}`,
    ratio: `eval and engine beyond the bare loop: ${ms(r.difference)} (paired per task)`, target: '≤ 20 ms', result: verdict(r.ours.median <= 20),
  };
}

function adaptiveRow(r: AdaptiveScenario): Row {
  const noticed = r.noticedAfter !== undefined ? `; noticed the improved model after ${r.noticedAfter} runs of that skill` : '';
  return {
    n: '16', what: `Adaptive start, replayed over ${r.runs} synthetic runs (fix and document alternating; chain 7B 14 s → 32B 35 s → cloud 8 s $0.012): ${r.name}`,
    ours: `${num(r.adaptive.seconds / 3600, 2)} h, ${r.adaptive.cloudCalls} cloud calls ($${num(r.adaptive.usd, 2)}), ${r.adaptive.accepted} accepted; ${r.skippedRuns} runs skipped a tier`,
    baseline: `fixed chain: ${num(r.fixed.seconds / 3600, 2)} h, ${r.fixed.cloudCalls} cloud calls ($${num(r.fixed.usd, 2)}), ${r.fixed.accepted} accepted`,
    ratio: `time ×${num(r.adaptive.seconds / r.fixed.seconds, 2)}, cloud ×${num(r.adaptive.usd / Math.max(r.fixed.usd, 1e-9), 2)}${noticed}`, target: 'less time at equal acceptance', result: verdict(r.adaptive.seconds < r.fixed.seconds && r.adaptive.accepted >= r.fixed.accepted),
  };
}

function judgeRow(r: JudgeCacheResult | undefined): Row {
  const what = 'Judge prompt evaluated afresh by a genuine llama-server: the self-judge continuing the generation\'s conversation vs the old judge with a prompt of its own, each right after its own generation, interleaved';
  if (!r) return { n: '8', what, ours: 'skipped: needs a genuine llama-server (../shared/bin/llama-server, or `npm run bench -- --server URL`)', baseline: '', ratio: '', target: '≤ 15 %', result: 'info' };
  return {
    n: '8', what: `${what} (${r.kind}, ${r.runs} runs each); readable verdicts: ${r.readable.shared}/${r.runs} vs ${r.readable.own}/${r.runs}${r.failed.own + r.failed.shared ? `; judge requests the server failed (left out): ${r.failed.shared} vs ${r.failed.own}` : ''}`,
    ours: percent(r.shared), baseline: `old judge: ${percent(r.own)}`,
    ratio: `${times(r.own.median, r.shared.median)} less`, target: '≤ 15 %', result: verdict(r.shared.median <= 0.15),
  };
}

function coldRow(r: ColdStartResult): Row {
  return {
    n: '3', what: `Cold start: command → first token, first local tier ${r.loadMs / 1000} s cold load, ${r.pickerMs / 1000} s in the picker (${r.pairs} pairs)`,
    ours: `with preload ${secs(r.withPreload)}`, baseline: `without preload ${secs(r.without)}`,
    ratio: `${num(r.hiddenPct.median, 0)} % of the ${r.pickerMs / 1000} s hidden (${num(r.hiddenPct.min, 0)}–${num(r.hiddenPct.max, 0)} %)`, target: '≥ 90 % hidden', result: verdict(r.hiddenPct.median >= 90),
  };
}

function startupRows(r: StartupResult): Row[] {
  const main = r.bundles.find((b) => b.file === 'dist/extension.js');
  const sdk = r.bundles.find((b) => b.file.includes('anthropic'));
  const total = r.bundles.reduce((sum, b) => sum + b.bytes, 0);
  const lazy = r.bundles.filter((b) => b !== main).map((b) => `${b.file} ${kib(b.bytes)}`).join(', ');
  const sizeRow: Row = {
    n: '4', what: 'Bundle size, production (`node esbuild.mjs --production`)',
    ours: `dist/extension.js ${main ? kib(main.bytes) : 'missing'}`, baseline: `loaded lazily: ${lazy}`,
    ratio: sdk ? `SDK = ${num((sdk.bytes / total) * 100, 0)} % of ${kib(total)}` : '', target: '', result: 'info',
  };
  if (r.skipped) return [{ n: '4', what: 'Activation in the real host', ours: `skipped: ${r.skipped}`, baseline: '', ratio: '', target: '≤ 20 ms', result: 'error' }, sizeRow];
  if (!r.activation || r.samples.length === 0) return [{ n: '4', what: 'Activation in the real host', ours: `failed: ${r.failures[0] ?? 'no sample'}`, baseline: '', ratio: '', target: '≤ 20 ms', result: 'error' }, sizeRow];
  const undici = r.later.find((l) => l.file.includes('undici'));
  return [
    {
      n: '4', what: `Activation in the real host (VS Code ${r.host?.vscode ?? '?'}, Node ${r.host?.node ?? '?'}): require of dist/extension.js + activate(), from the host's own marks, ${r.samples.length} fresh starts`,
      ours: `${ms(r.activation!, 0)} = ${num(r.markLoad!.median, 0)} + ${num(r.markActivate!.median, 0)}`, baseline: `empty extension, same event: ${ms(r.emptyActivation!, 0)}`,
      ratio: `VS Code's own figure: ${num(r.vscodeTotal!.median, 0)} ms (empty: ${num(r.emptyVscodeTotal!.median, 0)} ms)`, target: '≤ 20 ms', result: verdict(r.activation!.median <= 20),
    },
    {
      n: '4', what: 'Of which Hyperguild\'s own part: its activation minus the empty extension\'s, per start',
      ours: ms(r.ownActivation!, 0), baseline: '', ratio: '', target: '≤ 20 ms', result: verdict(r.ownActivation!.median <= 20),
    },
    {
      n: '4', what: 'Anthropic SDK at activation',
      ours: r.sdkEverLoaded ? 'LOADED' : `not loaded (0 of ${r.samples.length} starts; not in require.cache at the end)`,
      baseline: `loaded during activation: ${r.atActivation.join(', ') || 'nothing'}`,
      ratio: undici ? `${undici.file}: ${num(undici.afterMs.median, 0)} ms after activation (first status-bar poll), ${num(undici.loadMs.median, 0)} ms to load` : '',
      target: 'not loaded', result: verdict(!r.sdkEverLoaded && r.atActivation.every((f) => f === 'dist/extension.js')),
    },
    sizeRow,
  ];
}

function pollingRow(r: PollingResult): Row {
  const m = Object.fromEntries(r.modes.map((x) => [x.mode, x]));
  return {
    n: '5', what: `Status-bar polling of /running, requests per minute (defaults: every ${r.intervalMs / 1000} s focused, backoff 5 → 60 s offline; ${r.minutes} simulated min at ${r.scale}× speed)`,
    ours: `focused ${num(m.focused.perMinute, 1)}/min, unfocused ${num(m.unfocused.perMinute, 1)}/min`,
    baseline: `offline: ${m.offline.firstMinute} in the 1st minute, then ${num(m.offline.steadyPerMinute, 1)}/min`,
    ratio: `+${m.focused.aliasRequests} /v1/models (aliases, once)`, target: '', result: 'info',
  };
}

function concurrencyRows(lock: ConcurrencyResult, spread: ConcurrencyResult, sequential: ConcurrencyResult): Row[] {
  const total = lock.rounds * lock.parallel + spread.rounds * spread.parallel;
  const done = lock.completed + spread.completed;
  const crossTalk = lock.crossTalk + spread.crossTalk;
  return [
    {
      n: '6', what: `Concurrency: ${lock.parallel} runs at once through runChain, ${lock.rounds} rounds in lockstep and ${spread.rounds} spread`,
      ours: `${done}/${total} complete, ${crossTalk} with cross-talk`, baseline: '', ratio: '', target: 'all complete, none',
      result: done === total && crossTalk === 0 ? 'met' : 'error',
    },
    {
      n: '6', what: `Overhead per attempt, ${lock.parallel} started in the same millisecond (lockstep: every transition of all runs coincides)`,
      ours: `${ms(lock.overheadPerAttempt)}; ${ratio(lock.ratio)}`, baseline: `1 at a time: ${ms(sequential.overheadPerAttempt)}`,
      ratio: `${times(lock.overheadPerAttempt.median, sequential.overheadPerAttempt.median)}; transport floor in lockstep: ${ms(lock.floorOverheadPerAttempt)}`, target: '≤ 2 ms', result: verdict(lock.overheadPerAttempt.median <= 2),
    },
    {
      n: '6', what: `Overhead per attempt, ${spread.parallel} started over ${spread.spreadMs} ms (all overlapping)`,
      ours: `${ms(spread.overheadPerAttempt)}; ${ratio(spread.ratio)}`, baseline: `1 at a time: ${ms(sequential.overheadPerAttempt)}`,
      ratio: `${times(spread.overheadPerAttempt.median, sequential.overheadPerAttempt.median)}; transport floor spread alike: ${ms(spread.floorOverheadPerAttempt)}`, target: '≤ 2 ms', result: verdict(spread.overheadPerAttempt.median <= 2),
    },
  ];
}

function table(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| # | Measure | Hyperguild: median (min–max) | Baseline, same run | Ratio / detail | Target | Result |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.n} | ${esc(r.what)} | ${esc(r.ours)} | ${esc(r.baseline)} | ${esc(r.ratio)} | ${esc(r.target)} | ${r.result === 'missed' ? '**missed**' : r.result === 'error' ? '**error**' : r.result} |`);
  return lines.join('\n');
}

interface Results {
  engine?: EngineResult;
  cold?: ColdStartResult;
  startup?: StartupResult;
  polling?: PollingResult;
  concurrency?: { lockstep: ConcurrencyResult; spread: ConcurrencyResult; sequential: ConcurrencyResult };
  syntax?: SyntaxGateResult;
  judge?: JudgeCacheResult;
  history?: HistoryBenchResult;
  carry?: CarryBenchResult;
  draft?: DraftCpuResult;
  diagnostics?: DiagnosticsGateResult;
  commands?: CommandGateResult;
  eval?: EvalBenchResult;
  adaptive?: AdaptiveScenario[];
  errors: string[];
  durations: Record<string, number>;
}

function figuresLine(name: string, f: Figures): string {
  return `${name}: end-to-end ${ms(f.e2e, 0)}, servers ${ms(f.server, 0)}, overhead per attempt ${ms(f.overheadPerAttempt)}, ratio ${ratio(f.ratio)}`;
}

function details(plan: Plan, r: Results): string {
  const out: string[] = [];
  const g = GENERATION;
  const j = JUDGE;
  if (r.engine) {
    out.push('### 1–2. Engine overhead and time to first token', '',
      `Method: one process runs \`runChain\` (out/src, the same code the bundle holds) against the fake llama-swap (test/fakes) and the fake Anthropic on 127.0.0.1, with the real \`LlamaSwapClient\` (undici) and \`AnthropicBackend\` (the SDK). Chain \`qwen-7b → qwen-32b → claude-sonnet-5-5\`; each local answer is judged by its own model (the default); the first judge says escalate, the second accept, so the cloud tier is not reached. Fixed server timing: a generation waits ${g.firstByteMs} ms, then streams ${g.chunks} chunks ${g.gapMs} ms apart; a verdict waits ${j.firstByteMs} ms, then ${j.chunks} chunks ${j.gapMs} ms apart. The servers' own time of a request is the fake's \`lastChunkAt − receivedAt\` (performance.now(), same clock as ours); overhead = end-to-end − Σ servers' time, divided by the attempts. It includes everything that is not the server: building prompts, HTTP over loopback, reading and parsing the stream, the judge's parsing, the orchestration. Warmth comes from the \`WarmTracker\` cache, as in the extension.`,
      `The baseline runs in the same process, interleaved run by run with ours (${plan.engine.warmup} warm-up pairs discarded): the reference design's blocking warm probe, a \`GET /v1/models\` before each tier (the real client against a loopback endpoint that answers in ${PROBE_SCHEDULE_MS.join(', ')} ms in turn, i.e. "up to 200 ms"); the same servers otherwise.`, '',
      `- ${figuresLine('Hyperguild', r.engine.hyperguild)}`,
      `- ${figuresLine('Reference (blocking probe)', r.engine.baseline)}; probe wait per run ${ms(r.engine.baselineProbeWait, 0)}`,
      `- ${figuresLine('Transport floor (bare undici replay of each Hyperguild run\'s requests, drained without parsing)', r.engine.floor)}; Hyperguild minus floor, paired per run: ${ms(r.engine.own)} per attempt`,
      ...(r.engine.cloud ? [`- ${figuresLine('Cloud tier accepted (3 attempts)', r.engine.cloud)}; the first cloud tier of the process spent ${num(r.engine.firstCloudOverheadMs ?? NaN)} ms beyond its servers (requiring the Anthropic SDK from node_modules; in the extension it is dist/anthropic-sdk.js)`] : []),
      `- Time to first visible token: ${ms(r.engine.ttft)} over ${r.engine.ttft.n} local generations (the fake's first write carries the role chunk and the first content piece; stamped after \`res.write\`; the listener stamps when \`onEvent\` gets the first \`text\` event of the tier).`, '');
  }
  if (r.cold) {
    out.push('### 3. Cold-start hiding', '',
      `Method: fake llama-swap with one model whose load takes ${r.cold.loadMs} ms (\`/running\` says \`starting\` meanwhile); before each trial the model is unloaded and the tracker refreshed. A trial is a command: with preload, the extension's \`preloadIfCold\` steps (src/extension.ts: read the tracker's state, if online and not loaded \`client.preload(model)\`, fire and forget); then ${r.cold.pickerMs} ms of "picker"; then \`runChain\` (warmth from the tracker). Measured: command → first \`text\` event. Hidden = (without − with) / picker time, per pair; trials alternate the order. Warmth the first tier reported: without preload ${[...new Set(r.cold.warmWithout)].join('/')}, with preload ${[...new Set(r.cold.warmWith)].join('/')}.`,
      '', `- without preload: ${secs(r.cold.without)}; with preload: ${secs(r.cold.withPreload)}; hidden ${range(r.cold.hiddenPct, '%', 0)} (above 100 % is noise: the load is fully overlapped).`, '');
  }
  if (r.startup) {
    const s = r.startup;
    out.push('### 4. Startup cost', '');
    out.push(`Method: \`node esbuild.mjs --production\` in a scratch folder linking src/ and node_modules/ (so the repository's dist/ stays as \`npm run build\` left it); the extension folder then holds only package.json and dist/. ${s.starts} fresh starts of the offline host (code-server ${'4.100.3'} from .cache/test-host + headless chromium, as scripts/run-host-tests.mjs drives it), each with new user data and the status bar pointed at a loopback fake llama-swap. Two helper extensions are installed beside Hyperguild: a load recorder (activates on \`*\`, before Hyperguild, and notes when each of Hyperguild's files is required, on the host's Date.now() clock) and an empty extension that only requires \`vscode\`, activated by the same \`onStartupFinished\` (the baseline). A probe (extensionTestsPath) waits for the activation, 2 s more, and reads the host's own timing: its performance marks \`code/extHost/willLoadExtensionCode\`, \`didLoadExtensionCode\`, \`willActivateExtension\`, \`didActivateExtension\` (ms), and VS Code's ActivationTimes (Load Code / Call Activate / Finish Activate) from the "Developer: Startup Performance" document — the figures "Show Running Extensions" shows.`, '');
    out.push('Why the headline uses the marks: VS Code\'s "Load Code" starts before an `await` (localized messages) that yields to the other extensions activated in the same `onStartupFinished` batch, so it includes their loading; the empty extension shows that floor. The marks bracket exactly the synchronous `require` of dist/extension.js and the `activate()` call.', '');
    if (s.activation) {
      out.push(`- require of dist/extension.js: ${ms(s.markLoad!, 0)} (of which Hyperguild's first \`require('vscode')\`, the host building its API object: ${ms(s.vscodeApi!)}); activate(): ${ms(s.markActivate!, 0)}; total ${ms(s.activation, 0)}.`,
        `- Empty extension, same event, same host: ${ms(s.emptyActivation!, 0)}; Hyperguild minus the empty extension, per start: ${ms(s.ownActivation!, 0)}.`,
        `- VS Code's own figure (Load Code + Call + Finish): ${ms(s.vscodeTotal!, 0)}, Load Code ${ms(s.vscodeLoadCode!, 0)}; the empty extension's: ${ms(s.emptyVscodeTotal!, 0)}.`,
        `- Hyperguild files loaded up to the end of activation: ${s.atActivation.join(', ') || 'none'}; after it: ${s.later.map((l) => `${l.file} in ${l.starts}/${s.samples.length} starts, ${ms(l.afterMs, 0)} after activation, ${ms(l.loadMs, 0)} to load`).join('; ') || 'none'}. The Anthropic SDK bundle was ${s.sdkEverLoaded ? '**loaded**' : 'never loaded (nor in require.cache when the probe ended)'}.`);
    }
    out.push(`- Bundles: ${s.bundles.map((b) => `${b.file} ${kib(b.bytes)}`).join(', ')}.`);
    if (s.failures.length) out.push(`- Failed starts: ${s.failures.map((f) => f.slice(0, 200)).join(' / ')}`);
    out.push('');
  }
  if (r.polling) {
    out.push('### 5. Status-bar polling', '',
      `Method: the real \`WarmTracker\` and \`LlamaSwapClient\` against the fake, at the extension's defaults (interval ${r.polling.intervalMs / 1000} s, backoff 5 s doubling to 60 s), on a clock running ${r.polling.scale}× faster than real time, for ${r.polling.minutes} simulated minutes per mode (the three modes side by side). Focused = \`setActive(true)\` (the status bar does this while the window has focus and the chain has a local tier); unfocused = \`setActive(false)\`; offline = the fake stops listening (connection refused). Counted: the client's \`/running\` requests (the fake's own count agrees for the online modes). Each request's real ~1 ms is stretched ${r.polling.scale}×, which is why a focused minute can count slightly under 12.`, '');
    for (const m of r.polling.modes) out.push(`- ${m.mode}: ${num(m.perMinute, 2)}/min over the window, ${m.firstMinute} in the first minute, ${num(m.steadyPerMinute, 2)}/min in the second half; /v1/models ${m.aliasRequests}×${m.serverCounted !== undefined ? `; fake counted ${m.serverCounted} /running` : ''}`);
    out.push('');
  }
  if (r.concurrency) {
    const c = r.concurrency;
    out.push('### 6. Concurrency', '',
      `Method: ${c.lockstep.parallel} \`runChain\` runs started together, in lockstep (all in the same millisecond) and with starts spread evenly over ${c.spread.spreadMs} ms; ${c.lockstep.rounds} rounds, each running one run alone, one lockstep batch and one spread batch in turn against the same fakes; the same chain and server timing as item 1. Each run's selection carries a unique token that the fakes echo in every answer and verdict; a run passes only if its proposal, its first verdict and every request it caused carry its own token and no other. One fake llama-swap per local model here (the fake holds one model at a time, like llama-swap without groups, and 20 interleaved runs would swap on every request). Baseline: the run alone of each round. After each batch its requests are replayed the same way by bare undici loops (the transport floor).`, '',
      `- lockstep: overhead per attempt ${ms(c.lockstep.overheadPerAttempt)}, ratio ${ratio(c.lockstep.ratio)}, a round of ${c.lockstep.parallel} takes ${ms(c.lockstep.batchWall, 0)}, first token ${ms(c.lockstep.ttft)}; the same requests replayed in lockstep by bare undici loops: ${ms(c.lockstep.floorOverheadPerAttempt)} per attempt`,
      `- spread over ${c.spread.spreadMs} ms: overhead per attempt ${ms(c.spread.overheadPerAttempt)}, ratio ${ratio(c.spread.ratio)}, first token ${ms(c.spread.ttft)}; bare replay spread alike: ${ms(c.spread.floorOverheadPerAttempt)}`,
      `- one at a time: overhead per attempt ${ms(c.sequential.overheadPerAttempt)}, ratio ${ratio(c.sequential.ratio)}; bare replay: ${ms(c.sequential.floorOverheadPerAttempt)}`,
      '', 'In lockstep every run reaches each transition (stream end → judge request → next tier) in the same millisecond as the other 19, so each waits for their work on the one thread that also runs the fakes; the bare replay shows how much of that queue HTTP and the fakes make by themselves.',
      ...[c.lockstep, c.spread].flatMap((x) => x.failures).slice(0, 5).map((f) => `- failure: ${f}`), '');
  }
  if (r.carry) {
    out.push('### 11. Carrying the user\'s typing into an open proposal', '',
      `Method: \`carryInto\` (src/core/review/proposalDiff.ts, the code the extension runs on each change event of a document with an open proposal) on a ${r.carry.lines.toLocaleString('en-US')}-line document whose proposal replaces a run of lines in the middle (each changed). Keystrokes of one character, each feeding the next as in the editor: far from the changes (at least a fifth of the file away), or inside them. The baselines run in the same process on the same keystrokes: the same function with the whole document as its region, which is what the carry did before (a line diff of the whole document per keystroke), and a bare splice of the proposal's string (the floor). Not included: VS Code's \`getText()\` of the document per change event, which the extension host pays either way.`, '',
      'Each carry returns the region where the proposal differs from the document, and the next keystroke passes it back, so nothing is compared; without it (the first keystroke after the proposal opens or after an apply, and every keystroke while the proposal has unsaved edits, whose editor text is a new string each time) the texts around the region are compared once, linearly, with no diff (the last row).',
      ...r.carry.cases.map((c) => `- ${c.changedLines} changed lines, keystroke ${c.where}${c.compared ? ', texts compared' : ''}: ${ms(c.ours, 3)}; whole-document diff ${ms(c.wholeDocument, 1)}; bare splice ${ms(c.splice, 3)}`), '');
  }
  if (r.draft) {
    const d = r.draft;
    out.push('### 12. The live draft on a long answer', '',
      `Method: a ${kib(d.answerChars)} answer (a sentence, then one fenced block of ${d.lines} lines) cut into 4-character pieces, one every 2 ms on a simulated clock (${num(d.streamSeconds, 0)} s of streaming, a fast local model), goes as \`text\` events through \`DraftStream\` (out/src) with the extension's throttle (its timer fired at each 100 ms of the clock). Each update's text is built as \`DraftSession.show\` builds it: \`fitToSelection\` of the code, spliced into a 200-line document, then \`JSON.stringify\` (what VS Code's RPC does when the workbench reads the draft). Measured: the process's CPU (user + system) over the whole stream, verifying included. Baseline, interleaved in the same process on the same stream: the draft before issue 26 (the answer so far re-read with \`draftCode\` at every completed line, before the throttle). The workbench's own work on each update (another process) is not counted; \`npm run bench:draft\` measures the extension host in the real host.`, '',
      `- Hyperguild: ${ms(d.ours.cpuMs, 0)} of CPU for the whole answer, ${d.ours.updates} updates (every completed line while the code is under 16 KiB, at most 10 a second; then each time it has grown by a quarter), ${d.ours.scanned} characters read (${num(d.ours.scanned / d.answerChars, 1)}× the answer)`,
      `- Before: ${ms(d.before.cpuMs, 0)}, ${d.before.updates} updates, ${d.before.scanned} characters read (${num(d.before.scanned / d.answerChars, 0)}× the answer)`, '');
  }
  if (r.commands) {
    const c = r.commands;
    out.push('### 14. The command gate', '',
      `Method: a synthetic project in the temp folder: ${c.project.sources} TypeScript files (${kib(c.project.sourceBytes)}) in folders of 20, and ${c.project.dependencies} small files in node_modules. One run's command checks (\`commandChecks\`, out/src) for a file in it with \`hyperguild.checks\` = [\`${c.command}\`]; the first check (which waits for the shadow copy) is left out. Each iteration checks a new proposal (the changed file rewritten in the copy, the command run in its own process group, its output read), then spawns the same command directly in the real folder (\`spawn(command, { shell: true })\`, pipes drained): the baseline, interleaved; overhead = the two, paired. The shadow copy is then made ${c.copy.n} times alone (makeShadow: sources copied, node_modules linked), against two other ways in the same run: links only (the root's entries linked, real folders down to the changed file; rejected: tsc, node and pytest resolve a linked file to its real path and follow its relative imports back into the real tree, and a tool's writes land in the user's folder) and a full copy including node_modules (\`fs.promises.cp\`). A git worktree was not measured: it writes into the user's .git and checks out the last commit, not the unsaved and uncommitted text.`, '',
      `- gate: ${ms(c.gate)}; direct: ${ms(c.direct)}; overhead ${ms(c.overhead)}`,
      `- shadow copy: ${ms(c.copy, 0)} (${c.copyStats.files} files, ${kib(c.copyStats.bytes)}, ${c.copyStats.links} links); removal ${ms(c.remove, 0)}; links only ${ms(c.linksOnly, 0)}; full copy ${ms(c.fullCopy, 0)}`, '');
  }
  if (r.eval) {
    const e = r.eval;
    out.push('### 15. The eval\'s own overhead per task', '',
      `Method: \`runEval\` (out/src) over the first ${e.tasks} JavaScript tasks of eval/tasks, chain [qwen-7b] judged by its own model, against an in-process ChatBackend that waits ${GENERATION_MS} ms per generation and ${JUDGE_MS} ms per verdict and answers each task's reference (so each answer is accepted and tested once, no test overlapping another). Per task: its wall time (between the eval's progress lines) less the server's busy time in that window and the test's time (the command from spawn to exit, plus the temporary copy made and removed, which the test needs by design: ${ms(e.setup)}). What is left is the engine's and the eval's own work: prompts, streaming, extraction, bookkeeping, metrics. Baseline, interleaved by round in the same process: a bare loop making the same two requests and the same \`runTaskTest\`, with neither the engine nor the eval.`, '',
      `- Eval: ${ms(e.ours)} per task; bare loop: ${ms(e.bare)}; paired difference ${ms(e.difference)}`, '');
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const plan = args.includes('--quick') ? QUICK : FULL;
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').map((s) => s.trim());
  const want = (n: string) => !only || only.includes(n);
  const started = Date.now();
  const results: Results = { errors: [], durations: {} };
  const section = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    const t0 = Date.now();
    try {
      return await work();
    } catch (err) {
      results.errors.push(`${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      log(`${name} FAILED: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      results.durations[name] = Date.now() - t0;
    }
  };

  const info = machine();
  log(`${plan.quick ? 'quick mode (few iterations: proves the benchmarks work; the figures are not results)' : 'full run'}: ${info.CPU}, ${info['Node.js']}`);
  if (want('1') || want('2')) results.engine = await section('engine', () => engineBench({ ...plan.engine, log }));
  if (want('3')) results.cold = await section('cold start', () => coldStartBench({ ...plan.cold, log }));
  if (want('5')) results.polling = await section('polling', () => pollingBench(plan.polling));
  if (want('7')) results.syntax = await section('syntax gate', () => syntaxGateBench(plan.syntax));
  if (want('13')) results.diagnostics = await section('diagnostics gate', () => diagnosticsGateBench(plan.diagnostics));
  if (want('9') || want('10')) results.history = await section('history', () => historyBench(plan.history));
  if (want('11')) results.carry = await section('carry', () => Promise.resolve(carryBench(plan.carry)));
  if (want('12')) results.draft = await section('live draft', () => Promise.resolve(draftCpuBench(plan.draft)));
  if (want('14')) results.commands = await section('command gate', () => commandGateBench(plan.commands));
  if (want('15')) results.eval = await section('eval', () => evalBench({ ...plan.eval, log }));
  if (want('16')) results.adaptive = await section('adaptive start', () => Promise.resolve(adaptiveBench(plan.adaptive.runs)));
  const given = args.includes('--server') ? args[args.indexOf('--server') + 1] : undefined;
  if (want('8')) {
    results.judge = await section('judge cache', async () => {
      // Without --server, the genuine llama-server of ../shared/bin (started and stopped here), where there is one.
      const own = given ? undefined : await benchServer(log);
      const server = given ?? own?.url;
      try {
        return server ? await judgeCacheBench(server, plan.quick ? 2 : 20, log) : undefined;
      } finally {
        await own?.stop();
      }
    });
  }
  if (want('6')) {
    const c = plan.concurrency;
    await section('concurrency', async () => {
      const r = await concurrencyBench({
        rounds: c.rounds, log,
        arrangements: [
          { name: 'one at a time', parallel: 1, spreadMs: 0 },
          { name: 'lockstep', parallel: c.parallel, spreadMs: 0 },
          { name: 'spread', parallel: c.parallel, spreadMs: c.spreadMs },
        ],
      });
      results.concurrency = { sequential: r['one at a time'], lockstep: r.lockstep, spread: r.spread };
    });
  }
  // Last: the host's processes (code-server, chromium) load both cores, and their end must not skew the others.
  if (want('4')) results.startup = await section('startup', () => startupBench({ ...plan.startup, log }));

  const rows: Row[] = [];
  if (results.engine) rows.push(...engineRows(results.engine, plan.engine.runs));
  if (results.cold) rows.push(coldRow(results.cold));
  if (results.startup) rows.push(...startupRows(results.startup));
  if (results.polling) rows.push(pollingRow(results.polling));
  if (results.syntax) rows.push(syntaxRow(results.syntax));
  if (results.diagnostics) rows.push(diagnosticsRow(results.diagnostics));
  if (want('8')) rows.push(judgeRow(results.judge));
  if (results.history) rows.push(...historyRows(results.history));
  if (results.carry) rows.push(...carryRows(results.carry));
  if (results.draft) rows.push(draftRow(results.draft));
  if (results.commands) rows.push(...commandRows(results.commands));
  if (results.eval) rows.push(evalRow(results.eval));
  if (results.adaptive) rows.push(...results.adaptive.map(adaptiveRow));
  if (results.concurrency) rows.push(...concurrencyRows(results.concurrency.lockstep, results.concurrency.spread, results.concurrency.sequential));
  const elapsed = (Date.now() - started) / 1000;
  const durations = Object.entries(results.durations).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
  const summary = table(rows);
  console.log(`\n${summary}\n`);
  log(`took ${elapsed.toFixed(0)} s (${durations})`);

  const problems = [
    ...results.errors,
    ...(results.startup?.failures ?? []).map((f) => `startup: ${f}`),
    ...(results.startup?.skipped ? [`startup skipped: ${results.startup.skipped}`] : []),
    ...[results.concurrency?.lockstep, results.concurrency?.spread].flatMap((c) => c?.failures ?? []),
  ];
  if (interrupted) return 130;
  const complete = !plan.quick && !only;
  const md = [
    `# Hyperguild benchmarks${plan.quick ? ' (quick mode: NOT results)' : ''}`, '',
    `Produced by \`npm run bench${plan.quick ? ' -- --quick' : ''}\` (bench/run.ts). Figures are medians with (min–max); every baseline ran in the same process and run. Loopback only.`, '',
    ...Object.entries(info).map(([k, v]) => `- ${k}: ${v}`),
    `- Load average (1 min) at the end: ${os.loadavg()[0].toFixed(2)} (the machine may be shared; a load above the core count makes the figures noisier)`,
    `- Duration: ${elapsed.toFixed(0)} s (${durations})`, '',
    '## Summary', '', summary, '',
    '## Details', '', details(plan, results),
    ...(problems.length ? ['## Problems', '', ...problems.map((p) => `- ${p.split('\n')[0]}`), ''] : []),
  ].join('\n');
  const file = complete ? path.join(ROOT, 'bench/RESULTS.md') : path.join(ROOT, 'out/bench', plan.quick ? 'RESULTS.quick.md' : 'RESULTS.partial.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, md);
  log(`wrote ${path.relative(ROOT, file)}${complete ? '' : ' (bench/RESULTS.md is written by a full run of every benchmark only)'}`);
  for (const p of problems) log(`problem: ${p.split('\n')[0]}`);
  return problems.length ? 1 : 0;
}

let exitCode = 1;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}
main()
  .then((code) => (exitCode = code))
  .catch((err: unknown) => log(`FAILED: ${err instanceof Error ? err.stack ?? err.message : String(err)}`))
  .finally(() => {
    void cleanupAll().finally(() => process.exit(exitCode));
  });

