import { diffLines } from 'diff';

/** A stretch of text on one side of the diff, in characters and in whole lines. */
export interface Side {
  offset: number;
  length: number;
  startLine: number;
  lineCount: number;
}

/** One change between the document (original) and the proposal (modified), in whole lines. */
export interface Hunk {
  original: Side;
  modified: Side;
}

/** A stretch both sides have in common. */
interface Same {
  original: number;
  modified: number;
  length: number;
}

/** An edit of a text: `length` characters at `offset` replaced by `text`. */
export interface TextChange {
  offset: number;
  length: number;
  text: string;
}

function compare(original: string, modified: string): { hunks: Hunk[]; same: Same[] } {
  const hunks: Hunk[] = [];
  const same: Same[] = [];
  const at = { o: 0, m: 0, oLine: 0, mLine: 0 };
  let open: Hunk | undefined;
  for (const part of diffLines(original, modified)) {
    const lines = part.count;
    if (!part.added && !part.removed) {
      open = undefined;
      same.push({ original: at.o, modified: at.m, length: part.value.length });
      at.o += part.value.length;
      at.m += part.value.length;
      at.oLine += lines;
      at.mLine += lines;
      continue;
    }
    if (!open) {
      open = { original: { offset: at.o, length: 0, startLine: at.oLine, lineCount: 0 }, modified: { offset: at.m, length: 0, startLine: at.mLine, lineCount: 0 } };
      hunks.push(open);
    }
    const side = part.added ? open.modified : open.original;
    side.length += part.value.length;
    side.lineCount += lines;
    if (part.added) [at.m, at.mLine] = [at.m + part.value.length, at.mLine + lines];
    else [at.o, at.oLine] = [at.o + part.value.length, at.oLine + lines];
  }
  return { hunks, same };
}

/** The changes from the document to the proposal, in document order (the numbering `applyHunks` uses). */
export function lineHunks(original: string, modified: string): Hunk[] {
  return compare(original, modified).hunks;
}

/**
 * The hunks that lines `from`..`to` (inclusive, 0-based) on one side touch. A hunk with no lines on that
 * side sits between two lines, and a cursor on either of them touches it.
 */
export function hunksAt(hunks: readonly Hunk[], side: 'original' | 'modified', from: number, to: number): number[] {
  const touched: number[] = [];
  hunks.forEach((h, i) => {
    const { startLine, lineCount } = h[side];
    const [first, last] = lineCount === 0 ? [startLine - 1, startLine] : [startLine, startLine + lineCount - 1];
    if (first <= to && last >= from) touched.push(i);
  });
  return touched;
}

/**
 * Carries the user's edits of the document into the proposal where the proposal kept that text as it was,
 * so they do not show as changes that Apply would undo. An edit that touches a changed stretch is left
 * out: the diff then shows it against the proposal. `changes` refer to `base` before any of them (as
 * VS Code reports one event's changes).
 */
export function carryEdits(base: string, proposal: string, changes: readonly TextChange[]): string {
  // The two ends count as common ground too: typing at the very end (or start) of the document, next to a
  // change that reaches it, is the user's and belongs in the proposal as well.
  const same = [{ original: 0, modified: 0, length: 0 }, ...compare(base, proposal).same, { original: base.length, modified: proposal.length, length: 0 }];
  let result = proposal;
  // From the end backwards, so each change's offsets stay valid on both sides.
  for (const c of [...changes].sort((a, b) => b.offset - a.offset)) {
    const seg = same.find((s) => c.offset >= s.original && c.offset + c.length <= s.original + s.length);
    if (!seg) continue;
    const at = seg.modified + (c.offset - seg.original);
    result = result.slice(0, at) + c.text + result.slice(at + c.length);
  }
  return result;
}

/** The document with the chosen hunks taken from the proposal, as edits of the document (end first). */
export function hunkEdits(modified: string, hunks: readonly Hunk[], chosen: readonly number[]): TextChange[] {
  return [...new Set(chosen)]
    .sort((a, b) => b - a)
    .map((i) => ({ offset: hunks[i].original.offset, length: hunks[i].original.length, text: modified.substr(hunks[i].modified.offset, hunks[i].modified.length) }));
}
