import * as vscode from 'vscode';
import * as path from 'node:path';
import { TextAnchor, withProposal } from './anchor';
import { refusalReason } from './applyRefusal';
import type { Proposal } from './proposal';
import { hunkEdits, hunksAt, lineHunks, type TextChange } from '../../core/review/proposalDiff';
import type { ProposalFiles } from './proposalFiles';
import { ProposalSide } from './proposalSide';
import { DRAFT_SCHEME, PROPOSAL_SCHEME, inTabOrder, proposalIdOf, proposalIds, rightSideUri } from './schemes';
import { Disposable } from '../disposable';

export { PROPOSAL_SCHEME };
export type { Proposal } from './proposal';

const ACTIVE_KEY = 'hyperguild.proposalActive';
/** The active tab is a proposal's diff: the keyboard flow's bindings apply only then. */
const FOCUSED_KEY = 'hyperguild.proposalFocused';
/** How long a closed proposal tab may take to reappear in another group (a move) before it is discarded. */
const MOVE_GRACE_MS = 300;

/** How a proposal ended: applied, discarded (or its tab closed), or escalated by the user. */
export type Settlement = 'applied' | 'discarded' | 'escalated';

export interface ApplyResult {
  applied: boolean;
  reason?: string;
}

/** (contract) What `hyperguild.applyHunks` resolves to. */
export interface ApplyHunksResult extends ApplyResult {
  /** Changes left in the proposal after this apply. */
  remaining: number;
}

const idOf = proposalIdOf;

/**
 * Owns proposals: their editable right sides (in memory, see ProposalFiles), anchors that follow the
 * user's edits from run start, and safe apply (whole or by hunk) and discard.
 */
export class ProposalManager extends Disposable {
  private readonly proposals = new Map<string, Proposal>();
  private readonly anchors = new Set<TextAnchor>();
  /** Proposals whose Apply is in flight: a second Apply meanwhile (double click, button + notification) is refused. */
  private readonly applying = new Set<string>();
  private readonly settledEmitter = this.register(new vscode.EventEmitter<{ proposal: Proposal; how: Settlement }>());
  /** Fires once per proposal, when it is applied, discarded or escalated. */
  readonly onDidSettle = this.settledEmitter.event;
  /** Proposals whose tab closed a moment ago: discarded unless the tab reappears (a move); never resolved meanwhile. */
  private readonly closing = new Map<string, NodeJS.Timeout>();
  /** Unique across reloads: a restored chat turn or tab never names a proposal of this window by chance. */
  private readonly mintId = proposalIds();
  /**
   * The document's text our own apply in flight will produce, per anchor: a change event that yields it is
   * ours, not the user's (the version alone cannot tell: the user's typing may take the same number).
   */
  private readonly ownEdits = new Map<TextAnchor, string>();

