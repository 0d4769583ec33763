// The live draft in the real host (run by bench/liveDraft.ts as a HOST_SUITE): how soon the first line of code a
// server sends is on screen as a draft, against VS Code opening a plain diff in the same run; and the extension
// host's CPU while a 2,000-token draft streams, with drafts on and off.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { FakeLlamaSwap, type ChatReply, type RecordedRequest } from '../../test/fakes/fakeLlamaSwap';
import { isJudge, verdictReply } from '../../test/integration/support/host';
import { sleep, summarize } from '../stats';

const SOURCE = 'function stats(xs) {\n  let total = 0;\n  for (const x of xs) total += x;\n  return total;\n}\n';
const BODY = Array.from({ length: 12 }, (_, i) => `  const v${i} = xs[${i}] ?? 0;`).join('\n');
/** The piece that completes the first line of code: its write is the moment measured from. */
const MARK = '(xs) {\n';
const BASELINE_SCHEME = 'hyperguild-bench';

function latencyReply(): ChatReply {
  const pieces = ['Here is the change:\n', '```js\n', 'function firstLine', MARK, ...`${BODY}\n  return xs;\n}\n\`\`\`\n`.match(/[\s\S]{1,8}/g)!];
  return { kind: 'text', pieces, chunkDelayMs: 25, finish: 'stop' };
}

/** About 2,000 tokens of code, four characters a piece, as fast as a quick local model writes. */
function longReply(): ChatReply {
  const code = Array.from({ length: 220 }, (_, i) => `  const value${i} = xs[${i}] * ${i};`).join('\n');
  const pieces = ['```js\n', ...`function stats(xs) {\n${code}\n  return xs;\n}\n\`\`\`\n`.match(/[\s\S]{1,4}/g)!];
  return { kind: 'text', pieces: pieces.slice(0, 2000), chunkDelayMs: 2, finish: 'stop' };
}

const tabOpened = (scheme: string) => new Promise<number>((resolve) => {
  const sub = vscode.window.tabGroups.onDidChangeTabs((e) => {
    if (!e.opened.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === scheme)) return;
    sub.dispose();
    resolve(performance.now());
  });
});

