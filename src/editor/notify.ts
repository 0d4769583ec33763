import * as vscode from 'vscode';

/** A button on a notification that runs a command (so the same step is a command a test or a user can run). */
export interface NotifyAction {
  title: string;
  command: string;
}

/**
 * Errors reach the user as one sentence with the way out as buttons, then "Open Log"; the detail is already in
 * the log. Fire-and-forget: a notification must never hold up a command.
 */
export function showError(log: vscode.LogOutputChannel, sentence: string, detail?: string, actions: readonly NotifyAction[] = []): void {
  log.error(detail ? `${sentence} ${detail}` : sentence);
  offer(log, vscode.window.showErrorMessage, sentence, actions);
}

export function showWarning(log: vscode.LogOutputChannel, sentence: string, actions: readonly NotifyAction[] = []): void {
  log.warn(sentence);
  offer(log, vscode.window.showWarningMessage, sentence, actions);
}

function offer(log: vscode.LogOutputChannel, show: (message: string, ...items: string[]) => Thenable<string | undefined>, sentence: string, actions: readonly NotifyAction[]): void {
  if (actions.length) log.info(`  offered: ${actions.map((a) => a.title).join(' · ')}`);
  const openLog = vscode.l10n.t('Open Log');
  void show(sentence, ...actions.map((a) => a.title), openLog).then((choice) => {
    if (choice === openLog) log.show(true);
    const action = actions.find((a) => a.title === choice);
    if (action) void vscode.commands.executeCommand(action.command);
  });
}
