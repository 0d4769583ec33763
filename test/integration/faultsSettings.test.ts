// Fault matrix, settings rows (docs/reliability.md), in the real editor: a bad hyperguild.chain or
// hyperguild.llamaSwapUrl stops the run before anything is sent, with one sentence naming the setting; a
// bad user skill is named while the others still work; settings changed during a run do not affect it.
import * as assert from 'assert';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import {
  Settings, activateForTest, assertOneSentence, closeAll, codeReply, isJudge, logSince, openWith, proposalTabs, runSkill, select, verdictReply, waitFor,
} from './support/host';

const SOURCE = 'function twice(n) {\n  return n + n;\n}\n';
const ANSWER = 'function twice(n) {\n  return 2 * n;\n}';

describe('faults: settings', function () {
  this.timeout(30_000);
  const settings = new Settings();
  let log: { logLines: readonly string[] };
  let fake: FakeLlamaSwap;

  before(async () => {
    log = await activateForTest();
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b' });
    fake.responder = (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(ANSWER));
    await settings.set('llamaSwapUrl', fake.url);
    await settings.set('chain', ['qwen-7b']);
  });

  afterEach(async () => {
    await settings.set('llamaSwapUrl', fake.url);
    await settings.set('chain', ['qwen-7b']);
    await settings.set('skills', undefined);
    await closeAll();
  });

  after(async () => {
    await settings.restore();
    await fake?.close();
  });

  /** Runs with the given setting and expects a failed run, nothing sent, the sentence shown and logged. */
  async function refused(key: string, value: unknown, sentence: RegExp): Promise<void> {
    await settings.set(key, value);
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const sent = fake.requests.length;
    const mark = log.logLines.length;
    const report = await runSkill();
    assert.equal(report.status, 'failed');
    assert.match(report.message ?? '', sentence);
    assertOneSentence(report.message);
    assert.deepEqual(report.attempts, [], 'no tier was tried');
    assert.equal(fake.requests.slice(sent).filter((r) => r.path === '/v1/chat/completions').length, 0, 'nothing was sent');
    assert.ok(logSince(log, mark).includes(`[error] ${report.message}`), 'the error notification (its sentence logged first)');
    assert.equal(editor.document.getText(), SOURCE);
    assert.equal(proposalTabs().length, 0);
  }

  it('hyperguild.chain not an array', () =>
    refused('chain', 'qwen-7b', /^hyperguild\.chain must be a list of model names, for example \["qwen-7b", "claude-sonnet-5-5"\]\.$/));

  it('hyperguild.chain empty', () =>
    refused('chain', [], /^hyperguild\.chain is empty; add at least one model, for example \["qwen-7b"\]\.$/));

  it('hyperguild.chain with an unknown backend', () =>
    refused('chain', ['qwen-7b', { model: 'llama3', backend: 'ollama' }], /^hyperguild\.chain entry 2 \("llama3"\) is invalid: its backend "ollama" is unknown \(use "llama-swap" or "anthropic"\)\.$/));

  it('hyperguild.chain with an entry without a model', () =>
    refused('chain', [{ backend: 'anthropic', label: 'cloud' }], /^hyperguild\.chain entry 1 .* is invalid: it has no "model" field\.$/));

  it('a malformed hyperguild.llamaSwapUrl (no scheme): refused, not replaced by a guessed address', () =>
    refused('llamaSwapUrl', 'localhost:8080', /^hyperguild\.llamaSwapUrl "localhost:8080" is not an http\(s\) address; use one such as http:\/\/127\.0\.0\.1:8080\.$/));

  it('a malformed hyperguild.llamaSwapUrl (another scheme)', () =>
    refused('llamaSwapUrl', 'ftp://127.0.0.1:8080', /^hyperguild\.llamaSwapUrl "ftp:\/\/127\.0\.0\.1:8080" is not an http\(s\) address/));

  it('an invalid setting is announced once when it appears, not again on every later settings change', async () => {
    const mark = log.logLines.length;
    const announcements = () => logSince(log, mark).filter((l) => l.startsWith('[warn] hyperguild.chain is empty')).length;
    await settings.set('chain', []);
    await waitFor(() => announcements() === 1, 'the warning about the empty chain');
    await settings.set('contextLines', 7);
    await settings.set('contextLines', 8);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(announcements(), 1, 'unrelated changes do not repeat it');
    await settings.set('chain', ['qwen-7b']);
    await settings.set('chain', []);
    await waitFor(() => announcements() === 2, 'announced again once it came back');
    await settings.set('chain', ['qwen-7b']);
  });

  it('a bad user skill is named (warning and log); the good ones and the built-ins still run', async () => {
    const mark = log.logLines.length;
    await settings.set('skills', [{ id: 'Bad Id', prompt: 'Do it.' }, { id: 'double-it', title: 'Double', prompt: 'Rewrite doubling as multiplication.' }]);
    await waitFor(() => logSince(log, mark).some((l) => l.startsWith('[warn] The skill "Bad Id" in hyperguild.skills is ignored')), 'the warning about the bad skill');

    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const bad = await runSkill({ skill: 'Bad Id' });
    assert.equal(bad.status, 'failed');
    assert.match(bad.message ?? '', /^The skill "Bad Id" in hyperguild\.skills is ignored \(id: its id must be lower-case letters, digits and dashes\)\.$/);
    assertOneSentence(bad.message);
    const good = await runSkill({ skill: 'double-it' });
    assert.equal(good.status, 'accepted', good.message);
    const builtIn = await runSkill({ skill: 'refactor' });
    assert.equal(builtIn.status, 'accepted', builtIn.message);
    assert.equal(editor.document.getText(), SOURCE);
  });

  it('settings changed while a run is in flight: the run finishes with the settings it started with', async () => {
    const other = await FakeLlamaSwap.start({ models: [{ id: 'zzz' }], loaded: 'zzz' });
    try {
      // Tier 1 streams slowly and is escalated by its judge; tier 2 is accepted.
      fake.responder = (r) => {
        if (isJudge(r)) return r.model === 'qwen-7b' ? verdictReply('escalate', 'not simpler') : verdictReply('accept', 'good');
        return codeReply(ANSWER, r.model === 'qwen-7b' ? 30 : 0);
      };
      await settings.set('chain', ['qwen-7b', 'qwen-32b']);
      const editor = await openWith(SOURCE, 'javascript');
      select(editor, 0, 2);
      const sent = fake.requests.length;
      const pending = runSkill();
      await waitFor(() => fake.requests.slice(sent).some((r) => r.model === 'qwen-7b' && r.firstChunkAt !== undefined && r.closedAt === undefined), 'tier 1 streaming');
      // Mid-run: another server, another chain, another token limit, shorter timeouts.
      await settings.set('llamaSwapUrl', other.url);
      await settings.set('chain', ['zzz']);
      await settings.set('maxOutputTokens', 64);
      await settings.set('idleTimeoutSeconds', 1);
      const report = await pending;
      assert.equal(report.status, 'accepted', report.message);
      assert.deepEqual(report.accepted, { model: 'qwen-32b', tierIndex: 1 });
      assert.deepEqual(report.attempts.map((a) => [a.model, a.verdict]), [['qwen-7b', 'escalate'], ['qwen-32b', 'accept']]);
      const chats = fake.requests.slice(sent).filter((r) => r.path === '/v1/chat/completions');
      assert.deepEqual(chats.map((r) => [r.model, isJudge(r)]), [['qwen-7b', false], ['qwen-7b', true], ['qwen-32b', false], ['qwen-32b', true]]);
      for (const r of chats.filter((c) => !isJudge(c))) assert.equal((r.body as { max_tokens: number }).max_tokens, 4096, 'the token limit it started with');
      assert.equal(other.count('/v1/chat/completions'), 0, 'nothing went to the new server');
      // The next run uses the new settings.
      const next = await runSkill();
      assert.deepEqual(next.attempts.map((a) => a.model), ['zzz']);
      assert.equal(other.count('/v1/chat/completions') > 0, true);
    } finally {
      fake.responder = (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(ANSWER));
      await settings.set('maxOutputTokens', undefined);
      await settings.set('idleTimeoutSeconds', undefined);
      await settings.set('llamaSwapUrl', fake.url);
      await other.close();
    }
  });
});
