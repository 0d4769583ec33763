// editor/review: what the user reviews and applies. Proposals (proposals.ts) with their in-memory right sides
// (proposalFiles, proposalSide, under the schemes of schemes.ts), anchors that follow the user's edits (anchor),
// the live draft while a run streams (drafts), and safe Apply. May import the core and the editor's shared files;
// never run, chat, history or warmth (what a run shares with it is in proposal.ts).
//
// Reviewing a proposal, the editor side in one place: the proposals' in-memory right sides, the drafts, and the
// commands that act on a proposal (Apply, Apply Selected Changes, Discard, Escalate).
import * as vscode from 'vscode';
import type { CommandTable } from '../commandTable';
import { DraftDocuments } from './drafts';
import { showWarning } from '../notify';
import { ProposalFiles } from './proposalFiles';
import { ProposalManager, type ApplyHunksResult } from './proposals';
import type { RunReport } from '../../core/engine/report';
import { PROPOSAL_SCHEME } from './schemes';

export interface ReviewFeature {
  proposals: ProposalManager;
  drafts: DraftDocuments;
  disposables: vscode.Disposable[];
  /** The proposal commands; `escalate` continues a proposal's run (see runSkillCommand's escalateCommand). */
  commands(escalate: (target?: vscode.Uri, args?: { feedback?: unknown }) => Promise<RunReport>): CommandTable;
}

export function reviewFeature(log: vscode.LogOutputChannel): ReviewFeature {
  const files = new ProposalFiles();
  const proposals = new ProposalManager(log, files);
  const drafts = new DraftDocuments();
  const disposables = [files, vscode.workspace.registerFileSystemProvider(PROPOSAL_SCHEME, files, { isCaseSensitive: true }), proposals, drafts];
  const commands = (escalate: Parameters<ReviewFeature['commands']>[0]): CommandTable => ({
    'hyperguild.applyProposal': async (target?: vscode.Uri) => {
      const result = await proposals.apply(target);
      if (!result.applied && result.reason) showWarning(log, result.reason);
      return result;
    },
    // From the diff's title bar or a key the argument is the diff's URI; from a caller, { hunks }.
    'hyperguild.applyHunks': async (arg?: vscode.Uri | { hunks?: unknown }) => {
      const result = await applyHunksCommand(proposals, arg);
      if (!result.applied && result.reason) showWarning(log, result.reason);
      return result;
    },
    'hyperguild.discardProposal': (target?: vscode.Uri) => proposals.discard(target),
    // From the diff's title bar the argument is the diff's URI; from the palette or a caller, { feedback }.
    'hyperguild.escalateProposal': (arg?: vscode.Uri | { feedback?: unknown }) => (arg instanceof vscode.Uri ? escalate(arg) : escalate(undefined, arg)),
  });
  return { proposals, drafts, disposables, commands };
}

/** `hyperguild.applyHunks` (contract): from a diff's title bar or a key, the diff's URI; from a caller, `{ hunks }`. */
async function applyHunksCommand(proposals: ProposalManager, arg?: vscode.Uri | { hunks?: unknown }): Promise<ApplyHunksResult> {
  if (arg instanceof vscode.Uri || arg === undefined) return proposals.applyHunks(arg);
  const hunks = (arg as { hunks?: unknown } | null)?.hunks;
  if (hunks === undefined) return proposals.applyHunks();
  if (!Array.isArray(hunks) || !hunks.every((h) => typeof h === 'number')) {
    return { applied: false, remaining: 0, reason: 'hyperguild.applyHunks takes { hunks: number[] }, the changes\' numbers from 0 in document order.' };
  }
  return proposals.applyHunks(undefined, hunks as number[]);
}
