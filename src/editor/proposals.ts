import * as vscode from 'vscode';
import * as path from 'node:path';
import { TextAnchor } from './anchor';
import { refusalReason } from './applyRefusal';
import type { RunReport } from '../core/report';

export const PROPOSAL_SCHEME = 'hyperguild-proposal';
const ACTIVE_KEY = 'hyperguild.proposalActive';
/** How long a closed proposal tab may take to reappear in another group (a move) before it is discarded. */
const MOVE_GRACE_MS = 300;

export interface Proposal {
  id: string;
  anchor: TextAnchor;
  proposed: string;
  title: string;
  /** The right side of the diff: the document with the anchored text replaced. */
  uri: vscode.Uri;
  content: string;
  /** Continues the run past this proposal's tier with the user's feedback (absent: nothing to continue). */
  escalate?: (feedback: string) => Promise<RunReport>;
  /** The run it came from, for the history. */
  runId?: string;
}

/** How a proposal ended: applied, discarded (or its tab closed), or escalated by the user. */
export type Settlement = 'applied' | 'discarded' | 'escalated';

export interface ApplyResult {
  applied: boolean;
  reason?: string;
}

const idOf = (uri: vscode.Uri) => new URLSearchParams(uri.query).get('id') ?? undefined;

/**
 * The document's text with the proposal in place of the anchored text; where that text was edited
 * meanwhile, in place of the edited region (the diff then shows the user's edit against the proposal).
 */
function withProposal(text: string, anchor: TextAnchor, proposed: string): string {
  const at = anchor.locate(text);
  const [start, length] = at === undefined ? [anchor.offset, anchor.length] : [at, anchor.original.length];
  return text.slice(0, start) + proposed + text.slice(start + length);
}

/**
 * Owns proposals: ONE read-only content provider for every diff's right side, anchors that
 * follow the user's edits from run start, and safe apply/discard.
 */
