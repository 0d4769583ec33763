// Main file of a throwaway helper extension that the startup benchmark installs next to Hyperguild in a
// fresh offline host. It activates eagerly (`*`), before Hyperguild (`onStartupFinished`), and records
// when every file of Hyperguild's folder is loaded into the extension host, on the same Date.now() clock as
// the host's own marks (code/extHost/willLoadExtensionCode/… etc.), and how long Hyperguild's
// `require('vscode')` takes (the host builds the extension's API object on the first one).
// It changes nothing it loads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface LoadRecord {
  /** Relative to Hyperguild's folder, or `vscode` for Hyperguild's require('vscode'). */
  file: string;
  /** Date.now() at the start and end of the load (the host's marks use the same clock). */
  start: number;
  end: number;
  /** Duration on the high-resolution clock. */
  ms: number;
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
interface ModuleInternals { _load: Load; _resolveFilename(request: string, parent: unknown, isMain: boolean): string }

export function activate(): void {
  const { extensionDir } = JSON.parse(fs.readFileSync(path.join(__dirname, 'config.json'), 'utf8')) as { extensionDir: string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Module internals are not in the typings
  const Module = require('node:module') as ModuleInternals;
  const records: LoadRecord[] = [];
  (globalThis as { __hyperguildBenchLoads?: LoadRecord[] }).__hyperguildBenchLoads = records;
  const original = Module._load;
  Module._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    // Only paths can be Hyperguild's files; builtins pass straight through.
    let file: string | undefined;
    if (request === 'vscode') {
      const from = (parent as { filename?: string } | null)?.filename;
      if (from?.startsWith(extensionDir + path.sep)) file = path.join(extensionDir, 'vscode');
    } else if (request.startsWith('.') || path.isAbsolute(request)) {
      try {
        file = Module._resolveFilename(request, parent, isMain);
      } catch {
        // the real load reports it
      }
    }
    if (!file?.startsWith(extensionDir + path.sep)) return original.call(this, request, parent, isMain);
    const start = Date.now();
    const t0 = performance.now();
    try {
      return original.call(this, request, parent, isMain);
    } finally {
      records.push({ file: path.relative(extensionDir, file), start, end: Date.now(), ms: performance.now() - t0 });
    }
  };
}

export function deactivate(): void {}
