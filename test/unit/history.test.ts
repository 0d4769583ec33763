import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { line, parseHistory, toRecord, type RunRecord } from '../../src/core/history';
import type { Attempt } from '../../src/core/orchestrator';
import { HistoryFile } from '../../src/storage/historyFile';

const attempt = (extra: Partial<Attempt> = {}): Attempt => ({
  tierIndex: 0, model: 'qwen-7b', label: 'qwen-7b', tier: 'local', backend: 'llama-swap', durationMs: 120, warm: 'cold', loadMs: 900,
  verdict: 'accept', inputTokens: 100, outputTokens: 20, costUsd: 0, judgePrompt: { evaluated: 40, cached: 800 }, detail: 'a body for the log only', ...extra,
});

function record(id: string, extra: Partial<Parameters<typeof toRecord>[0]> = {}): RunRecord {
  return toRecord({
    id, startedAt: new Date('2026-12-01T10:00:00Z'), workspace: 'app', languageId: 'typescript', skill: 'refactor', chain: ['qwen-7b', 'claude-sonnet-4-6'],
    result: { status: 'accepted', accepted: { model: 'qwen-7b', tierIndex: 0 }, attempts: [attempt()], proposal: 'let x = 2;', cloudCostAvoided: { model: 'claude-sonnet-4-6', usd: 0.0006 } },
    ...extra,
  });
}

describe('history records', () => {
  it('a run as the report has it, with load time and the judge\'s cache figures; no code, no log detail', () => {
    const r = record('a');
    assert.deepEqual(r.attempts, [{ model: 'qwen-7b', tier: 'local', durationMs: 120, warm: 'cold', verdict: 'accept', tierIndex: 0, backend: 'llama-swap', loadMs: 900, inputTokens: 100, outputTokens: 20, costUsd: 0, judgePrompt: { evaluated: 40, cached: 800 } }]);
    assert.equal(r.outcome, 'pending');
    assert.equal(r.cloudCostAvoidedUsd, 0.0006);
    assert.equal(r.code, undefined);
    assert.ok(!JSON.stringify(r).includes('let x = 2'), 'no code unless keepCode');
  });

  it('with keepCode: the selection, the instruction and the proposal', () => {
    const r = record('b', { code: { selection: 'let x = 1;', instruction: 'make it 2' } });
    assert.deepEqual(r.code, { selection: 'let x = 1;', instruction: 'make it 2', proposal: 'let x = 2;' });
  });

  it('the cost adds up the attempts; a run not accepted has outcome none', () => {
    const r = toRecord({ id: 'c', startedAt: new Date(), languageId: 'ts', skill: 'fix', chain: ['claude-sonnet-4-6'], result: { status: 'exhausted', message: 'No answer.', attempts: [attempt({ tier: 'cloud', costUsd: 0.01, verdict: 'escalate' }), attempt({ tier: 'cloud', costUsd: 0.02, verdict: 'error' })] } });
    assert.equal(r.costUsd, 0.03);
    assert.equal(r.outcome, 'none');
  });

  it('reading: torn and foreign lines are skipped and counted; a later outcome line updates its run', () => {
    const text = [
      line({ v: 1, type: 'run', run: record('a') }).trim(),
      '{"v":1,"type":"run","run":{"id":"x","startedAt":"2026',
      '{"some":"other tool"}',
      'not json at all',
      line({ v: 1, type: 'outcome', id: 'a', outcome: 'applied', at: '2026-12-01T10:01:00Z' }).trim(),
      line({ v: 1, type: 'outcome', id: 'unknown', outcome: 'applied', at: '2026-12-01T10:01:00Z' }).trim(),
    ].join('\n');
    const { runs, skipped } = parseHistory(text);
    assert.equal(skipped, 3);
    assert.deepEqual(runs.map((r) => [r.id, r.outcome]), [['a', 'applied']]);
  });
});

describe('the history file', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hyperguild-history-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('two windows (two processes) appending at once lose nothing; the newest comes first', async () => {
    const file = join(dir, 'history.jsonl');
    // Each process is a window: its own HistoryFile, 300 runs appended as fast as it can.
    const script = `
      const { HistoryFile } = require(${JSON.stringify(join(__dirname, '../../src/storage/historyFile.js'))});
      const { toRecord } = require(${JSON.stringify(join(__dirname, '../../src/core/history.js'))});
      const h = new HistoryFile(process.argv[1], () => 10000);
      const run = (id) => toRecord({ id, startedAt: new Date(), languageId: 'ts', skill: 'refactor', chain: ['a'], result: { status: 'exhausted', message: 'x'.repeat(3000), attempts: [] } });
      Promise.all(Array.from({ length: 300 }, (_, i) => h.appendRun(run(process.argv[2] + i)))).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
    const window = (name: string) => new Promise<number>((resolve) => spawn(process.execPath, ['-e', script, file, name], { stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)));
    assert.deepEqual(await Promise.all([window('a'), window('b')]), [0, 0]);
    const a = new HistoryFile(file, () => 10_000);
    const { runs, skipped } = await a.read();
    assert.equal(skipped, 0);
    assert.equal(runs.length, 600);
    assert.equal(new Set(runs.map((r) => r.id)).size, 600);
    const newest = (await a.read(1)).runs[0].id;
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').at(-1)?.includes(`"id":"${newest}"`), true);
  });

  it('a torn line (a window killed mid-write) is skipped, never fatal, and later lines still count', async () => {
    const file = join(dir, 'history.jsonl');
    const h = new HistoryFile(file, () => 10_000);
    await h.appendRun(record('one'));
    appendFileSync(file, '{"v":1,"type":"run","run":{"id":"torn","sta\n');
    await h.appendRun(record('two'));
    await h.appendOutcome('one', 'discarded');
    const { runs, skipped } = await h.read();
    assert.equal(skipped, 1);
    assert.deepEqual(runs.map((r) => [r.id, r.outcome]), [['two', 'pending'], ['one', 'discarded']]);
  });

  it('bounded: past 1.5 × maxRuns the oldest runs are dropped', async () => {
    const file = join(dir, 'history.jsonl');
    const h = new HistoryFile(file, () => 100);
    for (let i = 0; i < 200; i++) await h.appendRun(record(`r${i}`));
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    assert.ok(lines <= 151, `the file holds at most 1.5 × maxRuns lines (${lines})`);
    const { runs } = await h.read();
    assert.equal(runs.length, 100, 'reading returns maxRuns at most');
    assert.equal(runs[0].id, 'r199');
    assert.ok(!runs.some((r) => r.id === 'r0'), 'the oldest were dropped');
  });

  it('clear removes everything', async () => {
    const h = new HistoryFile(join(dir, 'history.jsonl'), () => 100);
    await h.appendRun(record('x'));
    await h.clear();
    assert.deepEqual((await h.read()).runs, []);
  });
});
