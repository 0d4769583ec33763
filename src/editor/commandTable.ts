import * as vscode from 'vscode';
import { showError } from './notify';

export type CommandTable = Record<string, (...args: never[]) => unknown>;

/** Registers every command behind one catch-all: no command ends in an unexplained exception. */
export function registerCommands(table: CommandTable, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) => vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      showError(log, vscode.l10n.t('Hyperguild: "{0}" failed unexpectedly; the log has the detail.', id), err instanceof Error ? err.stack : String(err));
      return undefined;
    }
  }));
}
