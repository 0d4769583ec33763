import type * as vscode from 'vscode';
import { placeOf } from '../../core/review/proposalDiff';

/**
 * Follows where a piece of text sits in a document while the user keeps editing, so that a
 * proposal computed from the text at run start replaces exactly that text, or nothing.
 */
export class TextAnchor {
  /** Set once an edit touched the anchored text itself. */
  touched = false;
  /** The current extent of the anchored region: the original's length until an edit touches it. */
  length: number;
  /** What the region held before each partial apply: an undo of that apply brings one of them back. */
  private readonly earlier: string[] = [];

  constructor(
    readonly uri: vscode.Uri,
    public offset: number,
    public original: string,
  ) {
    this.length = original.length;
  }

  /** Anchors `original` at `offset` afresh: after part of a proposal was applied, the region holds the new text. */
  rebase(offset: number, original: string): void {
    if (this.offset === offset) this.earlier.push(this.original);
    this.offset = offset;
    this.original = original;
    this.length = original.length;
    this.touched = false;
  }

  /** Shifts the anchor by the edits of one change event (offsets refer to the text before it). */
  follow(changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
      const start = this.offset;
      const end = start + this.length;
      const changeEnd = c.rangeOffset + c.rangeLength;
      const delta = c.text.length - c.rangeLength;
      // The same rule places the edit in the proposal's side (carryInto), so both agree where the region is.
      const place = placeOf(this, { offset: c.rangeOffset, length: c.rangeLength, text: c.text });
      if (place === 'before') {
        this.offset += delta;
      } else if (place === 'after') {
        continue;
      } else {
        // The edit overlaps the region: it now spans both, so a diff shows the user's edit, not a guess.
        this.touched = true;
        this.offset = Math.min(start, c.rangeOffset);
        this.length = (end > changeEnd ? end + delta : c.rangeOffset + c.text.length) - this.offset;
      }
    }
  }

  /**
   * Where the original text is now: the followed region, only while it holds exactly the original
   * (untouched, or edited and undone), or what it held before a partial apply that was undone. Never a
   * search elsewhere: an identical copy the user did not select must not be overwritten, so anything else
   * is undefined and Apply refuses.
   */
  locate(text: string): number | undefined {
    const held = [this.original, ...this.earlier].some((o) => this.length === o.length && text.startsWith(o, this.offset));
    return held ? this.offset : undefined;
  }
}

/**
 * The document's text with the proposal in place of the anchored text; where that text was edited
 * meanwhile, in place of the edited region (the diff then shows the user's edit against the proposal).
 */
export function withProposal(text: string, anchor: TextAnchor, proposed: string): string {
  const start = anchor.locate(text) ?? anchor.offset;
  return text.slice(0, start) + proposed + text.slice(start + anchor.length);
}
