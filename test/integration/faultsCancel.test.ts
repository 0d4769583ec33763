// Fault matrix, cancellation rows (docs/reliability.md), in the real editor through `hyperguild.cancel`:
// while a cold model loads (with and without llama-swap's loading-state stream), while verifying, and after
// a tier escalated while the next one loads. (While streaming: runSkill.test.ts; exactly between two tiers:
// test/unit/faultsEngine.test.ts, as no host-side timing can land there reliably.) Each time: the report
// says cancelled at once, the connection is closed, nothing is opened, the document is untouched.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/core/engine/report';
import { FakeLlamaSwap, type RecordedRequest } from '../fakes/fakeLlamaSwap';
import { Settings, activateForTest, closeAll, isJudge, logSince, openWith, proposalTabs, runSkill, select, sleep, verdictReply, waitFor } from './support/host';

const SOURCE = 'function area(r) {\n  return 3.14 * r * r;\n}\n';
const ANSWER = '```js\nfunction area(r) {\n  return Math.PI * r ** 2;\n}\n```\n';

describe('faults: cancellation at every stage', function () {
  this.timeout(30_000);
  const settings = new Settings();
  let log: { logLines: readonly string[] };
  let fake: FakeLlamaSwap | undefined;

  before(async () => {
    log = await activateForTest();
  });

  afterEach(async () => {
    await closeAll();
    await fake?.close();
    fake = undefined;
  });

  after(async () => {
    await settings.restore();
  });

  /** Starts a run on SOURCE against `f`; returns the pending report (wrapped, see faultsDocument). */
  async function start(f: FakeLlamaSwap, chain: string[]): Promise<{ pending: Promise<RunReport>; editor: vscode.TextEditor }> {
    fake = f;
    await settings.set('llamaSwapUrl', f.url);
    await settings.set('chain', chain);
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    return { pending: runSkill(), editor };
  }

  /** Cancels, and checks what every cancelled run guarantees. */
  async function cancelAndCheck(pending: Promise<RunReport>, editor: vscode.TextEditor, request: () => RecordedRequest | undefined): Promise<RunReport> {
    const version = editor.document.version;
    const mark = log.logLines.length;
    const t0 = Date.now();
    await vscode.commands.executeCommand('hyperguild.cancel');
    const report = await pending;
    assert.ok(Date.now() - t0 < 1500, `cancel took ${Date.now() - t0} ms`);
    assert.equal(report.status, 'cancelled');
    assert.equal(report.message, 'The run was cancelled.');
    assert.equal(report.proposal, undefined);
    await waitFor(() => request()?.closedAt !== undefined, 'the request\'s connection closed', 2000);
    await sleep(100);
    assert.equal(proposalTabs().length, 0);
    assert.equal(editor.document.getText(), SOURCE);
    assert.equal(editor.document.version, version);
    const lines = logSince(log, mark);
    assert.ok(lines.some((l) => l.startsWith('[info] Cancelled 1 run')), 'the cancel is logged');
    assert.ok(lines.includes('[info] ■ cancelled'), 'the outcome is logged');
    assert.ok(!lines.some((l) => l.startsWith('[error]')), 'a cancel is not reported as an error');
    return report;
  }

  const chat = (f: FakeLlamaSwap, model: string, judge = false) =>
    f.requests.find((r) => r.path === '/v1/chat/completions' && r.model === model && isJudge(r) === judge);

  it('while a cold model loads, with llama-swap\'s loading-state stream', async () => {
    const f = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b', loadMs: 10_000, sendLoadingState: true }], loadingTickMs: 50 });
    const { pending, editor } = await start(f, ['qwen-7b']);
    await waitFor(() => (chat(f, 'qwen-7b')?.lastChunkAt ?? 0) > (chat(f, 'qwen-7b')?.firstChunkAt ?? Infinity), 'loading progress streaming');
    assert.deepEqual(f.running(), [{ model: 'qwen-7b', state: 'starting' }]);
    const report = await cancelAndCheck(pending, editor, () => chat(f, 'qwen-7b'));
    assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict, a.feedback]), [['qwen-7b', 'error', 'cancelled']]);
  });

  it('while a cold model loads, the request blocked before any byte (no loading state)', async () => {
    const f = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b', loadMs: 10_000 }] });
    const { pending, editor } = await start(f, ['qwen-7b']);
    await waitFor(() => chat(f, 'qwen-7b') !== undefined, 'the request waiting for the load');
    await sleep(100);
    assert.equal(chat(f, 'qwen-7b')?.firstChunkAt, undefined, 'nothing answered yet');
    const report = await cancelAndCheck(pending, editor, () => chat(f, 'qwen-7b'));
    assert.deepEqual(report.attempts.map((a) => a.verdict), ['error']);
  });

  it('while verifying (the judge is asked and has not answered)', async () => {
    const f = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    f.responder = (r) => (isJudge(r) ? { kind: 'stall' } : { kind: 'text', pieces: [ANSWER], finish: 'stop' });
    const { pending, editor } = await start(f, ['qwen-7b', 'qwen-32b']);
    await waitFor(() => chat(f, 'qwen-7b', true) !== undefined, 'the judge\'s request');
    const report = await cancelAndCheck(pending, editor, () => chat(f, 'qwen-7b', true));
    assert.deepEqual(report.attempts.map((a) => [a.verdict, a.feedback]), [['error', 'cancelled while verifying']]);
    assert.equal(chat(f, 'qwen-32b'), undefined, 'no next tier');
  });

  it('after a tier escalated, while the next tier\'s model loads', async () => {
    const f = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }, { id: 'qwen-32b', loadMs: 10_000 }], loaded: 'qwen-7b' });
    f.responder = (r) => (isJudge(r) ? verdictReply('escalate', 'not simpler') : { kind: 'text', pieces: [ANSWER], finish: 'stop' });
    const { pending, editor } = await start(f, ['qwen-7b', 'qwen-32b', 'qwen-7b']);
    await waitFor(() => chat(f, 'qwen-32b') !== undefined, 'tier 2 waiting for its load');
    const report = await cancelAndCheck(pending, editor, () => chat(f, 'qwen-32b'));
    assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict, a.feedback]), [['qwen-7b', 'escalate', 'not simpler'], ['qwen-32b', 'error', 'cancelled']]);
    assert.equal(f.requests.filter((r) => r.path === '/v1/chat/completions').length, 3, 'tier 3 never started');
  });
});
