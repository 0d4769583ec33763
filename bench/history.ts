// Benchmarks 9 and 10: appending a run to the history (against a bare append of the same line, same run), the
// status bar's Today line after a run is recorded in a history of 15,000 runs (incremental, against re-reading the
// file as before), and building the escalation report over 10,000 runs (read + aggregate + page).
import { promises as fs } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { line, toRecord, type RunRecord } from '../src/core/history/history';
import { buildReport, todayLine } from '../src/core/history/historyReport';
import type { Attempt } from '../src/core/engine/orchestrator';
import { reportHtml } from '../src/editor/history/reportHtml';
import { HistoryFile } from '../src/storage/historyFile';
import { summarize, type Summary } from './stats';

export interface HistoryBenchResult {
  appends: number;
  append: Summary;
  bareAppend: Summary;
  runs: number;
  report: Summary;
  readOnly: Summary;
  tooltipRuns: number;
  tooltipBytes: number;
  tooltip: Summary;
  tooltipFullRead: Summary;
}

const MODELS = ['qwen2.5-coder-7b', 'qwen2.5-coder-32b', 'claude-sonnet-5-5'];

function sampleRun(i: number, start: number): RunRecord {
  const attempts: Attempt[] = MODELS.slice(0, 1 + (i % 3)).map((model, tierIndex) => ({
    tierIndex, model, label: model, tier: tierIndex === 2 ? 'cloud' : 'local', backend: tierIndex === 2 ? 'anthropic' : 'llama-swap',
    durationMs: 800 + ((i * 37) % 4000), warm: i % 5 ? 'ready' : 'cold', ...(i % 5 ? {} : { loadMs: 2500 }),
    verdict: tierIndex === i % 3 ? 'accept' : 'escalate', feedback: tierIndex === i % 3 ? 'correct' : 'the proposal does not parse: line 2, missing ")"',
    inputTokens: 900, outputTokens: 120, costUsd: tierIndex === 2 ? 0.004 : 0,
  }));
  return toRecord({
    id: `run-${i}`, startedAt: new Date(start - (i % 60) * 86_400_000), workspace: i % 4 ? 'app' : 'lib', languageId: 'typescript', skill: 'refactor', chain: MODELS,
    result: { status: 'accepted', accepted: { model: MODELS[i % 3], tierIndex: i % 3 }, attempts, cloudCostAvoided: { model: MODELS[2], usd: 0.003 } },
  });
}

/** Recording a run, then today's line: incremental (reads the new line) against the whole file re-read and parsed. */
async function tooltipBench(dir: string, now: number, runs: number, samples: number) {
  const file = path.join(dir, 'tooltip.jsonl');
  await fs.writeFile(file, Array.from({ length: runs }, (_, i) => line({ v: 1, type: 'run', run: sampleRun(i, now) })).join(''));
  const history = new HistoryFile(file, () => 1_000_000);
  await history.todayLine(new Date(now));
  const incremental: number[] = [];
  const fullRead: number[] = [];
  for (let i = 0; i < samples * 5; i++) {
    await history.appendRun(sampleRun(runs + i, now));
    let t = performance.now();
    await history.todayLine(new Date(now));
    incremental.push(performance.now() - t);
    t = performance.now();
    todayLine((await history.read()).runs, new Date(now));
    fullRead.push(performance.now() - t);
  }
  return { tooltipRuns: runs, tooltipBytes: (await fs.stat(file)).size, tooltip: summarize(incremental), tooltipFullRead: summarize(fullRead) };
}

export async function historyBench(options: { appends: number; runs: number; reports: number; tooltipRuns: number }): Promise<HistoryBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hyperguild-bench-history-'));
  try {
    const now = Date.now();
    const file = new HistoryFile(path.join(dir, 'history.jsonl'), () => 10_000);
    const bare = path.join(dir, 'bare.jsonl');
    const appendTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < options.appends; i++) {
      const run = sampleRun(i, now);
      let t = performance.now();
      await file.appendRun(run);
      appendTimes.push(performance.now() - t);
      t = performance.now();
      await fs.appendFile(bare, line({ v: 1, type: 'run', run }), { encoding: 'utf8', flag: 'a' });
      bareTimes.push(performance.now() - t);
    }

    const big = path.join(dir, 'big.jsonl');
    await fs.writeFile(big, Array.from({ length: options.runs }, (_, i) => line({ v: 1, type: 'run', run: sampleRun(i, now) })).join(''));
    const history = new HistoryFile(big, () => options.runs);
    const reportTimes: number[] = [];
    const readTimes: number[] = [];
    for (let i = 0; i < options.reports; i++) {
      let t = performance.now();
      await history.read();
      readTimes.push(performance.now() - t);
      t = performance.now();
      const runs = (await history.read()).runs;
      const filter = { days: 30, now: new Date(now) };
      const html = reportHtml(buildReport(runs, filter), filter, 'nonce', 'vscode-resource:');
      reportTimes.push(performance.now() - t);
      if (!html.includes('<svg')) throw new Error('the report drew no chart');
    }
    const tooltip = await tooltipBench(dir, now, options.tooltipRuns, options.reports);
    return { appends: options.appends, append: summarize(appendTimes), bareAppend: summarize(bareTimes), runs: options.runs, report: summarize(reportTimes), readOnly: summarize(readTimes), ...tooltip };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
