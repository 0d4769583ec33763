// Security rows of docs/reliability.md, in the real editor. The Anthropic key is set for this test only, in
// the extension host's environment (ANTHROPIC_API_KEY; the key command prompts and cannot be driven from a
// test), and ANTHROPIC_BASE_URL points the backend at the fake Messages API on 127.0.0.1: the backend reads
// both per run. Then the key is searched for in every request llama-swap received (headers and bodies), in
// every run report, in every line handed to the log (the extension's test-mode log tap, which sees every
// level, trace included) and in the settings; it may appear only in the x-api-key header of requests to the
// fake Anthropic. Also: a workspace's settings cannot redirect the key, and a missing key is one sentence.
import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/core/engine/report';
import type { CascadeModels } from '../../src/editor/chat/cascadeModels';
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import {
  Settings, activateForTest, assertOneSentence, closeAll, codeReply, isJudge, logSince, openWith, runSkill, select, verdictReply, waitFor, savedCloudEnv,
} from './support/host';

const SOURCE = 'function greet(name) {\n  return "Hello, " + name;\n}\n';
const CLOUD = 'claude-sonnet-4-6';
const fence = (code: string) => `Done:\n\`\`\`js\n${code}\n\`\`\`\n`;

describe('security', function () {
  this.timeout(30_000);
  const KEY = `sk-ant-hyperguild-test-${randomUUID()}`;
  const settings = new Settings();
  const savedEnv = savedCloudEnv();
  let log: { logLines: readonly string[] };
  let local: FakeLlamaSwap;
  let cloud: FakeAnthropic;
  let decoy: http.Server;
  const decoyHits: string[] = [];
  const reports: RunReport[] = [];

  before(async () => {
    log = await activateForTest();
    local = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    local.responder = (r) => (isJudge(r) ? verdictReply('escalate', 'needs a better answer') : codeReply('function greet(name) {\n  return `Hello, ${name}`;\n}'));
    cloud = await FakeAnthropic.start({ apiKey: KEY, knownModels: [CLOUD] });
    decoy = http.createServer((req, res) => {
      decoyHits.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
      res.end();
    });
    await new Promise<void>((r) => decoy.listen(0, '127.0.0.1', () => r()));
    process.env.ANTHROPIC_API_KEY = KEY;
    process.env.ANTHROPIC_BASE_URL = cloud.url;
    await settings.set('llamaSwapUrl', local.url);
    await settings.set('chain', ['qwen-7b', CLOUD]);
  });

  afterEach(async () => {
    await closeAll();
  });

  after(async () => {
    savedEnv.restore();
    await settings.restore();
    await local?.close();
    await cloud?.close();
    await new Promise<void>((r) => decoy.close(() => r()));
  });

  async function run(): Promise<RunReport> {
    const editor = await openWith(SOURCE, 'javascript');
    select(editor, 0, 2);
    const report = await runSkill();
    reports.push(report);
    assert.equal(editor.document.getText(), SOURCE);
    return report;
  }

  it('local → cloud: the cloud tier gets the key in x-api-key, and its answer is accepted', async () => {
    cloud.responder = () => ({ kind: 'message', pieces: [fence('function greet(name) {\n  return `Hello, ${name}!`;\n}')] });
    const report = await run();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: CLOUD, tierIndex: 1 });
    assert.deepEqual(report.attempts.map((a) => [a.model, a.tier, a.verdict]), [['qwen-7b', 'local', 'escalate'], [CLOUD, 'cloud', 'accept']]);
    await vscode.commands.executeCommand('hyperguild.discardProposal');
  });

  it('a cloud error that echoes the key back never carries it to the report or the log', async () => {
    cloud.responder = (req) => ({ kind: 'error', status: 400, type: 'invalid_request_error', message: `bad request for key ${String(req.headers['x-api-key'])}` });
    const report = await run();
    assert.equal(report.status, 'exhausted');
    assertOneSentence(report.message);
    assert.match(report.message ?? '', /\[redacted\]/);
    cloud.responder = () => ({ kind: 'message', pieces: ['par'], end: 'error', error: { type: 'api_error', message: `internal error near ${KEY}` } });
    const midStream = await run();
    assert.match(midStream.attempts[1].feedback ?? '', /failed mid-answer .*\[redacted\]/);
  });

  it('the key appears nowhere but in the x-api-key header of requests to Anthropic', () => {
    assert.ok(cloud.messageRequests.length >= 3, 'the cloud tier ran');
    for (const r of cloud.requests) {
      assert.equal(r.headers['x-api-key'], KEY);
      assert.equal(r.headers.authorization, undefined, 'no Bearer copy of the key');
      const otherHeaders = Object.entries(r.headers).filter(([name]) => name !== 'x-api-key');
      assert.ok(!JSON.stringify(otherHeaders).includes(KEY), 'in another header to Anthropic');
      assert.ok(!JSON.stringify(r.body ?? null).includes(KEY), 'in a body to Anthropic');
    }
    assert.ok(local.requests.length > 0);
    for (const r of local.requests) {
      assert.ok(!JSON.stringify(r.headers).includes(KEY), `in a header to llama-swap: ${r.method} ${r.path}`);
      assert.ok(!r.rawBody.includes(KEY), `in a body to llama-swap: ${r.method} ${r.path}`);
    }
    assert.ok(reports.length >= 3);
    for (const report of reports) assert.ok(!JSON.stringify(report).includes(KEY), 'in a run report');
    assert.ok(log.logLines.length > 0);
    const leaked = log.logLines.filter((l) => l.includes(KEY));
    assert.deepEqual(leaked, [], 'in the log');
    assert.ok(log.logLines.some((l) => l.includes('[redacted]')), 'the echoed key was redacted, not dropped silently');
    const config = vscode.workspace.getConfiguration('hyperguild');
    for (const key of Object.keys(config)) {
      assert.ok(!JSON.stringify(config.inspect(key) ?? null).includes(KEY), `in the setting hyperguild.${key}`);
    }
  });

  it('a workspace cannot redirect the key: address-like workspace settings are ignored, only the environment counts', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    const file = vscode.Uri.joinPath(folder, '.vscode', 'settings.json');
    const original = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
    const decoyUrl = `http://127.0.0.1:${(decoy.address() as AddressInfo).port}`;
    // What a hostile repository could write. None is a Hyperguild setting; http.proxy is VS Code's own.
    const hostile = {
      ...(JSON.parse(original) as object),
      'hyperguild.anthropicBaseUrl': decoyUrl,
      'hyperguild.anthropic.baseUrl': decoyUrl,
      'hyperguild.anthropicApiKey': 'sk-ant-from-the-repository',
      'anthropic.baseUrl': decoyUrl,
      'http.proxy': decoyUrl,
    };
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(hostile, null, 2)));
    try {
      await waitFor(() => vscode.workspace.getConfiguration().get('hyperguild.anthropicBaseUrl') === decoyUrl, 'VS Code read the hostile settings');
      const before = cloud.messageRequests.length;
      cloud.responder = () => ({ kind: 'message', pieces: [fence('function greet(name) {\n  return `Hi, ${name}`;\n}')] });
      const report = await run();
      assert.equal(report.status, 'accepted', report.message);
      assert.equal(cloud.messageRequests.length, before + 1, 'the request went to ANTHROPIC_BASE_URL');
      assert.equal(cloud.messageRequests[before].headers['x-api-key'], KEY, 'with the user\'s key, not the repository\'s');
      assert.deepEqual(decoyHits, [], 'nothing reached the address the repository named');
      await vscode.commands.executeCommand('hyperguild.discardProposal');
    } finally {
      await vscode.workspace.fs.writeFile(file, Buffer.from(original));
      await waitFor(() => vscode.workspace.getConfiguration().get('hyperguild.anthropicBaseUrl') === undefined, 'the settings restored');
    }
  });

  it('the cascade language model makes VS Code ask the user before another extension spends the keys through it', async () => {
    const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as { testing?: { cascadeModels?: CascadeModels } };
    const provider = api.testing?.cascadeModels;
    if (typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider !== 'function') {
      // VS Code 1.100–1.103: no provider API, so no cascade model another extension could call.
      assert.equal(provider, undefined);
      assert.deepEqual(await vscode.lm.selectChatModels({ vendor: 'hyperguild' }), []);
      return;
    }
    const models = provider?.provideLanguageModelChatInformation() ?? [];
    assert.ok(models.length > 0, 'the chain in effect is a model');
    for (const model of models) assert.equal(model.requiresAuthorization, true, `${model.name} asks for consent`);
  });

  it('no key anywhere: the cloud tier fails with one sentence saying how to set one, and nothing is sent', async () => {
    delete process.env.ANTHROPIC_API_KEY;
    try {
      await settings.set('chain', [CLOUD]);
      const before = cloud.requests.length;
      const mark = log.logLines.length;
      const report = await run();
      assert.equal(report.status, 'exhausted');
      assertOneSentence(report.message);
      assert.equal(report.message, `No answer was accepted after 1 attempt (${CLOUD}: No Anthropic API key is set for ${CLOUD}: run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY).`);
      assert.equal(cloud.requests.length, before);
      assert.ok(logSince(log, mark).includes(`[error] ${report.message}`));
    } finally {
      process.env.ANTHROPIC_API_KEY = KEY;
      await settings.set('chain', ['qwen-7b', CLOUD]);
    }
  });
});
