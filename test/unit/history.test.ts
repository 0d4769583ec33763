import * as assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import { appendFileSync, promises as fsPromises, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { line, parseHistory, toRecord, type RunRecord } from '../../src/core/history/history';
import type { Attempt } from '../../src/core/engine/orchestrator';
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

  it('two windows (two processes) appending through compactions lose nothing; the newest comes first', async () => {
    const file = join(dir, 'history.jsonl');
    // Each process is a window (the compiled out/ code): 300 runs, a few at a time, compacting every 20 appends.
    const window = (name: string) => new Promise<{ code: number; compactions: number; failures: string[] }>((resolve) => {
      let told = { compactions: 0, failures: [] as string[] };
      fork(join(__dirname, '../support/historyWindow.js'), [file, name, '300', '20'], { stdio: 'inherit' })
        .on('message', (m: typeof told) => (told = m))
        .on('exit', (code) => resolve({ code: code ?? 1, ...told }));
    });
    const done = await Promise.all([window('a'), window('b')]);
    assert.deepEqual(done.map((d) => d.code), [0, 0]);
    const a = new HistoryFile(file, () => 10_000);
    const { runs, skipped } = await a.read();
    assert.equal(skipped, 0, 'no torn line');
    const ids = new Set(runs.map((r) => r.id));
    const lost = [...'ab'].flatMap((w) => Array.from({ length: 300 }, (_, i) => `${w}${i}`)).filter((id) => !ids.has(id));
    assert.deepEqual(lost, [], 'no run lost');
    assert.equal(runs.length, 600);
    assert.deepEqual(done.flatMap((d) => d.failures), [], 'no compaction failed');
    assert.ok(done[0].compactions + done[1].compactions >= 2, `the appends went through compactions (${done.map((d) => d.compactions).join(' + ')})`);
    const newest = (await a.read(1)).runs[0].id;
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').at(-1)?.includes(`"id":"${newest}"`), true);
    assert.deepEqual(readdirSync(dir), ['history.jsonl'], 'no lock, temporary or leftover file');
  });

  it('a compaction that fails as it puts the new file in place loses nothing, and the next one neither', async () => {
    const file = join(dir, 'history.jsonl');
    const h = new HistoryFile(file, () => 4);
    for (let i = 0; i < 6; i++) await h.appendRun(record(`r${i}`));
    // The 7th run takes the file past 1.5 × 4 runs: the compaction fails at the step that replaces the file.
    const rename = fsPromises.rename;
    fsPromises.rename = async (from, to) => {
      if (String(to) === file) throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
      return rename(from, to);
    };
    try {
      await h.appendRun(record('r6')).catch(() => undefined);
    } finally {
      fsPromises.rename = rename;
    }
    assert.deepEqual((await new HistoryFile(file, () => 100).read()).runs.map((r) => r.id), ['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0'], 'all 7 runs after the failure');
    await h.appendRun(record('r7'));
    assert.deepEqual((await new HistoryFile(file, () => 100).read()).runs.map((r) => r.id), ['r7', 'r6', 'r5', 'r4'], 'the next compaction keeps the newest 4');
    assert.deepEqual(readdirSync(dir), ['history.jsonl'], 'no lock, temporary or leftover file');
  });

  it('a window killed in the middle of a compaction loses nothing; the next window takes its lock over and compacts', async () => {
    const file = join(dir, 'history.jsonl');
    const child = fork(join(__dirname, '../support/historyCrash.js'), [file, '7', '4'], { stdio: 'inherit' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const stopped = await Promise.race([new Promise((resolve) => child.once('message', resolve)), exited.then(() => 'exited')]);
    assert.equal(stopped, 'about to replace the file', 'the 7th run started a compaction');
    child.kill('SIGKILL');
    await exited;
    assert.deepEqual((await new HistoryFile(file, () => 100).read()).runs.map((r) => r.id), ['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0'], 'all 7 runs');
    const h = new HistoryFile(file, () => 4);
    await h.appendRun(record('r7'));
    await h.appendRun(record('r8'));
    assert.deepEqual((await h.read()).runs.map((r) => r.id), ['r8', 'r7', 'r6', 'r5']);
    assert.deepEqual(readdirSync(dir), ['history.jsonl'], 'the dead window\'s lock and temporary file are gone');
  });

  it('an append that opened the file before a compaction and writes after it finished is not lost', async () => {
    const file = join(dir, 'history.jsonl');
    const h = new HistoryFile(file, () => 100);
    for (let i = 0; i < 3; i++) await h.appendRun(record(`r${i}`));
    // The worst moment: this window has opened the file to append; another window compacts it completely (its
    // rename and its copy of late lines are done) before this window's write lands, in the old file.
    const other = new HistoryFile(file, () => 100);
    const open = fsPromises.open;
    let compacted: unknown;
    fsPromises.open = (async (p: string, flags?: string) => {
      const handle = await open(p, flags);
      if (p === file && flags === 'a' && compacted === undefined) compacted = await other.compact();
      return handle;
    }) as typeof fsPromises.open;
    try {
      await h.appendRun(record('late'));
    } finally {
      fsPromises.open = open;
    }
    const { runs } = await new HistoryFile(file, () => 100).read();
    assert.deepEqual(runs.map((r) => r.id), ['late', 'r2', 'r1', 'r0']);
    assert.equal(compacted, true, 'the other window compacted in between');
  });

  it('the history an earlier version left in .compacting after a failed compaction is merged back', async () => {
    const file = join(dir, 'history.jsonl');
    appendFileSync(`${file}.compacting`, Array.from({ length: 7 }, (_, i) => line({ v: 1, type: 'run', run: record(`r${i}`) })).join(''));
    appendFileSync(file, line({ v: 1, type: 'run', run: record('r7') }));
    await new HistoryFile(file, () => 100).appendRun(record('r8'));
    assert.deepEqual((await new HistoryFile(file, () => 100).read()).runs.map((r) => r.id), ['r8', 'r7', 'r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
    assert.deepEqual(readdirSync(dir), ['history.jsonl']);
  });

  it('several windows count each other\'s runs: the bound holds though no window appended past it', async () => {
    const file = join(dir, 'history.jsonl');
    const a = new HistoryFile(file, () => 10);
    const b = new HistoryFile(file, () => 10);
    for (let i = 0; i < 10; i++) {
      await a.appendRun(record(`a${i}`));
      await b.appendRun(record(`b${i}`));
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    assert.ok(lines <= 15, `the file holds at most 1.5 × maxRuns runs (${lines})`);
    assert.equal((await a.read()).runs[0].id, 'b9');
  });

  it('bounded by size as well as by runs: past 1.5 × maxBytes the oldest runs are dropped', async () => {
    const file = join(dir, 'history.jsonl');
    // keepCode runs of about 100 KB each, a bound of 1 MB: the file never grows past 1.5 MB.
    const h = new HistoryFile(file, () => 10_000, { maxBytes: 1_000_000 });
    for (let i = 0; i < 40; i++) await h.appendRun(record(`r${i}`, { code: { selection: 'x'.repeat(100_000) } }));
    const size = statSync(file).size;
    assert.ok(size <= 1_500_000, `the file stays under 1.5 × maxBytes (${size} bytes)`);
    const { runs } = await h.read();
    assert.equal(runs[0].id, 'r39');
    assert.ok(runs.length >= 9 && runs.length <= 15, `the newest runs that fit (${runs.length})`);
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

  it('the tooltip\'s figures are kept as runs are recorded: recording one reads only its line, and another window\'s runs count', async () => {
    const file = join(dir, 'history.jsonl');
    const today = new Date();
    appendFileSync(file, Array.from({ length: 2000 }, (_, i) => line({ v: 1, type: 'run', run: record(`old${i}`, { startedAt: today }) })).join(''));
    const h = new HistoryFile(file, () => 10_000);
    assert.match(await h.todayLine(today), /^Today: 2000 runs, 2000 resolved locally/);
    const before = h.bytesRead;
    const mine = record('mine', { startedAt: today });
    await h.appendRun(mine);
    assert.match(await h.todayLine(today), /^Today: 2001 runs, 2001 resolved locally/);
    assert.equal(h.bytesRead - before, Buffer.byteLength(line({ v: 1, type: 'run', run: mine })), 'only the new line was read');
    // Another window (another process) records a run: the figures follow it, reading only its line.
    const other = line({ v: 1, type: 'run', run: record('other', { startedAt: today }) });
    await new Promise<void>((resolve, reject) => spawn(process.execPath, ['-e', `require('fs').appendFileSync(${JSON.stringify(file)}, ${JSON.stringify(other)})`], { stdio: 'inherit' })
      .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))));
    const mark = h.bytesRead;
    assert.match(await h.todayLine(today), /^Today: 2002 runs/);
    assert.equal(h.bytesRead - mark, Buffer.byteLength(other));
  });

  it('clear removes everything', async () => {
    const h = new HistoryFile(join(dir, 'history.jsonl'), () => 100);
    await h.appendRun(record('x'));
    await h.clear();
    assert.deepEqual((await h.read()).runs, []);
  });
});
