import * as vscode from 'vscode';
import { snapshotSettings, type Settings } from '../core/setup/settings';
import { SECTION } from '../core/settingKeys';

export type { Settings } from '../core/setup/settings';

/** The settings for a resource (its folder's chain, address, skills…), validated, as one snapshot. */
export function readSettings(scope?: vscode.Uri): Settings {
  // Window-scoped settings are read without the resource (VS Code logs a warning for each read with one).
  return snapshotSettings(vscode.workspace.getConfiguration(SECTION, scope), vscode.workspace.getConfiguration(SECTION), vscode.workspace.isTrusted);
}

/** The resource whose settings apply now: the active file, else the first workspace folder. */
export function currentScope(): vscode.Uri | undefined {
  return vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}
