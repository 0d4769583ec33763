import * as vscode from 'vscode';
import { carryEdits } from '../core/proposalDiff';
import type { ProposalFiles } from './proposalFiles';

/**
 * A proposal's right side: its text as the user sees it, kept in step with the document. The user's edits
 * of the document are carried into it, one change event after another, so that Apply never undoes them.
 */
export class ProposalSide {
  /** The carrying of the document's change events, in order. */
  private sync: Promise<void> = Promise.resolve();

  constructor(
    readonly uri: vscode.Uri,
    /** The document's text as this side last followed it. */
    private base: string,
    private readonly files: ProposalFiles,
    private readonly warn: (message: string) => void,
  ) {}

  /** Sets the whole text (the proposal as first opened). */
  init(text: string): void {
    this.files.set(this.uri, text);
  }

  /** The editor of this side, when one is open. */
  get document(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString());
  }

  /** The user's unsaved edits, else the proposal as last set or saved. */
  text(): string {
    const open = this.document;
    return (open?.isDirty ? open.getText() : this.files.text(this.uri)) ?? '';
  }

  /** Resolves once every change event so far has been carried. */
  settled(): Promise<void> {
    return this.sync;
  }

  /** The document as it is now is the starting point (after our own apply, which this side already holds). */
  reset(base: string): void {
    this.base = base;
  }

  /** One change event of the document; `own` when it is our own apply. */
  follow(e: vscode.TextDocumentChangeEvent, own: boolean): void {
    const base = this.base;
    this.base = e.document.getText();
    if (own) return;
    const changes = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
    this.sync = this.sync.then(async () => {
      const open = this.document;
      if (!open?.isDirty) {
        const before = this.files.text(this.uri);
        if (before !== undefined) this.files.set(this.uri, carryEdits(base, before, changes));
        return;
      }
      // The user has unsaved edits here: change the editor's text, keeping theirs.
      const before = open.getText();
      const after = carryEdits(base, before, changes);
      if (after === before) return;
      let head = 0;
      while (head < before.length && head < after.length && before[head] === after[head]) head++;
      let tail = 0;
      while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(open.uri, new vscode.Range(open.positionAt(head), open.positionAt(before.length - tail)), after.slice(head, after.length - tail));
      await vscode.workspace.applyEdit(edit);
    }).catch((err: unknown) => this.warn(`Keeping a proposal in step with its document failed: ${String(err)}`));
  }

  dispose(): void {
    this.files.remove(this.uri);
  }
}
