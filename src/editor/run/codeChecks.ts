// The code checks of a run, cheapest first: the language's own diagnostics, then the user's commands. Called once per
// run at its start (runSkillCommand), so each check can start preparing while the first tier answers.
import * as vscode from 'vscode';
import type { CheckSource } from '../../core/engine/checks';
import { diagnosticsChecks, type DiagnosticsDeps } from '../../checks/diagnostics';
import { commandChecks, type CommandCheckDeps } from '../../checks/commandCheck';
import { currentScope, readSettings } from '../settings';

export interface CheckSourceDeps {
  diagnostics: DiagnosticsDeps;
  commands: CommandCheckDeps;
}

export function checkSource(deps: CheckSourceDeps): CheckSource {
  return (target) => {
    const settings = readSettings(target.path ? vscode.Uri.file(target.path) : currentScope());
    const trusted = vscode.workspace.isTrusted;
    return [
      ...diagnosticsChecks(target, { timeoutMs: settings.diagnosticsTimeoutMs, trusted }, deps.diagnostics),
      ...commandChecks(target, settings.checks.get(target.languageId) ?? [], deps.commands),
    ];
  };
}
