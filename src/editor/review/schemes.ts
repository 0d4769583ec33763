import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A proposal's right side: editable, in memory (ProposalFiles). */
export const PROPOSAL_SCHEME = 'hyperguild-proposal';
/** A draft's right side: read-only, while a tier writes (DraftDocuments). */
export const DRAFT_SCHEME = 'hyperguild-draft';

/** The proposal id a right side's URI carries (`?id=…`). */
export const proposalIdOf = (uri: vscode.Uri): string | undefined => new URLSearchParams(uri.query).get('id') ?? undefined;

/**
 * Mints proposal ids for one window: a random prefix, then a count. VS Code restores a chat's metadata and the
 * diff tabs across a reload; ids that restarted at 1 would let those name an unrelated proposal of the new window.
 */
export function proposalIds(): () => string {
  const prefix = randomBytes(5).toString('hex');
  let count = 0;
  return () => `${prefix}-${++count}`;
}

/** A right side for a document: a file system needs an absolute path, and an untitled document's path is just its name. */
export function rightSideUri(scheme: string, document: vscode.Uri, query: string): vscode.Uri {
  const path = document.path.startsWith('/') ? document.path : `/${document.path}`;
  return vscode.Uri.from({ scheme, path, query });
}

/** The diff tab whose right side is `uri`. */
export function diffTabOf(uri: vscode.Uri): vscode.Tab | undefined {
  const key = uri.toString();
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === key);
}

/** A tab operation that does not finish in this time is given up on: a stuck tab must never hold up a run. */
const TAB_OP_MS = 3000;
let tabOps: Promise<unknown> = Promise.resolve();

/**
 * Runs opens and closes of our diff tabs one at a time: two runs' drafts and proposals swapping tabs in the
 * same column at once can leave VS Code's open unanswered. Each op is bounded and its failure swallowed.
 */
export function inTabOrder(op: () => Thenable<unknown>): Promise<void> {
  const next = tabOps.then(() => Promise.race([Promise.resolve(op()).then(undefined, () => undefined), new Promise((r) => setTimeout(r, TAB_OP_MS))]));
  tabOps = next;
  return next.then(() => undefined);
}
