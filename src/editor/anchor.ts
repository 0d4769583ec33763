import type * as vscode from 'vscode';

/**
 * Follows where a piece of text sits in a document while the user keeps editing, so that a
 * proposal computed from the text at run start replaces exactly that text, or nothing.
 */
export class TextAnchor {
  /** Set once an edit touched the anchored text itself. */
  touched = false;

  constructor(
    readonly uri: vscode.Uri,
    public offset: number,
    readonly original: string,
  ) {}

  /** Shifts the anchor by the edits of one change event (offsets refer to the text before it). */
  follow(changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    const end = () => this.offset + this.original.length;
    for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
      const changeEnd = c.rangeOffset + c.rangeLength;
      if (changeEnd <= this.offset && !(c.rangeLength === 0 && c.rangeOffset === this.offset && this.original.length === 0)) {
        this.offset += c.text.length - c.rangeLength;
      } else if (c.rangeOffset >= end()) {
        continue;
      } else {
        this.touched = true;
      }
    }
  }

  /**
   * Where the original text is now: at the followed offset, or else the occurrence nearest to
   * it (the text moved in a way the events could not follow, e.g. the file was reloaded).
   */
  locate(text: string): number | undefined {
    if (text.startsWith(this.original, this.offset)) return this.offset;
    let best: number | undefined;
    for (let i = text.indexOf(this.original); i >= 0; i = text.indexOf(this.original, i + 1)) {
      if (best === undefined || Math.abs(i - this.offset) < Math.abs(best - this.offset)) best = i;
    }
    return best;
  }
}
