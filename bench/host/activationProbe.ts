// extensionTestsPath of the startup benchmark: runs inside the offline extension host once per start and
// prints one `HYPERGUILD_BENCH {json}` line with the host's own activation timing of Hyperguild:
// - VS Code's ActivationTimes (Load Code, Call Activate, Finish Activate), read from the
//   "Developer: Startup Performance" document (command perfview.show), the same figures as
//   "Developer: Show Running Extensions";
// - the extension host's performance marks (code/extHost/willLoadExtensionCode/<id> … didActivateExtension/<id>);
// - which of Hyperguild's files were loaded, and when, from the helper extension (loadRecorder.ts).
import * as vscode from 'vscode';
import type { LoadRecord } from './loadRecorder';

const ID = 'hyperguild.hyperguild';
const EMPTY_ID = 'hyperguild-bench.empty';
/** Time after activation for what activation starts (the status bar's first poll) to happen. */
const SETTLE_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Mark { name: string; startTime: number }
const marks = (): Mark[] => (globalThis as { MonacoPerformanceMarks?: { getMarks(): Mark[] } }).MonacoPerformanceMarks?.getMarks() ?? [];
const markOf = (what: string, id: string) => marks().find((m) => m.name === `code/extHost/${what}/${id}`)?.startTime;

export interface ActivationRow { loadCode: number; callActivate: number; finishActivate: number; event: string }

/** The row of `id` in the "Extension Activation Stats" table of the Startup Performance document. */
async function activationRows(ids: string[]): Promise<Record<string, ActivationRow> | undefined> {
  await vscode.commands.executeCommand('perfview.show');
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'perf');
    const lines = doc?.getText().split('\n') ?? [];
    const rows: Record<string, ActivationRow> = {};
    for (const line of lines) {
      const cells = line.split('|').map((c) => c.trim());
      if (cells.length >= 8 && ids.includes(cells[1])) {
        rows[cells[1]] = { loadCode: Number(cells[3]), callActivate: Number(cells[4]), finishActivate: Number(cells[5]), event: cells[6] };
      }
    }
    if (ids.every((id) => rows[id])) return rows;
    await sleep(200);
  }
  return undefined;
}

export async function run(): Promise<void> {
  const report: Record<string, unknown> = { node: process.versions.node, vscode: vscode.version };
  try {
    const ext = vscode.extensions.getExtension(ID);
    if (!ext) throw new Error(`${ID} is not installed in the host`);
    const waitUntil = Date.now() + 30_000;
    while (markOf('didActivateExtension', ID) === undefined && Date.now() < waitUntil) await sleep(10);
    if (markOf('didActivateExtension', ID) === undefined) {
      report.note = 'not activated by onStartupFinished within 30 s: activated by the probe';
      await ext.activate();
    }
    await sleep(SETTLE_MS);
    const marksOf = (id: string) => Object.fromEntries(['willLoadExtensionCode', 'didLoadExtensionCode', 'willActivateExtension', 'didActivateExtension']
      .map((what) => [what, markOf(what, id)]));
    report.marks = marksOf(ID);
    report.emptyMarks = marksOf(EMPTY_ID);
    report.loads = (globalThis as { __hyperguildBenchLoads?: LoadRecord[] }).__hyperguildBenchLoads ?? null;
    report.extensionDir = ext.extensionPath;
    report.loadedAtEnd = Object.keys(require.cache).filter((f) => f.startsWith(ext.extensionPath));
    report.rows = (await activationRows([ID, EMPTY_ID])) ?? null;
  } catch (err) {
    report.error = err instanceof Error ? err.stack ?? err.message : String(err);
  }
  console.log(`HYPERGUILD_BENCH ${JSON.stringify(report)}`);
}
