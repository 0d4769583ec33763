import * as path from 'node:path';
import * as vscode from 'vscode';
import { withProposal, type TextAnchor } from './anchor';
import { fitToSelection } from '../../core/engine/prompts';
import { eolOf } from '../selection';
import { DraftStream } from '../../core/review/draftStream';
import { DRAFT_SCHEME, diffTabOf, inTabOrder, rightSideUri } from './schemes';
import type { RunEvent } from '../../core/engine/orchestrator';
import { Disposable } from '../disposable';

/**
 * The drafts' texts: read-only documents, one per title a draft has had, updated as the answer streams
 * (VS Code applies each update as minimal edits, so the view neither flickers nor scrolls).
 */
export class DraftDocuments extends Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  private next = 1;

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(DRAFT_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.texts.get(uri.toString()) ?? '// This Hyperguild draft is no longer shown.\n',
    }));
  }

  /** Shows a run's tiers' code while they write it; the run hands its column over to the proposal. */
  start(anchor: TextAnchor): DraftSession {
    return new DraftSession(this, anchor);
  }

  newUri(document: vscode.Uri): vscode.Uri {
    return rightSideUri(DRAFT_SCHEME, document, `draft=${this.next++}`);
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  remove(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  override dispose(): void {
    super.dispose();
    this.texts.clear();
  }
}

const columnOf = (tab: vscode.Tab | undefined) => tab && vscode.window.tabGroups.all.find((g) => g.tabs.includes(tab))?.viewColumn;

/** Resolves when the diff tab of `uri` is in the tab model (it may arrive after the command that opened it). */
function tabAppears(uri: vscode.Uri): Promise<void> {
  if (diffTabOf(uri)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!diffTabOf(uri)) return;
      sub.dispose();
      resolve();
    });
    setTimeout(() => {
      sub.dispose();
      resolve();
    }, 2000);
  });
}

/**
 * One run's draft: opens beside the editor at the first line of code, titled so it cannot pass for a
 * proposal, and grows as lines arrive (DraftStream says what it shows, and when). A new title is a new
 * tab in the old one's place (VS Code cannot rename a tab). If the user closes it, the run shows no more drafts.
 */
export class DraftSession {
  private uri: vscode.Uri | undefined;
  private title = '';
  private readonly stream = new DraftStream((title, code) => this.show(title, code));
  private dismissed = false;
  /** Set while we close our own tab, which is not the user dismissing the draft. */
  private closingOurs = false;
  /** Tab changes, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly watch: vscode.Disposable;
  /** Every right side this draft has had and not yet dropped (the tab on screen may lag the newest one). */
  private readonly mine = new Set<vscode.Uri>();

  constructor(private readonly docs: DraftDocuments, private readonly anchor: TextAnchor) {
    this.watch = vscode.window.tabGroups.onDidChangeTabs((e) => {
      const ours = new Set([...this.mine].map((u) => u.toString()));
      if (!this.closingOurs && e.closed.some((t) => t.input instanceof vscode.TabInputTextDiff && ours.has(t.input.modified.toString()))) this.dismissed = true;
    });
  }

  onEvent(e: RunEvent): void {
    this.stream.onEvent(e);
  }

  /** A new line shows at once in the current tab; a new title swaps the tab (in order, behind earlier swaps). */
  private show(title: string, code: string): void {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.anchor.uri.toString());
    if (this.dismissed || !document) return;
    const text = withProposal(document.getText(), this.anchor, fitToSelection(code, this.anchor.original, eolOf(document)));
    if (this.uri && title === this.title) {
      this.docs.set(this.uri, text);
      return;
    }
    const old = this.uri;
    const uri = this.docs.newUri(this.anchor.uri);
    this.mine.add(uri);
    this.docs.set(uri, text);
    [this.uri, this.title] = [uri, title];
    this.queue = this.queue.then(async () => {
      if (this.dismissed) return;
      const column = columnOf(old && diffTabOf(old));
      await inTabOrder(async () => {
        // Closed while this open waited its turn: the run is over, so nothing opens.
        if (this.dismissed) return;
        await vscode.commands.executeCommand('vscode.diff', this.anchor.uri, uri, `${title} ↔ ${path.basename(this.anchor.uri.path)}`, {
          preview: false, preserveFocus: true, viewColumn: column ?? vscode.ViewColumn.Beside,
        });
        await tabAppears(uri);
      });
      // Looked up afresh: a Tab object from before the open may no longer be valid for closing.
      const oldTab = old && diffTabOf(old);
      if (oldTab) await this.closeOurs(oldTab);
      if (old) this.drop(old);
    });
  }

  private async closeOurs(tab: vscode.Tab): Promise<void> {
    this.closingOurs = true;
    try {
      await inTabOrder(() => vscode.window.tabGroups.close(tab, true));
    } finally {
      this.closingOurs = false;
    }
  }

  private drop(uri: vscode.Uri): void {
    this.docs.remove(uri);
    this.mine.delete(uri);
  }

  /** Where the proposal should open: the draft's column, so it takes the draft's place. */
  async column(): Promise<vscode.ViewColumn | undefined> {
    this.stream.cancel();
    await this.queue;
    return columnOf(this.uri && diffTabOf(this.uri));
  }

  /** Closes the draft (cancelled, failed, or replaced by the proposal). */
  async close(): Promise<void> {
    this.stream.cancel();
    this.dismissed = true;
    await this.queue;
    for (const uri of [...this.mine]) {
      const tab = diffTabOf(uri);
      if (tab) await this.closeOurs(tab);
      this.drop(uri);
    }
    this.uri = undefined;
    this.watch.dispose();
  }
}
