// What the command checks need from the editor: the workspace's trust, and the user's answer (a modal, asked once
// per command text and remembered in the workspace's state) before a command a workspace's settings define runs.
import * as vscode from 'vscode';
import type { CommandCheckDeps } from '../../checks/commandCheck';
import { commandApprover, type AskToRun } from '../../checks/commandApproval';

/** Test-only replacements (ExtensionMode.Test): the host tests run trusted and cannot click a modal. */
export interface CommandCheckTesting {
  trusted?: boolean;
  ask?: AskToRun;
}

export function commandCheckDeps(state: vscode.Memento, log: vscode.LogOutputChannel, testing?: CommandCheckTesting): CommandCheckDeps {
  const approve = commandApprover(state, async (commands) => {
    const answer = await (testing?.ask ?? askToRun)(commands);
    log.info(`Check commands of this workspace ${answer === 'run' ? 'allowed' : answer === 'skip' ? 'declined' : 'not answered'}: ${commands.join(' | ')}`);
    return answer;
  });
  return { trusted: () => testing?.trusted ?? vscode.workspace.isTrusted, approve };
}

/** The modal: names each command; "Don't Run" is remembered like "Run"; closing it decides nothing. */
async function askToRun(commands: readonly string[]): Promise<'run' | 'skip' | undefined> {
  const run = vscode.l10n.t('Run');
  const skip = vscode.l10n.t("Don't Run");
  const message = commands.length === 1
    ? vscode.l10n.t("This workspace's settings ask Hyperguild to run `{0}` to check each answer, on a temporary copy of the folder. Run it?", commands[0])
    : vscode.l10n.t("This workspace's settings ask Hyperguild to run {0} commands to check each answer, on a temporary copy of the folder. Run them?", commands.length);
  const detail = vscode.l10n.t('{0}\n\nYour answer is remembered for this workspace until a command changes.', commands.join('\n'));
  const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, run, skip);
  return pick === run ? 'run' : pick === skip ? 'skip' : undefined;
}