const draftHasLine = () => new Promise<number>((resolve) => {
  const has = (d: vscode.TextDocument) => d.uri.scheme === 'hyperguild-draft' && d.getText().includes('function firstLine(xs) {');
  const subs = [
    vscode.workspace.onDidOpenTextDocument((d) => has(d) && done()),
    vscode.workspace.onDidChangeTextDocument((e) => has(e.document) && done()),
  ];
  function done(): void {
    subs.forEach((s) => s.dispose());
    resolve(performance.now());
  }
});

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not in ${ms} ms: ${what}`)), ms))]);

async function closeEverything(): Promise<void> {
  await vscode.commands.executeCommand('hyperguild.discardProposal');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('notifications.clearAll');
}

async function selectSource(): Promise<void> {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'javascript', content: SOURCE }));
  editor.selection = new vscode.Selection(0, 0, 4, 1);
}

export async function run(): Promise<void> {
  let failures = 0;
  const config = vscode.workspace.getConfiguration('hyperguild');
  const fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
  const baselineDocs = vscode.workspace.registerTextDocumentContentProvider(BASELINE_SCHEME, { provideTextDocumentContent: (uri) => (uri.path.endsWith('b.js') ? SOURCE.replace('total', 'sum') : SOURCE) });
  // The moment the fake writes the piece that completes the first line of code (same process, same clock).
  let markAt = 0;
  const patched = fake as unknown as { write(rec: RecordedRequest, res: unknown, data: string | Buffer): boolean };
  const write = patched.write.bind(fake);
  patched.write = (rec, res, data) => {
    const ok = write(rec, res, data);
    if (typeof data === 'string' && data.includes(JSON.stringify(MARK).slice(1, -1))) markAt = performance.now();
    return ok;
  };
  const result = { draftDoc: [] as number[], draftTab: [] as number[], baselineTab: [] as number[], cpu: { on: [] as number[], off: [] as number[] }, updates: [] as number[], wallMs: { on: [] as number[], off: [] as number[] } };
  try {
    await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate();
    await config.update('llamaSwapUrl', fake.url, vscode.ConfigurationTarget.Workspace);
    await config.update('chain', ['qwen-7b'], vscode.ConfigurationTarget.Workspace);
    await config.update('showDraft', true, vscode.ConfigurationTarget.Workspace);
    fake.responder = (r) => (isJudge(r) ? verdictReply('accept', 'ok') : latencyReply());

    // 1. First draft line, interleaved with the editor's own floor: a plain diff opened beside.
    for (let i = 0; i < 22; i++) {
      await selectSource();
      const [doc, tab] = [draftHasLine(), tabOpened('hyperguild-draft')];
      markAt = 0;
      const running = vscode.commands.executeCommand('hyperguild.runSkill', { skill: 'refactor' });
      const [docAt, tabAt] = await within(Promise.all([doc, tab]), 10_000, 'the draft');
      await running;
      if (i >= 2) {
        result.draftDoc.push(docAt - markAt);
        result.draftTab.push(tabAt - markAt);
      }
      await closeEverything();

      await selectSource();
      const opened = tabOpened(BASELINE_SCHEME);
      const start = performance.now();
      await vscode.commands.executeCommand('vscode.diff', vscode.Uri.parse(`${BASELINE_SCHEME}:/a.js`), vscode.Uri.parse(`${BASELINE_SCHEME}:/b.js`), 'baseline', { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
      const at = await within(opened, 10_000, 'the baseline diff');
      if (i >= 2) result.baselineTab.push(at - start);
      await closeEverything();
    }

    // 2. CPU while a 2,000-token draft streams, drafts on and off, interleaved.
    fake.responder = (r) => (isJudge(r) ? verdictReply('accept', 'ok') : longReply());
    for (let i = 0; i < 4; i++) {
      for (const on of [true, false]) {
        await config.update('showDraft', on, vscode.ConfigurationTarget.Workspace);
        await selectSource();
        let updates = 0;
        const sub = vscode.workspace.onDidChangeTextDocument((e) => e.document.uri.scheme === 'hyperguild-draft' && updates++);
        await sleep(300);
        const [cpu0, t0] = [process.cpuUsage(), performance.now()];
        await vscode.commands.executeCommand('hyperguild.runSkill', { skill: 'refactor' });
        const [cpu, wall] = [process.cpuUsage(cpu0), performance.now() - t0];
        sub.dispose();
        if (i > 0) {
          (on ? result.cpu.on : result.cpu.off).push(((cpu.user + cpu.system) / 1000 / wall) * 1000);
          (on ? result.wallMs.on : result.wallMs.off).push(wall);
          if (on) result.updates.push(updates);
        }
        await closeEverything();
      }
    }
    const summary = {
      draftDoc: summarize(result.draftDoc), draftTab: summarize(result.draftTab), baselineTab: summarize(result.baselineTab),
      cpuOn: summarize(result.cpu.on), cpuOff: summarize(result.cpu.off), wallOn: summarize(result.wallMs.on), wallOff: summarize(result.wallMs.off), updates: summarize(result.updates),
      vscode: vscode.version,
    };
    const json = JSON.stringify({ raw: result, summary });
    console.log(`DRAFT_BENCH ${json}`);
    if (process.env.HOST_BENCH_OUT) fs.writeFileSync(process.env.HOST_BENCH_OUT, json);
  } catch (err) {
    failures = 1;
    console.log(`live draft benchmark failed: ${err instanceof Error ? err.stack : String(err)}`);
  } finally {
    for (const key of ['llamaSwapUrl', 'chain', 'showDraft']) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    baselineDocs.dispose();
    await fake.close();
  }
  console.log(`TESTS_DONE failures=${failures}`);
  if (failures) throw new Error('live draft benchmark failed');
}
