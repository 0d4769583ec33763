// The chain as a VS Code language model: another extension (here, the test) finds it with
// vscode.lm.selectChatModels({ vendor: 'hyperguild' }) and sends it a conversation, against the fakes.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { FakeAnthropic, type FakeReply } from '../fakes/fakeAnthropic';
import { FakeLlamaSwap, type ChatReply, type RecordedRequest } from '../fakes/fakeLlamaSwap';
import { Settings, activateForTest, isJudge, logSince, sleep, verdictReply, waitFor, savedCloudEnv } from './support/host';
import type { CascadeModels } from '../../src/editor/chat/cascadeModels';

const CLOUD = 'claude-sonnet-4-6';
const providerApi = typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider === 'function';
const ask = (text: string) => [vscode.LanguageModelChatMessage.User(text)];
const pieces = (text: string, chunkDelayMs = 0): ChatReply => ({ kind: 'text', pieces: text.match(/[\s\S]{1,5}/g) ?? [], chunkDelayMs, finish: 'stop' });

/** The whole answer as a caller reads it: sendRequest, then its text stream. */
async function answer(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], options: vscode.LanguageModelChatRequestOptions = {}, token?: vscode.CancellationToken, onText?: (t: string) => void): Promise<string> {
  const response = await model.sendRequest(messages, options, token);
  let text = '';
  for await (const piece of response.text) {
    text += piece;
    onText?.(piece);
  }
  return text;
}

/** The error a request ends with (thrown by sendRequest or by its stream). */
async function failure(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (err) {
    return err;
  }
  return assert.fail('the request did not fail');
}

async function cascade(): Promise<vscode.LanguageModelChat> {
  const models = await vscode.lm.selectChatModels({ vendor: 'hyperguild' });
  assert.equal(models.length, 1, `one cascade for one chain: ${models.map((m) => m.name).join(', ')}`);
  return models[0];
}

