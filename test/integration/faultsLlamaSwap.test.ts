// Fault matrix, llama-swap rows (docs/reliability.md), end to end in the real editor: for each fault the run
// resolves (never hangs or throws), the report says in one sentence what failed and what to fix, the user
// gets that sentence as the error notification (logged first by notify.ts, which is how it is checked here),
// the log gets the attempt line and the server's detail, the document is untouched and no proposal opens.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { FakeLlamaSwap, type ChatReply, type FakeLlamaSwapOptions, type RecordedRequest } from '../fakes/fakeLlamaSwap';
import {
  Settings, activateForTest, assertOneSentence, closeAll, closedPort, isJudge, logSince, openWith, proposalTabs, runSkill, select, waitFor,
} from './support/host';

const SOURCE = 'export function sum(xs: number[]) {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n';
const sse = (json: object) => `data: ${JSON.stringify(json)}\n\n`;
const piece = (content: string) => sse({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

interface Case {
  name: string;
  /** What the fake answers to the generation request. */
  reply?: ChatReply;
  /** A fake of its own (cold models, loading state). */
  fake?: FakeLlamaSwapOptions;
  /** Point hyperguild.llamaSwapUrl at a port nothing listens on. */
  unreachable?: boolean;
  settings?: Record<string, unknown>;
  /** The attempt's sentence (also inside the report's message). */
  sentence: RegExp;
  /** What the log must carry beyond the sentence (the server's body, the cause). */
  detail?: RegExp;
  /** Extra checks on the requests the fake got during the run. */
  check?: (requests: RecordedRequest[]) => void | Promise<void>;
}

const cases: Case[] = [
  {
    name: 'llama-swap unreachable when the run starts',
    unreachable: true,
    sentence: /^llama-swap at http:\/\/127\.0\.0\.1:\d+ is not reachable for qwen-7b \(connection refused\); start it or fix hyperguild\.llamaSwapUrl\.$/,
    detail: /ECONNREFUSED/,
  },
  {
    name: 'llama-swap dies mid-stream (connection destroyed)',
    reply: { kind: 'cut', pieces: ['```ts\n', 'export function'], abrupt: true, chunkDelayMs: 20 },
    sentence: /^qwen-7b failed on llama-swap at .*: the connection broke mid-answer \(.+\)\.$/,
    detail: /Error/,
  },
  {
    name: 'llama-swap accepts the connection and never answers (first-byte timeout)',
    reply: { kind: 'stall' },
    settings: { localFirstByteTimeoutSeconds: 1 },
    sentence: /^qwen-7b got no answer from llama-swap at .* within 1 s, so the request was cut \(a cold model load can take minutes\)\.$/,
  },
  {
    name: 'llama-swap starts the answer, then goes silent (idle timeout)',
    reply: { kind: 'silent', pieces: ['```ts\n'] },
    settings: { idleTimeoutSeconds: 1 },
    sentence: /^qwen-7b on llama-swap at .* went silent for 1 s mid-answer, so the stream was cut\.$/,
  },
  {
    name: '404 unknown model',
    settings: { chain: ['qwen-9b'] },
    sentence: /^qwen-9b failed on llama-swap at .*: no router for requested model \(404\)\.$/,
    detail: /"src":"llama-swap","error":"no router for requested model"/,
  },
  {
    name: '429 with Retry-After: 1 (retried once after a second, then reported)',
    reply: { kind: 'error', status: 429, body: '{"error":"Too many requests"}', headers: { 'Retry-After': '1' } },
    sentence: /^qwen-7b failed on llama-swap at .*: Too many requests \(429\)\.$/,
    detail: /Too many requests/,
    check: (requests) => {
      const chats = requests.filter((r) => r.path === '/v1/chat/completions');
      assert.equal(chats.length, 2, 'one retry, no more');
      assert.ok(chats[1].receivedAt - chats[0].receivedAt >= 950, 'the retry waited for Retry-After');
    },
  },
  {
    name: '500 health-check timeout',
    reply: { kind: 'error', status: 500, body: '{"src":"llama-swap","error":"unspecific error: health check timed out after 2m0s"}' },
    sentence: /^qwen-7b failed on llama-swap at .*: unspecific error: health check timed out after 2m0s \(500\)\.$/,
    detail: /"src":"llama-swap"/,
  },
  {
    name: '502 with an empty body (the model process died)',
    reply: { kind: 'error', status: 502 },
    sentence: /^qwen-7b failed on llama-swap at .*: the model process stopped answering \(empty reply\) \(502\)\.$/,
  },
  {
    name: 'plain-text error body (versions up to v217)',
    reply: { kind: 'error', status: 400, body: 'could not find suitable handler for model qwen-7b\n' },
    sentence: /^qwen-7b failed on llama-swap at .*: could not find suitable handler for model qwen-7b \(400\)\.$/,
    detail: /could not find suitable handler/,
  },
  {
    name: 'a sendLoadingState stream that then fails with raw error JSON',
    fake: { models: [{ id: 'qwen-7b', loadMs: 150, failLoad: 'health check timed out after 2m0s' }], sendLoadingState: true, loadingTickMs: 30 },
    sentence: /^qwen-7b failed on llama-swap at .*: unable to start process: health check timed out after 2m0s\.$/,
    detail: /\{"src":"llama-swap","error":"unable to start process/,
  },
  {
    name: 'a malformed SSE chunk',
    reply: { kind: 'raw', chunks: [piece('```ts\n'), 'data: {"choices":[{"delta":\n\n', 'data: [DONE]\n\n'] },
    sentence: /^qwen-7b failed on llama-swap at .*: the stream carried a chunk that is not JSON\.$/,
    detail: /\{"choices":\[\{"delta":/,
  },
  {
    name: 'a truncated SSE chunk as the stream ends',
    reply: { kind: 'raw', chunks: [piece('```ts\n'), 'data: {"choices":[{"delta":{"con'] },
    sentence: /^qwen-7b failed on llama-swap at .*: the answer was cut off before it finished\.$/,
  },
  {
    name: 'an error chunk mid-stream (llama-server)',
    reply: { kind: 'midstreamError', pieces: ['```ts\n', 'export'], message: 'The model produced output that does not match the expected peg-native format' },
    sentence: /^qwen-7b failed on llama-swap at .*: The model produced output that does not match the expected peg-native format \(500\)\.$/,
    detail: /"type":"server_error"/,
  },
  {
    name: 'an answer over the 1 MiB cap',
    reply: { kind: 'oversized', bytes: 1_300_000 },
    sentence: /^qwen-7b on llama-swap at .* sent an answer over 1 MiB, so it was cut\.$/,
    check: (requests) => waitFor(() => requests.find((r) => r.path === '/v1/chat/completions')?.socketClosedAt !== undefined, 'reading stopped: the connection was closed', 2000),
  },
];

describe('faults: llama-swap, end to end', function () {
  this.timeout(30_000);
  const settings = new Settings();
  let log: { logLines: readonly string[] };
  let shared: FakeLlamaSwap;
  let reply: ChatReply | undefined;

  before(async () => {
    log = await activateForTest();
    shared = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    // Only the generation fails in these rows; a judge would accept.
    shared.responder = (r) => (isJudge(r) ? { kind: 'text', pieces: ['{"verdict":"accept","feedback":"ok"}'], finish: 'stop' } : reply);
    await settings.set('chain', ['qwen-7b']);
  });

  afterEach(async () => {
    reply = undefined;
    await closeAll();
  });

  after(async () => {
    await settings.restore();
    await shared?.close();
  });

  for (const c of cases) {
    it(c.name, async () => {
      const own = c.fake ? await FakeLlamaSwap.start(c.fake) : undefined;
      const fake = own ?? shared;
      const before = fake.requests.length;
      try {
        reply = c.reply;
        await settings.set('llamaSwapUrl', c.unreachable ? `http://127.0.0.1:${await closedPort()}` : fake.url);
        await settings.set('chain', ['qwen-7b']);
        await settings.set('localFirstByteTimeoutSeconds', 300);
        await settings.set('idleTimeoutSeconds', 60);
        for (const [key, value] of Object.entries(c.settings ?? {})) await settings.set(key, value);

        const editor = await openWith(SOURCE);
        select(editor, 0, 4);
        const version = editor.document.version;
        const mark = log.logLines.length;
        const report = await runSkill();

        assert.equal(report.status, 'exhausted', report.message);
        assert.equal(report.attempts.length, 1);
        assert.equal(report.attempts[0].verdict, 'error');
        assert.match(report.attempts[0].feedback ?? '', c.sentence);
        assertOneSentence(report.message);
        assert.ok(report.message!.includes(report.attempts[0].feedback!.replace(/\.$/, '')), 'the report names the reason');
        assert.equal(report.proposal, undefined);

        // The user's text and the editor: untouched, nothing opened.
        assert.equal(editor.document.getText(), SOURCE);
        assert.equal(editor.document.version, version);
        assert.equal(proposalTabs().length, 0);

        // What the user saw (notify.ts logs the notification's sentence first) and what the log got.
        const lines = logSince(log, mark);
        assert.ok(lines.includes(`[error] ${report.message}`), `the error notification's sentence is not in the log:\n${lines.join('\n')}`);
        assert.ok(lines.some((l) => l.startsWith(`[info]   [1/1] ${report.attempts[0].model} · local`) && l.endsWith(`error — ${report.attempts[0].feedback}`)), 'the attempt line');
        if (c.detail) {
          const detail = lines.find((l) => l.startsWith('[info]     detail: '));
          assert.match(detail ?? '', c.detail, `no detail in the log:\n${lines.join('\n')}`);
        }
        await c.check?.(fake.requests.slice(before));
      } finally {
        await own?.close();
      }
    });
  }

  it('the same server answering normally again: the next run is accepted (nothing stuck from the faults)', async () => {
    reply = { kind: 'text', pieces: ['```ts\nexport function sum(xs: number[]) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n```\n'], finish: 'stop' };
    await settings.set('llamaSwapUrl', shared.url);
    await settings.set('chain', ['qwen-7b']);
    const editor = await openWith(SOURCE);
    select(editor, 0, 4);
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.equal(editor.document.getText(), SOURCE, 'nothing changes before Apply');
    await vscode.commands.executeCommand('hyperguild.discardProposal');
  });
});