export class ProposalManager implements vscode.Disposable {
  private readonly proposals = new Map<string, Proposal>();
  private readonly anchors = new Set<TextAnchor>();
  /** Proposals whose Apply is in flight: a second Apply meanwhile (double click, button + notification) is refused. */
  private readonly applying = new Set<string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly settledEmitter = new vscode.EventEmitter<{ proposal: Proposal; how: Settlement }>();
  /** Fires once per proposal, when it is applied, discarded or escalated. */
  readonly onDidSettle = this.settledEmitter.event;
  /** Proposals whose tab closed a moment ago: discarded unless the tab reappears (a move); never resolved meanwhile. */
  private readonly closing = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.settledEmitter];
  private nextId = 1;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: (uri) => {
          const p = this.proposals.get(idOf(uri) ?? '');
          if (!p) return '// This Hyperguild proposal is no longer open.\n';
          const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === p.anchor.uri.toString());
          return document ? withProposal(document.getText(), p.anchor, p.proposed) : p.content;
        },
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const uri = e.document.uri.toString();
        for (const a of this.anchors) if (a.uri.toString() === uri) a.follow(e.contentChanges);
        // The right side is the document with the proposal in it: keep it in step with the user's edits.
        for (const p of this.proposals.values()) if (p.anchor.uri.toString() === uri) this.changed.fire(p.uri);
      }),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        // Closing the diff tab discards its proposal and frees its memory. Moving it to another group is
        // reported as a close and an open: a proposal still shown in some tab is kept.
        for (const tab of e.closed) {
          const id = this.proposalIdOfTab(tab);
          if (id && !this.isShown(id)) this.forgetUnlessReopened(id);
        }
        for (const tab of e.opened) {
          const id = this.proposalIdOfTab(tab);
          if (id && this.closing.has(id)) {
            clearTimeout(this.closing.get(id));
            this.closing.delete(id);
          }
        }
        this.updateContext();
      }),
    );
    // A tab that closes meanwhile makes close() reject: that must not become an unhandled rejection.
    this.closeOrphanTabs().catch((err: unknown) => this.log.warn(`Closing leftover proposal tabs failed: ${String(err)}`));
  }

  /** Starts following the selected text at run start; the run turns it into a proposal or releases it. */
  track(document: vscode.TextDocument, range: vscode.Range): TextAnchor {
    const anchor = new TextAnchor(document.uri, document.offsetAt(range.start), document.getText(range));
    this.anchors.add(anchor);
    return anchor;
  }

  release(anchor: TextAnchor): void {
    this.anchors.delete(anchor);
  }

  /** Open proposals (a tab closed a moment ago no longer counts). */
  get size(): number {
    let n = 0;
    for (const id of this.proposals.keys()) if (!this.closing.has(id)) n++;
    return n;
  }

  /** Opens the diff of the document against the document with the anchored text replaced. */
  async open(anchor: TextAnchor, proposed: string, title: string, escalate?: Proposal['escalate'], runId?: string): Promise<Proposal> {
    const document = await vscode.workspace.openTextDocument(anchor.uri);
    const content = withProposal(document.getText(), anchor, proposed);
    const id = String(this.nextId++);
    const uri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: anchor.uri.path, query: `id=${id}` });
    const proposal: Proposal = { id, anchor, proposed, title, uri, content, ...(escalate && { escalate }), ...(runId && { runId }) };
    this.proposals.set(id, proposal);
    await vscode.commands.executeCommand('vscode.diff', anchor.uri, uri, `${title} ↔ ${path.basename(anchor.uri.path)}`, {
      preview: false,
      preserveFocus: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
    this.updateContext();
    return proposal;
  }

  /**
   * The proposal a command means: the given one; else the one in the active tab; else the newest one for
   * the active editor's document; else the only one on screen (its diff or its file visible); else the
   * user picks one. Never a guess at a file that is not on screen.
   */
  async resolve(target?: vscode.Uri | string): Promise<Proposal | undefined> {
    const id = typeof target === 'string' ? target : target?.scheme === PROPOSAL_SCHEME ? idOf(target) : undefined;
    if (id) return this.closing.has(id) ? undefined : this.proposals.get(id);
    const activeTab = vscode.window.tabGroups.activeTabGroup.activeTab;
    const activeId = activeTab && this.proposalIdOfTab(activeTab);
    if (activeId && this.proposals.has(activeId)) return this.proposals.get(activeId);
    const open = [...this.proposals.values()].filter((p) => !this.closing.has(p.id));
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const forActive = open.filter((p) => p.anchor.uri.toString() === active).pop();
    if (forActive || open.length === 0) return forActive;
    const shownIds = new Set(vscode.window.tabGroups.all.map((g) => g.activeTab && this.proposalIdOfTab(g.activeTab)));
    const visibleFiles = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
    const onScreen = open.filter((p) => shownIds.has(p.id) || visibleFiles.has(p.anchor.uri.toString()));
    if (onScreen.length === 1) return onScreen[0];
    const picked = await vscode.window.showQuickPick(
      open.reverse().map((p) => ({ label: p.title, description: vscode.workspace.asRelativePath(p.anchor.uri), proposal: p })),
      { title: 'Hyperguild: Which Proposal?', placeHolder: 'No proposal belongs to the active editor; choose one' },
    );
    return picked?.proposal;
  }

  /**
   * Replaces the original text with one WorkspaceEdit (one undo restores it), only if that
   * text is still there unchanged; never saves. A refusal changes nothing and keeps the proposal.
   */
  async apply(target?: vscode.Uri | string): Promise<ApplyResult> {
    const p = await this.resolve(target);
    if (!p) return { applied: false, reason: this.size ? 'No Hyperguild proposal was chosen, so nothing was applied.' : 'There is no open Hyperguild proposal to apply.' };
    if (this.applying.has(p.id)) return { applied: false, reason: 'This Hyperguild proposal is already being applied.' };
    this.applying.add(p.id);
    try {
      return await this.applyOnce(p);
    } finally {
      this.applying.delete(p.id);
    }
  }

  private async applyOnce(p: Proposal): Promise<ApplyResult> {
    const file = path.basename(p.anchor.uri.path);
    const document = await vscode.workspace.openTextDocument(p.anchor.uri);
    // VS Code refuses an edit made against an older version; the user typing at that moment is no reason
    // to give up, so a refusal caused by a newer version is tried once more against it.
    for (let attempt = 1; ; attempt++) {
      const version = document.version;
      const at = p.anchor.locate(document.getText());
      if (at === undefined) {
        const reason = `The selected code in ${file} was changed since the run started, so the proposal was not applied; run the skill again.`;
        this.log.warn(reason);
        return { applied: false, reason };
      }
      const range = new vscode.Range(document.positionAt(at), document.positionAt(at + p.anchor.original.length));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, range, p.proposed);
      if (await vscode.workspace.applyEdit(edit)) break;
      const versionChanged = document.version !== version;
      if (versionChanged && attempt === 1) continue;
      const reason = refusalReason({ file, versionChanged, writable: vscode.workspace.fs.isWritableFileSystem(p.anchor.uri.scheme) });
      this.log.warn(`${reason} (document version ${version} → ${document.version})`);
      return { applied: false, reason };
    }
    this.log.info(`Applied "${p.title}" to ${vscode.workspace.asRelativePath(p.anchor.uri)} (not saved).`);
    this.settle(p, 'applied');
    await this.discard(p.id);
    return { applied: true };
  }

  /** Closes the proposals on this anchor and their diffs, but keeps following the text: a continued run reuses it. */
  async detach(anchor: TextAnchor): Promise<void> {
    const detached = [...this.proposals.values()].filter((p) => p.anchor === anchor);
    const ids = detached.map((p) => p.id);
    for (const p of detached) this.settle(p, 'escalated');
    for (const id of ids) this.proposals.delete(id);
    const tabs = this.allTabs().filter((t) => ids.includes(this.proposalIdOfTab(t) ?? ''));
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
    this.updateContext();
  }

  /** Forgets the proposal and closes its diff; the document is never touched. */
  async discard(target?: vscode.Uri | string): Promise<void> {
    const p = await this.resolve(target);
    if (!p) return;
    const tabs = this.allTabs().filter((t) => this.proposalIdOfTab(t) === p.id);
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
    this.forget(p.id);
    this.updateContext();
  }

  private forget(id: string): void {
    clearTimeout(this.closing.get(id));
    this.closing.delete(id);
    const p = this.proposals.get(id);
    if (!p) return;
    this.settle(p, 'discarded');
    this.proposals.delete(id);
    this.anchors.delete(p.anchor);
  }

  private readonly settled = new WeakSet<Proposal>();

  /** Once per proposal: an Apply is followed by the discard that closes its diff, which is not a second ending. */
  private settle(p: Proposal, how: Settlement): void {
    if (this.settled.has(p)) return;
    this.settled.add(p);
    this.settledEmitter.fire({ proposal: p, how });
  }

  private isShown(id: string): boolean {
    return this.allTabs().some((t) => this.proposalIdOfTab(t) === id);
  }

  /**
   * The open half of a move may be reported after the close: wait a moment for it before forgetting.
   * Meanwhile the proposal cannot be applied from a tab (there is none), so nothing acts on it by mistake.
   */
  private forgetUnlessReopened(id: string): void {
    clearTimeout(this.closing.get(id));
    this.closing.set(id, setTimeout(() => {
      this.closing.delete(id);
      if (this.isShown(id)) return;
      this.forget(id);
      this.updateContext();
    }, MOVE_GRACE_MS));
  }

  private allTabs(): vscode.Tab[] {
    return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  }

  private proposalIdOfTab(tab: vscode.Tab): string | undefined {
    const input = tab.input;
    return input instanceof vscode.TabInputTextDiff && input.modified.scheme === PROPOSAL_SCHEME ? idOf(input.modified) : undefined;
  }

  /** A window reload restores diff tabs whose proposals died with the old window: close them. */
  private async closeOrphanTabs(): Promise<void> {
    const orphans = this.allTabs().filter((t) => {
      const id = this.proposalIdOfTab(t);
      return id !== undefined && !this.proposals.has(id);
    });
    if (orphans.length) await vscode.window.tabGroups.close(orphans, true);
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', ACTIVE_KEY, this.size > 0);
  }

  dispose(): void {
    for (const timer of this.closing.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
    this.proposals.clear();
    this.anchors.clear();
  }
}