describe('the chain as a VS Code language model', function () {
  this.timeout(40_000);

  if (!providerApi) {
    // VS Code 1.100 (and forks that lag behind) has no provider API: the extension still works, and says so.
    it(`VS Code ${vscode.version} has no provider API: no cascade model, nothing fails, and the log says why`, async () => {
      const log = await activateForTest();
      assert.deepEqual(await vscode.lm.selectChatModels({ vendor: 'hyperguild' }), []);
      assert.ok(log.logLines.some((l) => l.includes('has no language-model provider API')), log.logLines.join('\n'));
    });
    return;
  }

  const KEY = `sk-ant-lm-${randomUUID()}`;
  const settings = new Settings();
  const savedEnv = savedCloudEnv();
  let log: { logLines: readonly string[] };
  let local: FakeLlamaSwap;
  let cloud: FakeAnthropic;
  let localReply: (r: RecordedRequest) => ChatReply;
  let cloudReply: () => FakeReply;

  before(async () => {
    log = await activateForTest();
    local = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b', responder: (r) => localReply(r) });
    cloud = await FakeAnthropic.start({ apiKey: KEY, knownModels: [CLOUD] });
    cloud.responder = () => cloudReply();
    process.env.ANTHROPIC_BASE_URL = cloud.url;
    process.env.ANTHROPIC_API_KEY = KEY;
    await settings.set('llamaSwapUrl', local.url);
    await settings.set('chain', ['qwen-7b', CLOUD]);
  });

  after(async () => {
    savedEnv.restore();
    await settings.restore();
    await local?.close();
    await cloud?.close();
  });

  it('selectChatModels finds one model for the chain, named after it, with the smallest tier\'s input limit and a token estimate', async () => {
    const model = await cascade();
    assert.equal(model.vendor, 'hyperguild');
    assert.equal(model.name, `Hyperguild · qwen-7b → ${CLOUD}`);
    assert.equal(model.family, 'hyperguild-cascade');
    // The local tier's default context (32,768) less the answer (4,096) and the judge's room (600).
    assert.equal(model.maxInputTokens, 32_768 - 4_096 - 600);
    assert.equal(await model.countTokens('x'.repeat(30)), 10);
  });

  it('a locally accepted answer: the local tier answers, its own model judges, the caller gets the answer and the cloud is never asked', async () => {
    localReply = (r) => (isJudge(r) ? verdictReply('accept', 'it answers the question') : pieces('Array.prototype.flat flattens nested arrays by one level.'));
    const cloudBefore = cloud.messageRequests.length;
    const mark = log.logLines.length;
    const localBefore = local.requests.length;
    const text = await answer(await cascade(), ask('What does Array.prototype.flat do?'), { modelOptions: { temperature: 0.2, max_tokens: 200 } });
    assert.equal(text, 'Array.prototype.flat flattens nested arrays by one level.');
    assert.equal(cloud.messageRequests.length, cloudBefore);
    const chats = local.requests.slice(localBefore).filter((r) => r.path === '/v1/chat/completions');
    const [generation, judge] = chats.map((r) => r.body as { temperature?: number; max_tokens?: number; messages: { content: string }[] });
    assert.equal(generation.temperature, 0.2, "the caller's temperature");
    assert.equal(generation.max_tokens, 200, "the caller's answer length");
    assert.match(judge.messages[judge.messages.length - 1].content, /fully and correctly answer the last user message/);
    const lines = logSince(log, mark);
    assert.ok(lines.some((l) => /▶ language-model request on a conversation of 1 message · chain: qwen-7b → /.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('[1/2] qwen-7b · local') && l.includes('accept')), lines.join('\n'));
    const [record] = await (vscode.extensions.getExtension('hyperguild.hyperguild')!.exports as { getHistory(o: { limit: number }): Promise<{ skill: string; outcome: string; status: string }[]> }).getHistory({ limit: 1 });
    assert.deepEqual([record.skill, record.status, record.outcome], ['language-model', 'accepted', 'none']);
  });

  it('an escalated answer: the rejected local answer never reaches the caller, the cloud gets the judge\'s feedback and its answer does', async () => {
    localReply = (r) => (isJudge(r) ? verdictReply('escalate', 'it describes sort, not flat') : pieces('It sorts the array in place.', 20));
    cloudReply = () => ({ kind: 'message', pieces: ['It flattens ', 'nested arrays.'] });
    const cloudBefore = cloud.messageRequests.length;
    const seen: string[] = [];
    const text = await answer(await cascade(), ask('What does Array.prototype.flat do?'), {}, undefined, (t) => seen.push(t));
    assert.equal(text, 'It flattens nested arrays.');
    assert.ok(!seen.join('').includes('sorts'), 'no part of the rejected answer was streamed');
    const sent = cloud.messageRequests[cloudBefore].body as { system?: unknown };
    assert.match(JSON.stringify(sent.system), /it describes sort, not flat/);
  });

  // VS Code 1.117 gives a provider a token that the caller's cancel no longer reaches once the request has started
  // (microsoft/vscode#277872, fixed after 1.117): the provider is called here as VS Code calls it, with that token.
  it('a cancelled request stops the tier in flight at once: the server sees the client go, nothing reaches the caller', async () => {
    localReply = () => pieces('word '.repeat(400), 30);
    const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as { testing: { cascadeModels: CascadeModels } };
    const provider = api.testing.cascadeModels;
    const [model] = provider.provideLanguageModelChatInformation();
    const source = new vscode.CancellationTokenSource();
    const before = local.requests.length;
    const mark = log.logLines.length;
    const parts: unknown[] = [];
    const message = { role: vscode.LanguageModelChatMessageRole.User, content: [new vscode.LanguageModelTextPart('Write a long essay.')], name: undefined };
    const run = provider.provideLanguageModelChatResponse(model, [message], { toolMode: vscode.LanguageModelChatToolMode.Auto }, { report: (p) => parts.push(p) }, source.token);
    await waitFor(() => local.requests.slice(before).some((r) => r.path === '/v1/chat/completions' && r.firstChunkAt !== undefined), 'the local tier is streaming');
    const cancelledAt = Date.now();
    source.cancel();
    await assert.rejects(run, (err) => err instanceof vscode.CancellationError);
    await waitFor(() => local.requests.slice(before).some((r) => r.clientAborted), 'the server saw the request go', 3000);
    assert.ok(Date.now() - cancelledAt < 3000);
    assert.deepEqual(parts, [], 'nothing was streamed');
    assert.ok(logSince(log, mark).some((l) => l.includes('■ cancelled')), 'the log says cancelled');
    source.dispose();
  });

  it('through sendRequest, "Hyperguild: Cancel Running Skills" stops a request in flight, and the caller gets no text', async () => {
    localReply = () => pieces('word '.repeat(400), 30);
    const before = local.requests.length;
    const seen: string[] = [];
    const run = answer(await cascade(), ask('Write a long essay.'), {}, undefined, (t) => seen.push(t));
    await waitFor(() => local.requests.slice(before).some((r) => r.path === '/v1/chat/completions' && r.firstChunkAt !== undefined), 'the local tier is streaming');
    await vscode.commands.executeCommand('hyperguild.cancel');
    const outcome = await run.then((text) => ({ text }), (err: unknown) => ({ err }));
    if ('err' in outcome) assert.ok(outcome.err instanceof vscode.CancellationError || /cancel/i.test(String(outcome.err)), `a cancellation, not ${String(outcome.err)}`);
    else assert.equal(outcome.text, '');
    await waitFor(() => local.requests.slice(before).some((r) => r.clientAborted), 'the server saw the request go', 3000);
    assert.deepEqual(seen, []);
  });

  it('an exhausted chain is a LanguageModelError whose message says each tier\'s reason', async () => {
    localReply = (r) => (isJudge(r) ? verdictReply('escalate', 'it does not answer the question') : pieces('Maybe.'));
    cloudReply = () => ({ kind: 'error', status: 400, type: 'invalid_request_error', message: 'prompt is too long' });
    const err = await failure(answer(await cascade(), ask('What does Array.prototype.flat do?')));
    assert.ok(err instanceof vscode.LanguageModelError, `a LanguageModelError, not ${String(err)}`);
    assert.match(err.message, /accepted no answer/);
    assert.match(err.message, /qwen-7b: it does not answer the question/);
    assert.match(err.message, new RegExp(`${CLOUD}: `));
  });

  it('a tool the caller requires is refused in one sentence (the cascade declares no tool calling)', async () => {
    const err = await failure(answer(await cascade(), ask('Read the file.'), {
      tools: [{ name: 'readFile', description: 'Reads a file', inputSchema: { type: 'object' } }],
      toolMode: vscode.LanguageModelChatToolMode.Required,
    }));
    assert.match(String((err as Error).message), /does not call tools/);
  });

  it('a request over the smallest tier\'s input limit is refused in one sentence, before any tier is asked', async () => {
    await settings.set('localContextTokens', 5000);
    try {
      let model = await cascade();
      for (let i = 0; i < 50 && model.maxInputTokens !== 5000 - 4096 - 600; i++, await sleep(50)) model = await cascade();
      assert.equal(model.maxInputTokens, 304);
      const before = local.requests.length;
      const err = await failure(answer(model, ask('x'.repeat(1200))));
      assert.match(String((err as Error).message), /^The request is about 404 tokens, more than the 304 that Hyperguild · qwen-7b → claude-sonnet-4-6 takes \(the least any tier's context holds, hyperguild\.localContextTokens, beside the answer and what a later tier is sent about earlier answers\); send less\.$/);
      assert.equal(local.requests.slice(before).filter((r) => r.path === '/v1/chat/completions').length, 0);
    } finally {
      await settings.set('localContextTokens', undefined);
    }
  });

  it('a new chain replaces the model; a request to the old one says to choose again', async () => {
    const old = await cascade();
    await settings.set('chain', ['qwen-32b']);
    try {
      let models: vscode.LanguageModelChat[] = [];
      for (let i = 0; i < 50 && models[0]?.name !== 'Hyperguild · qwen-32b'; i++, await sleep(50)) models = await vscode.lm.selectChatModels({ vendor: 'hyperguild' });
      assert.deepEqual(models.map((m) => m.name), ['Hyperguild · qwen-32b']);
      // VS Code itself refuses a model that is no longer provided (its message names the model).
      const err = await failure(answer(old, ask('hi')));
      assert.ok(String((err as Error).message).includes(old.id), String(err));
    } finally {
      await settings.set('chain', ['qwen-7b', CLOUD]);
    }
  });
});
