// The code checks of a `hyperguild run`, as the extension makes them: the language's diagnostics (the TypeScript
// shipped beside the bundle, in its worker thread; never the folder's own), then `hyperguild.checks`' commands, but
// only with --checks: they come from the settings file, and a command line has no workspace trust to ask.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { disposeChecks, type CheckTarget, type CodeCheck } from '../core/engine/checks';
import type { Settings } from '../core/setup/settings';
import { diagnosticsChecks } from '../checks/diagnostics';
import { commandChecks } from '../checks/commandCheck';
import { TsClient } from '../checks/tsClient';

export interface CliChecks {
  checks: CodeCheck[];
  /** Frees the checks' run state (a shadow copy) and stops the TypeScript worker. */
  dispose(): void;
}

/** The worker and the TypeScript it loads, beside the bundle (dist/); absent: the compiled tests' own copies. */
function typescriptFiles(): { worker: string; typescript: string } | undefined {
  const worker = path.join(__dirname, 'ts-worker.js');
  const typescript = path.join(__dirname, 'typescript', 'typescript.js');
  return fs.existsSync(worker) && fs.existsSync(typescript) ? { worker, typescript } : undefined;
}

export function cliChecks(target: CheckTarget, settings: Settings, runCommands: boolean): CliChecks {
  const files = typescriptFiles();
  const client = files ? new TsClient(files.worker) : undefined;
  const checks = [
    ...(client && files ? diagnosticsChecks(target, { timeoutMs: settings.diagnosticsTimeoutMs, trusted: false }, { client, bundledTypeScript: files.typescript }) : []),
    // Asked for on the command line: the user vouches for the settings file's commands, so none is asked about again.
    ...(runCommands ? commandChecks(target, settings.checks.get(target.languageId) ?? [], { trusted: () => true, approve: (c) => Promise.resolve(new Set(c.map((x) => x.command))) }) : []),
  ];
  return {
    checks,
    dispose: () => {
      disposeChecks(checks, () => undefined);
      client?.dispose();
    },
  };
}
