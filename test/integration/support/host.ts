// Helpers for extension-host tests: settings that are restored, documents that are closed without
// save prompts, polling with a bound.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { FakeLlamaSwap, type ChatReply, type FakeLlamaSwapOptions, type RecordedRequest } from '../../fakes/fakeLlamaSwap';
import type { RunReport } from '../../../src/core/engine/report';
export { assertOneSentence, closedPort, listing } from '../../support/checks';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(condition: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`not in time (${ms} ms): ${what}`);
    await sleep(20);
  }
}

/** Sets workspace settings and restores the previous values. */
export class Settings {
  private readonly saved = new Map<string, unknown>();

  async set(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration('hyperguild');
    if (!this.saved.has(key)) this.saved.set(key, config.inspect(key)?.workspaceValue);
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  }

  async restore(): Promise<void> {
    const config = vscode.workspace.getConfiguration('hyperguild');
    for (const [key, value] of this.saved) await config.update(key, value, vscode.ConfigurationTarget.Workspace);
    this.saved.clear();
  }
}

export function proposalTabs(scheme = 'hyperguild-proposal'): vscode.TabInputTextDiff[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => t.input)
    .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff && i.modified.scheme === scheme);
}

/** The diff tabs of drafts (code still streaming or being verified). */
export function draftTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'hyperguild-draft');
}

/** Closes every editor, reverting dirty ones first so no save dialog blocks the run. */
export async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    // An edited proposal keeps its edit in memory only (never on disk).
    if (doc.isDirty && doc.uri.scheme === 'hyperguild-proposal') await doc.save();
    if (doc.isDirty && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled')) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  // The next test's new untitled documents may take the closed ones' names (Untitled-1 …): wait, bounded, until the
  // extension host has let go of them, so a name reused too early never hands a test a document of the last one.
  const deadline = Date.now() + 2000;
  while (vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'untitled' && !d.isClosed) && Date.now() < deadline) await sleep(50);
}

export async function openWith(content: string, language = 'typescript'): Promise<vscode.TextEditor> {
  // VS Code can hand back an untitled document of an earlier test whose name it reused (its text is not `content`;
  // seen as a lineAt past the end, or a second file reading the first's text): ask again for a fresh one.
  for (let tries = 1; ; tries++) {
    const doc = await vscode.workspace.openTextDocument({ language, content });
    if (doc.getText() === content || tries === 5) return vscode.window.showTextDocument(doc);
    await sleep(100);
  }
}

export function select(editor: vscode.TextEditor, fromLine: number, toLine: number): void {
  editor.selection = new vscode.Selection(fromLine, 0, toLine, editor.document.lineAt(toLine).text.length);
}

export const isJudge = (r: RecordedRequest) => typeof r.body === 'object' && r.body !== null && 'response_format' in r.body;

/** A llama-swap answer with one fenced block, streamed in small pieces. */
export function codeReply(code: string, chunkDelayMs = 0): ChatReply {
  const text = `Here is the change:\n\`\`\`typescript\n${code}\n\`\`\`\n`;
  return { kind: 'text', pieces: text.match(/[\s\S]{1,6}/g) ?? [], chunkDelayMs, finish: 'stop' };
}

export function verdictReply(verdict: 'accept' | 'escalate', feedback: string): ChatReply {
  return { kind: 'text', pieces: [JSON.stringify({ verdict, feedback })], finish: 'stop' };
}

/** The extension's API, with the test-only log tap (present because the host runs it in ExtensionMode.Test). */
export interface TestApi {
  testing?: { logLines: readonly string[] };
}

export async function activateForTest(): Promise<{ logLines: readonly string[] }> {
  const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as TestApi;
  assert.ok(api.testing, 'the extension exposes its log to tests only in ExtensionMode.Test; this host did not set it');
  return api.testing;
}

/** Log lines written since `mark` (an index into the tap). */
export function logSince(log: { logLines: readonly string[] }, mark: number): string[] {
  return log.logLines.slice(mark);
}

/** The Anthropic variables the cloud backend reads, kept as they were so a suite that points them at a fake can put them back. */
export function savedCloudEnv(): { restore(): void } {
  const saved = { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL };
  return {
    restore: () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

/** The last message of a recorded chat request: the task with its data blocks. */
export function lastUserMessage(r: RecordedRequest): string {
  const messages = (r.body as { messages: { content: string }[] }).messages;
  return messages[messages.length - 1].content;
}

export async function runSkill(args: object = { skill: 'refactor' }): Promise<RunReport> {
  return (await vscode.commands.executeCommand('hyperguild.runSkill', args)) as RunReport;
}


/**
 * A suite's fake llama-swap and workspace settings: the extension is activated and the fake started before the
 * suite, pointed at by `hyperguild.llamaSwapUrl` with this chain; editors closed after each test; settings
 * restored and the fake closed after the suite.
 */
export function suiteWithFake(options: FakeLlamaSwapOptions, chain: unknown[]): { settings: Settings; fake: () => FakeLlamaSwap; log: () => { logLines: readonly string[] } } {
  const settings = new Settings();
  let fake: FakeLlamaSwap | undefined;
  let log: { logLines: readonly string[] } | undefined;
  before(async () => {
    log = await activateForTest();
    fake = await FakeLlamaSwap.start(options);
    await settings.set('llamaSwapUrl', fake.url);
    await settings.set('chain', chain);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await closeAll();
  });
  after(async () => {
    await settings.restore();
    await fake?.close();
  });
  return { settings, fake: () => fake!, log: () => log! };
}
