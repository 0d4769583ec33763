// The code checks of the command line, as the extension makes them: the syntax gate, the language's diagnostics (the
// TypeScript shipped beside the bundle, in its worker thread; never the folder's own), then `hyperguild.checks`'
// commands, but only with --checks: they come from the settings file, and a command line has no workspace trust to
// ask. One worker serves every run of the command (an eval's tasks too).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { disposeChecks, type CheckTarget } from '../core/engine/checks';
import type { TaskChecks } from '../core/eval/evalTypes';
import type { Settings } from '../core/setup/settings';
import { diagnosticsChecks } from '../checks/diagnostics';
import { commandChecks } from '../checks/commandCheck';
import { TsClient } from '../checks/tsClient';
import { SyntaxChecker } from '../syntax/syntaxGate';

/** The worker and the TypeScript it loads, beside the bundle (dist/); absent: the compiled tests' own copies. */
function typescriptFiles(): { worker: string; typescript: string } | undefined {
  const worker = path.join(__dirname, 'ts-worker.js');
  const typescript = path.join(__dirname, 'typescript', 'typescript.js');
  return fs.existsSync(worker) && fs.existsSync(typescript) ? { worker, typescript } : undefined;
}

export class CliChecks {
  private readonly files = typescriptFiles();
  private readonly client = this.files ? new TsClient(this.files.worker) : undefined;
  private readonly syntax: SyntaxChecker | undefined;

  /** `grammars`: the syntax gate's folder (none: no syntax gate); `runCommands`: --checks was given. */
  constructor(private readonly settings: Settings, grammars: string | undefined, private readonly runCommands: boolean) {
    this.syntax = grammars ? new SyntaxChecker(grammars) : undefined;
  }

  /** One run's gates and checks for its file, prepared now (while the first tier answers). */
  forTarget(target: CheckTarget): TaskChecks {
    const gate = this.syntax?.prepare(target.languageId, target.text, target.start, target.end);
    const { client, files, settings } = this;
    const codeChecks = [
      ...(client && files ? diagnosticsChecks(target, { timeoutMs: settings.diagnosticsTimeoutMs, trusted: false }, { client, bundledTypeScript: files.typescript }) : []),
      // Asked for on the command line: the user vouches for the settings file's commands, so none is asked about again.
      ...(this.runCommands ? commandChecks(target, settings.checks.get(target.languageId) ?? [], { trusted: () => true, approve: (c) => Promise.resolve(new Set(c.map((x) => x.command))) }) : []),
    ];
    return {
      ...(gate && { syntaxCheck: (proposal: string) => gate.check(proposal) }),
      codeChecks,
      dispose: () => {
        gate?.dispose();
        disposeChecks(codeChecks, () => undefined);
      },
    };
  }

  /** Stops the TypeScript worker (the command is done). */
  dispose(): void {
    this.client?.dispose();
  }
}
