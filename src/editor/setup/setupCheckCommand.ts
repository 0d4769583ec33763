// "Hyperguild: Check Setup": the lines go to the log, a one-line summary to a notification.
import * as vscode from 'vscode';
import { formatCheckLine, runSetupChecks, type SetupCheckInput } from '../../core/setup/setupCheck';
import { showWarning } from '../notify';

export type CheckSetupDeps = SetupCheckInput & { log: vscode.LogOutputChannel };

/** Runs the checks and resolves to the formatted lines ("✓ …" / "✗ … — fix"). */
export async function checkSetupCommand(deps: CheckSetupDeps): Promise<string[]> {
  const { log, ...input } = deps;
  const results = await runSetupChecks(input);
  const lines = results.map(formatCheckLine);
  log.info('Check setup:');
  for (const line of lines) log.info(`  ${line}`);

  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) {
    void vscode.window.showInformationMessage(results.length === 1 ? vscode.l10n.t('Hyperguild setup: the check passed') : vscode.l10n.t('Hyperguild setup: all {0} checks passed', results.length));
  } else {
    // The failing line's text names what the fix is about ("add it…" alone would not).
    const summary = vscode.l10n.t('Hyperguild setup: {0} of {1} checks failed: {2}', failed.length, results.length, formatCheckLine(failed[0]).slice(2));
    showWarning(log, summary);
  }
  return lines;
}
