// editor/chat: Hyperguild inside VS Code's AI, the @hyperguild participant and the chain as a language model
// (cascadeModels, behind the provider-API seam of lmProviderApi). May import the core and every editor folder
// but warmth and setup; nothing imports it but the composition root.
//
// Hyperguild inside VS Code's AI: the chain as a language model (VS Code ≥ 1.104, detected at run time) and the
// @hyperguild chat participant (any supported VS Code). The composition root hands it the run's parts.
import * as vscode from 'vscode';
import { CascadeModels, VENDOR, type CascadeDeps } from './cascadeModels';
import { chatHandler, followups, offeredProposal, PARTICIPANT_ID, SHOW_PROPOSAL_COMMAND, type ChatDeps } from './chatParticipant';
import type { CommandTable } from '../commandTable';
import { languageModelProviderApi } from './lmProviderApi';
import { showWarning } from '../notify';

export interface ChatFeature {
  disposables: vscode.Disposable[];
  /** The settings changed: the model picker is told when the chains in effect did. */
  refresh(): void;
  commands: CommandTable;
  /** The participant's handler, for the tests (VS Code offers no API to send a chat request to a participant). */
  handler: vscode.ChatRequestHandler;
  /** The language-model provider, where this VS Code has the API (≥ 1.104). */
  models?: CascadeModels;
}

export function chatFeature(extensionUri: vscode.Uri, deps: CascadeDeps & ChatDeps): ChatFeature {
  const disposables: vscode.Disposable[] = [];
  const handler = chatHandler(deps);
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  participant.followupProvider = followups;
  disposables.push(participant);

  const register = languageModelProviderApi();
  let models: CascadeModels | undefined;
  if (register) {
    models = new CascadeModels(deps);
    disposables.push(models, register(VENDOR, models));
  } else deps.log.info(`This VS Code (${vscode.version}) has no language-model provider API (1.104 and later): the cascade is not in the model picker; @hyperguild works.`);

  const commands: CommandTable = {
    // The button names the proposal and its file: a button restored from before a reload never opens another file's.
    [SHOW_PROPOSAL_COMMAND]: async (id?: unknown, file?: unknown) => {
      const offered = typeof id === 'string' && typeof file === 'string' ? await offeredProposal(deps.proposals, { proposalId: id, file }) : undefined;
      if (!offered || !(await deps.proposals.reveal(offered.id))) showWarning(deps.log, vscode.l10n.t('That proposal was applied, discarded or closed; run the skill again for a new one.'));
    },
  };
  return { disposables, refresh: () => models?.refresh(), commands, handler, ...(models && { models }) };
}