  constructor(private readonly log: vscode.LogOutputChannel, private readonly files: ProposalFiles) {
    super();
    for (const d of [
      vscode.workspace.onDidChangeTextDocument((e) => {
        const uri = e.document.uri.toString();
        const own = (a: TextAnchor) => this.ownEdits.has(a) && this.ownEdits.get(a) === e.document.getText();
        // The right side is the document with the proposal in it: the user's edits elsewhere go into it too,
        // placed by the anchored region as it was before this change, so the sides go first.
        for (const p of this.proposals.values()) {
          if (p.anchor.uri.toString() === uri) p.side.follow(e, { offset: p.anchor.offset, length: p.anchor.length }, own(p.anchor));
        }
        for (const a of this.anchors) if (a.uri.toString() === uri && !own(a)) a.follow(e.contentChanges);
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
      vscode.window.tabGroups.onDidChangeTabGroups(() => this.updateContext()),
    ]) this.register(d);
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
  async open(
    anchor: TextAnchor, proposed: string, title: string, escalate?: Proposal['escalate'], runId?: string,
    viewColumn: vscode.ViewColumn = vscode.ViewColumn.Beside,
  ): Promise<Proposal> {
    const document = await vscode.workspace.openTextDocument(anchor.uri);
    const base = document.getText();
    const id = this.mintId();
    const uri = rightSideUri(PROPOSAL_SCHEME, anchor.uri, `id=${id}`);
    const side = new ProposalSide(uri, base, this.files, (m) => this.log.warn(m));
    side.init(withProposal(base, anchor, proposed));
    const proposal: Proposal = { id, anchor, proposed, title, uri, side, ...(escalate && { escalate }), ...(runId && { runId }) };
    this.proposals.set(id, proposal);
    await this.showDiff(proposal, viewColumn);
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
    const activeId = this.activeProposalId();
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
      { title: vscode.l10n.t('Hyperguild: Which Proposal?'), placeHolder: vscode.l10n.t('No proposal belongs to the active editor; choose one') },
    );
    return picked?.proposal;
  }

  /** Brings an open proposal's diff to the front (the chat's Open Proposal button); false when it is settled or closed. */
  async reveal(id: string): Promise<boolean> {
    const p = this.proposals.get(id);
    if (!p || this.closing.has(id)) return false;
    const tab = this.allTabs().find((t) => this.proposalIdOfTab(t) === id);
    await this.showDiff(p, tab?.group.viewColumn ?? vscode.ViewColumn.Beside);
    return true;
  }

  /**
   * Applies the proposal as it is now (with the user's edits in it) with one WorkspaceEdit (one undo
   * restores it), only if the selected text is still there unchanged; never saves. A refusal changes
   * nothing and keeps the proposal.
   */
  async apply(target?: vscode.Uri | string): Promise<ApplyResult> {
    const { applied, reason } = await this.applyChanges(target, 'all');
    return { applied, ...(reason && { reason }) };
  }

  /**
   * Applies some of the proposal's changes: the given hunks (0-based, in document order), else those the
   * cursor or selection in the proposal's diff touches. The rest stay in the proposal.
   */
  async applyHunks(target?: vscode.Uri | string, hunks?: readonly number[]): Promise<ApplyHunksResult> {
    return this.applyChanges(target, hunks ?? 'selected');
  }

  private async applyChanges(target: vscode.Uri | string | undefined, which: 'all' | 'selected' | readonly number[]): Promise<ApplyHunksResult> {
    const p = await this.resolve(target);
    if (!p) return { applied: false, remaining: 0, reason: this.noProposalReason() };
    if (this.applying.has(p.id)) return { applied: false, remaining: this.hunksOf(p).length, reason: vscode.l10n.t('This Hyperguild proposal is already being applied.') };
    this.applying.add(p.id);
    try {
      await p.side.settled();
      return await this.applyOnce(p, which);
    } finally {
      this.applying.delete(p.id);
    }
  }

  private noProposalReason(): string {
    const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (active instanceof vscode.TabInputTextDiff && active.modified.scheme === DRAFT_SCHEME) {
      return vscode.l10n.t('The draft is not verified yet, so it cannot be applied; Apply becomes available when a tier\'s answer is accepted.');
    }
    return this.size ? vscode.l10n.t('No Hyperguild proposal was chosen, so nothing was applied.') : vscode.l10n.t('There is no open Hyperguild proposal to apply.');
  }

  private hunksOf(p: Proposal): ReturnType<typeof lineHunks> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === p.anchor.uri.toString());
    return lineHunks(document?.getText() ?? '', p.side.text());
  }

  /** The hunks the active editor's cursors or selections touch, on whichever side of this proposal's diff has focus. */
  private selectedHunks(p: Proposal, hunks: ReturnType<typeof lineHunks>): number[] | undefined {
    const editor = vscode.window.activeTextEditor;
    const uri = editor?.document.uri.toString();
    const side = uri === p.uri.toString() ? 'modified' : uri === p.anchor.uri.toString() && this.activeProposalId() === p.id ? 'original' : undefined;
    if (!editor || !side) return undefined;
    return [...new Set(editor.selections.flatMap((s) => hunksAt(hunks, side, s.start.line, s.end.line)))].sort((a, b) => a - b);
  }

