import * as vscode from 'vscode';
import { carryInto, type Region, type TextChange } from '../../core/review/proposalDiff';
import type { ProposalFiles } from './proposalFiles';

/** One change event of the document, with what carrying it needs from the moment it happened. */
interface Step {
  /** The document's text before the event. */
  base: string;
  /** The anchored region before the event. */
  keep: Region;
  changes: TextChange[];
  /** Each change's line (1-based), for the sentence when one cannot be carried. */
  lines: number[];
}

/** How often an edit of the proposal's editor is tried again after VS Code refused it (the user typed there). */
const EDIT_TRIES = 3;

/**
 * A proposal's right side: its text as the user sees it, kept in step with the document. The user's edits
 * of the document are carried into it, so that Apply never undoes them: at once, in memory, while the side
 * has no unsaved edits; else as one edit of its editor at a time, with whatever arrived meanwhile carried
 * together (never a queue of work per keystroke).
 */
export class ProposalSide {
  private pending: Step[] = [];
  private running: Promise<void> | undefined;
  /**
   * The document's texts just before and after each of our applies. An Undo from exactly the one to exactly
   * the other (or a Redo back) is ours: typing cannot make an event whose reason is Undo or Redo, and an
   * undo of anything else does not start from our text and end at its predecessor.
   */
  private readonly applies: { before: string; after: string }[] = [];
  /** The line (1-based) of a document edit that could not be carried: Apply would undo it, so it refuses. */
  lostLine: number | undefined;
  /** The text this side last carried into, and where it differs from the document then: the next carry compares nothing. */
  private last: { text: string; region: Region } | undefined;

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
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** After our own apply, which this side already holds: the document as it is now is the starting point. */
  reset(before: string, after: string): void {
    this.base = after;
    this.last = undefined;
    this.applies.push({ before, after });
  }

  /** One change event of the document; `keep` is the anchored region before it; `own` when it is our own apply. */
  follow(e: vscode.TextDocumentChangeEvent, keep: Region, own: boolean): void {
    const base = this.base;
    this.base = e.document.getText();
    if (own || this.ownUndo(e.reason, base, this.base)) {
      this.last = undefined;
      return;
    }
    const changes = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
    this.pending.push({ base, keep, changes, lines: e.contentChanges.map((c) => c.range.start.line + 1) });
    if (!this.running) this.flush();
  }

  private ownUndo(reason: vscode.TextDocumentChangeReason | undefined, before: string, after: string): boolean {
    if (reason === vscode.TextDocumentChangeReason.Undo) return this.applies.some((a) => a.after === before && a.before === after);
    if (reason === vscode.TextDocumentChangeReason.Redo) return this.applies.some((a) => a.before === before && a.after === after);
    return false;
  }

  /** Carries every pending event into the side's text. */
  private flush(tries = 1): void {
    const steps = this.pending.splice(0);
    const open = this.document;
    const dirty = open?.isDirty === true;
    const before = dirty ? open.getText() : this.files.text(this.uri);
    if (before === undefined || steps.length === 0) return;
    const after = this.carry(before, steps);
    if (after === undefined || after === before) return;
    if (!open || !dirty) {
      this.files.set(this.uri, after);
      return;
    }
    // The user has unsaved edits here: change the editor's text, keeping theirs. VS Code refuses the edit
    // when the user typed there meanwhile; then the same events are carried again into the new text.
    let again = false;
    this.running = editBetween(open, before, after)
      .then((done) => {
        if (done) return;
        again = tries < EDIT_TRIES;
        if (again) this.pending.unshift(...steps);
        else this.lostLine ??= steps[0].lines[0];
      })
      .catch((err: unknown) => {
        // Not carried: Apply would undo those edits, so it refuses instead.
        this.lostLine ??= steps[0].lines[0];
        this.warn(`Keeping a proposal in step with its document failed: ${String(err)}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.pending.length) this.flush(again ? tries + 1 : 1);
      });
  }

  /** The side's text with the steps carried into it; undefined (and Apply refuses) if that failed. */
  private carry(text: string, steps: readonly Step[]): string | undefined {
    try {
      for (const s of steps) {
        const carried = carryInto(s.base, text, s.keep, s.changes, this.last?.text === text ? this.last.region : undefined);
        this.last = { text: carried.text, region: carried.region };
        text = carried.text;
        if (carried.lost !== undefined) this.lostLine ??= s.lines[carried.lost];
      }
      return text;
    } catch (err) {
      this.last = undefined;
      this.lostLine ??= steps[0].lines[0];
      this.warn(`Keeping a proposal in step with its document failed: ${String(err)}`);
      return undefined;
    }
  }

  dispose(): void {
    this.files.remove(this.uri);
  }
}

/** Edits `document` from `before` (its text) to `after`, replacing only the part between their common ends. */
async function editBetween(document: vscode.TextDocument, before: string, after: string): Promise<boolean> {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(head), document.positionAt(before.length - tail)), after.slice(head, after.length - tail));
  return vscode.workspace.applyEdit(edit);
}
