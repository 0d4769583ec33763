// What a run and the review share, in one file so neither imports the other's module: a proposal (the accepted
// answer the user reviews) and the surface its run shows on (RunSurface: a notification, or a chat response).
// Types only: it may import the review's anchor and right side, the core's report, and 'vscode' (types).
import type * as vscode from 'vscode';
import type { RunReport } from '../../core/engine/report';
import type { TextAnchor } from './anchor';
import type { ProposalSide } from './proposalSide';

export interface Proposal {
  id: string;
  anchor: TextAnchor;
  proposed: string;
  title: string;
  /** The right side of the diff (in memory, editable): the document with the anchored text replaced. */
  uri: vscode.Uri;
  /** The right side's text, kept in step with the document. */
  side: ProposalSide;
  /** Some of its changes were applied (Apply Selected Changes). */
  appliedSome?: boolean;
  /** Continues the run past this proposal's tier with the user's feedback (absent: nothing to continue). */
  escalate?: (feedback: string, surface?: RunSurface) => Promise<RunReport>;
  /** The run it came from, for the history. */
  runId?: string;
}

/**
 * Where a run shows itself: by default a progress notification with Cancel, the failure's notification and
 * Apply / Discard / Escalate… in one; a chat response instead streams the progress and says the outcome itself.
 */
export interface RunSurface {
  progress<T>(title: string, work: (report: (message: string) => void, token: vscode.CancellationToken) => Promise<T>): Thenable<T>;
  /** The surface says the outcome (and any failure) itself: no notifications. */
  quiet?: boolean;
  /** The editor to run on, when it is not the active one (the chat view has the focus). */
  editor?: vscode.TextEditor;
  /** The accepted answer's proposal is open. */
  opened?(proposal: Proposal): void;
}
