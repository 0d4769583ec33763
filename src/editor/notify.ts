import * as vscode from 'vscode';

/**
 * Errors reach the user as one sentence with an "Open Log" button; the detail is already in
 * the log. Fire-and-forget: a notification must never hold up a command.
 */
export function showError(log: vscode.LogOutputChannel, sentence: string, detail?: string): void {
  log.error(detail ? `${sentence} ${detail}` : sentence);
  void vscode.window.showErrorMessage(sentence, 'Open Log').then((choice) => {
    if (choice === 'Open Log') log.show(true);
  });
}

export function showWarning(log: vscode.LogOutputChannel, sentence: string): void {
  log.warn(sentence);
  void vscode.window.showWarningMessage(sentence, 'Open Log').then((choice) => {
    if (choice === 'Open Log') log.show(true);
  });
}