  private async applyOnce(p: Proposal, which: 'all' | 'selected' | readonly number[]): Promise<ApplyHunksResult> {
    const file = path.basename(p.anchor.uri.path);
    const document = await vscode.workspace.openTextDocument(p.anchor.uri);
    // VS Code refuses an edit made against an older version; the user typing at that moment is no reason
    // to give up, so a refusal caused by a newer version is tried once more against it.
    let proposal = '';
    for (let attempt = 1; ; attempt++) {
      // The user's typing that made a retry necessary is carried into the proposal first, or Apply would undo it.
      await p.side.settled();
      proposal = p.side.text();
      const version = document.version;
      const text = document.getText();
      const hunks = lineHunks(text, proposal);
      const refuse = (reason: string): ApplyHunksResult => {
        this.log.warn(reason);
        return { applied: false, remaining: hunks.length, reason };
      };
      if (p.anchor.locate(text) === undefined) {
        return refuse(vscode.l10n.t('The selected code in {0} was changed since the run started, so the proposal was not applied; run the skill again.', file));
      }
      if (p.side.lostLine !== undefined) {
        return refuse(vscode.l10n.t('Your edit at line {0} of {1} is in lines the proposal changes outside the selected code, so Apply would undo it and the proposal was not applied; run the skill again.', p.side.lostLine, file));
      }
      if (hunks.length === 0) return refuse(vscode.l10n.t('The proposal is the same as {0} now, so there is nothing to apply.', file));
      const chosen = which === 'all' ? hunks.map((_, i) => i) : which === 'selected' ? this.selectedHunks(p, hunks) : which;
      if (chosen === undefined || chosen.length === 0) {
        return refuse(chosen ? vscode.l10n.t('The cursor is not on a change; put it on a change in the proposal\'s diff (or select several) and apply again.') : vscode.l10n.t('Put the cursor on a change in the proposal\'s diff, then run Apply Selected Changes.'));
      }
      const bad = chosen.find((i) => !Number.isInteger(i) || i < 0 || i >= hunks.length);
      if (bad !== undefined) return refuse(vscode.l10n.t('There is no change {0} in the proposal; it has {1} (numbered 0 to {2}).', String(bad), hunks.length, hunks.length - 1));

      const edits = hunkEdits(proposal, hunks, chosen);
      const edit = new vscode.WorkspaceEdit();
      for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.text);
      // Our own edit is not the user's: the anchor and the proposal take it as the new starting point.
      this.ownEdits.set(p.anchor, edits.reduce((t, e) => t.slice(0, e.offset) + e.text + t.slice(e.offset + e.length), text));
      let done: boolean;
      try {
        done = await vscode.workspace.applyEdit(edit);
      } finally {
        this.ownEdits.delete(p.anchor);
      }
      if (done) {
        this.rebase(p, document, text, edits);
        break;
      }
      const versionChanged = document.version !== version;
      if (versionChanged && attempt === 1) continue;
      const reason = refusalReason({ file, versionChanged, writable: vscode.workspace.fs.isWritableFileSystem(p.anchor.uri.scheme) }, vscode.l10n.t);
      this.log.warn(`${reason} (document version ${version} → ${document.version})`);
      return { applied: false, remaining: hunks.length, reason };
    }
    const remaining = lineHunks(document.getText(), proposal).length;
    if (remaining > 0) {
      p.appliedSome = true;
      this.log.info(`Applied part of "${p.title}" to ${vscode.workspace.asRelativePath(p.anchor.uri)} (not saved); ${remaining} change${remaining === 1 ? '' : 's'} left in the proposal.`);
      return { applied: true, remaining };
    }
    this.log.info(`Applied "${p.title}" to ${vscode.workspace.asRelativePath(p.anchor.uri)} (not saved).`);
    this.settle(p, 'applied');
    await this.discard(p.id);
    return { applied: true, remaining: 0 };
  }

  /** After an apply, the anchor covers the selected region and the applied changes as they now read. */
  private rebase(p: Proposal, document: vscode.TextDocument, before: string, edits: readonly TextChange[]): void {
    const start = Math.min(p.anchor.offset, ...edits.map((e) => e.offset));
    const end = Math.max(p.anchor.offset + p.anchor.length, ...edits.map((e) => e.offset + e.length));
    const grown = edits.reduce((n, e) => n + e.text.length - e.length, 0);
    const after = document.getText();
    p.anchor.rebase(start, after.slice(start, end + grown));
    p.side.reset(before, after);
  }

  /** Closes the proposals on this anchor and their diffs, but keeps following the text: a continued run reuses it. */
  async detach(anchor: TextAnchor): Promise<void> {
    const detached = [...this.proposals.values()].filter((p) => p.anchor === anchor);
    for (const p of detached) this.settle(p, 'escalated');
    for (const p of detached) this.proposals.delete(p.id);
    await this.closeTabs(detached);
    for (const p of detached) p.side.dispose();
    this.updateContext();
  }

  /** Forgets the proposal and closes its diff; the document is never touched. */
  async discard(target?: vscode.Uri | string): Promise<void> {
    const p = await this.resolve(target);
    if (!p) return;
    await this.closeTabs([p]);
    this.forget(p.id);
    this.updateContext();
  }

  /**
   * Closes the proposals' diffs. An edited proposal is saved first (into memory only): the user chose to
   * apply, discard or escalate it, and VS Code's "save changes?" must not ask again.
   */
  private async closeTabs(closing: readonly Proposal[]): Promise<void> {
    const ids = closing.map((p) => p.id);
    for (const p of closing) {
      const open = p.side.document;
      if (open?.isDirty) await open.save();
    }
    const tabs = this.allTabs().filter((t) => ids.includes(this.proposalIdOfTab(t) ?? ''));
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
  }

  private forget(id: string): void {
    clearTimeout(this.closing.get(id));
    this.closing.delete(id);
    const p = this.proposals.get(id);
    if (!p) return;
    this.settle(p, p.appliedSome ? 'applied' : 'discarded');
    this.proposals.delete(id);
    this.anchors.delete(p.anchor);
    p.side.dispose();
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
      if (this.isShown(id)) {
        this.closing.delete(id);
        return;
      }
      const p = this.proposals.get(id);
      // Edits the user saved are not thrown away without a question; meanwhile the proposal stays closing.
      if (p && this.files.edited(p.uri)) {
        void this.askBeforeDropping(p);
        return;
      }
      this.forget(id);
      this.updateContext();
    }, MOVE_GRACE_MS));
  }

  private async askBeforeDropping(p: Proposal): Promise<void> {
    this.log.info(`The edited proposal "${p.title}" was closed; its edits are kept until you choose.`);
    const reopen = vscode.l10n.t('Reopen');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('You closed "{0}" after editing it: discard your edits?', p.title), vscode.l10n.t('Discard Edits'), reopen);
    if (!this.proposals.has(p.id)) return;
    if (choice === reopen) {
      clearTimeout(this.closing.get(p.id));
      this.closing.delete(p.id);
      await this.showDiff(p, vscode.ViewColumn.Beside);
    } else this.forget(p.id);
    this.updateContext();
  }

  private showDiff(p: Proposal, viewColumn: vscode.ViewColumn): Promise<void> {
    return inTabOrder(() => vscode.commands.executeCommand('vscode.diff', p.anchor.uri, p.uri, `${p.title} ↔ ${path.basename(p.anchor.uri.path)}`, {
      preview: false,
      preserveFocus: true,
      viewColumn,
    }));
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
    // An edited proposal restored from a backup has nothing to go back to: saving it changes nothing
    // (see ProposalFiles.writeFile) and spares the user a "save changes?" for a proposal that is gone.
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === PROPOSAL_SCHEME && d.isDirty && !this.proposals.has(idOf(d.uri) ?? '')) await d.save();
    if (orphans.length) await vscode.window.tabGroups.close(orphans, true);
  }

  private activeProposalId(): string | undefined {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    return tab && this.proposalIdOfTab(tab);
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', ACTIVE_KEY, this.size > 0);
    const focused = this.activeProposalId();
    void vscode.commands.executeCommand('setContext', FOCUSED_KEY, focused !== undefined && this.proposals.has(focused) && !this.closing.has(focused));
  }

  override dispose(): void {
    for (const timer of this.closing.values()) clearTimeout(timer);
    super.dispose();
    this.proposals.clear();
    this.anchors.clear();
  }
}

