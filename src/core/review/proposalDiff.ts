// core/review: the pure half of the review: the proposal's hunks and carrying the user's edits (proposalDiff),
// and the live draft's reading of a streamed answer (draftStream). May import the engine and core's root.
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

/** A stretch of a text: `length` characters from `offset`. */
export interface Region {
  offset: number;
  length: number;
}

/**
 * Where an edit falls against a region (the anchor's rule too): typing right at either end is outside, as
 * it does not change the region's text; into an empty region it counts as after it.
 */
export function placeOf(region: Region, c: TextChange): 'before' | 'after' | 'inside' {
  if (c.offset + c.length <= region.offset && !(c.length === 0 && c.offset === region.offset && region.length === 0)) return 'before';
  if (c.offset >= region.offset + region.length) return 'after';
  return 'inside';
}

/** The proposal after the user's edits of the document, and the first of them Apply would have undone. */
export interface Carried {
  text: string;
  /** Where `text` differs from the document after the changes (in its offsets): pass it as `known` next time. */
  region: Region;
  /** Index (in `changes`) of an edit outside the kept region that could not be carried: Apply must refuse. */
  lost?: number;
}

/**
 * Carries the user's edits of the document into the proposal, so that Apply never undoes them. The
 * proposal is the document with one region replaced: the anchored text (`keep`), widened to wherever the
 * two differ besides (the user edited the proposal there). An edit before or after that region is the same
 * edit of the proposal, at once, with no diff: typing right after the selection lands right after the
 * proposed text, even on a line the answer changed. Only an edit inside the region is placed by a line diff,
 * of the region alone; where that finds no common ground the edit is left out: inside `keep` the anchor
 * makes Apply refuse, outside it the edit is reported as `lost`. `changes` refer to `base` before any of
 * them (as VS Code reports one event's changes) and do not overlap. `known`: the region this function
 * returned for `proposal` last time, so that nothing is compared at all (the caller vouches that `base` is
 * the document it was returned for).
 */
export function carryInto(base: string, proposal: string, keep: Region, changes: readonly TextChange[], known?: Region): Carried {
  const delta = proposal.length - base.length;
  const r = known ? span(known, keep) : differing(base, proposal, keep);
  const sorted = changes.map((c, i) => ({ c, i })).sort((a, b) => a.c.offset - b.c.offset);
  // An edit reaching into the region widens it: the region then holds all of the edit.
  for (const { c } of sorted) {
    if (placeOf(r, c) !== 'inside') continue;
    const end = Math.max(r.offset + r.length, c.offset + c.length);
    r.offset = Math.min(r.offset, c.offset);
    r.length = end - r.offset;
  }
  const place = ({ c }: { c: TextChange }) => placeOf(r, c);
  const inside = sorted.filter((x) => place(x) === 'inside');
  const local = carryLines(base.slice(r.offset, r.offset + r.length), proposal.slice(r.offset, r.offset + r.length + delta), inside.map(({ c }) => ({ ...c, offset: c.offset - r.offset })));
  const dropped = local.dropped.map((k) => inside[k]).filter(({ c }) => placeOf(keep, c) !== 'inside');
  // Every piece is cut from `proposal` itself, in order, so the new text costs no copy of it (a keystroke far
  // from the changes is a splice, whatever the document's size).
  const before = sorted.filter((x) => place(x) === 'before');
  const edits = [
    ...before.map(({ c }) => c),
    ...(inside.length ? [{ offset: r.offset, length: r.length + delta, text: local.text }] : []),
    ...sorted.filter((x) => place(x) === 'after').map(({ c }) => ({ ...c, offset: c.offset + delta })),
  ];
  let text = '';
  let at = 0;
  for (const e of edits) {
    text += proposal.slice(at, e.offset) + e.text;
    at = e.offset + e.length;
  }
  text += proposal.slice(at);
  const grown = (list: typeof sorted) => list.reduce((n, { c }) => n + c.text.length - c.length, 0);
  const region = { offset: r.offset + grown(before), length: r.length + grown(inside) };
  return { text, region, ...(dropped.length && { lost: dropped[0].i }) };
}

/** The smallest region holding both. */
function span(a: Region, b: Region): Region {
  const offset = Math.min(a.offset, b.offset);
  return { offset, length: Math.max(a.offset + a.length, b.offset + b.length) - offset };
}

/**
 * The region where the proposal differs from the document, in the document's offsets: `keep`, widened
 * only where the texts around it are not the same (a linear comparison, no diff).
 */
function differing(base: string, proposal: string, keep: Region): Region {
  const delta = proposal.length - base.length;
  let start = keep.offset;
  let end = keep.offset + keep.length;
  if (proposal.length < start || base.slice(0, start) !== proposal.slice(0, start)) start = commonPrefix(base, proposal, start);
  if (end + delta < start || base.slice(end) !== proposal.slice(end + delta)) {
    // The common tail may reach neither into the head nor into the kept region.
    end = base.length - commonSuffix(base, proposal, Math.min(base.length - end, Math.min(base.length, proposal.length) - start));
  }
  return { offset: start, length: end - start };
}

function commonPrefix(a: string, b: string, limit: number): number {
  const max = Math.min(limit, a.length, b.length);
  let n = 0;
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

function commonSuffix(a: string, b: string, limit: number): number {
  let n = 0;
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/**
 * Places edits of `base` into `proposal` where the line diff of the two finds the edited text in common;
 * the others are `dropped` (indices into `changes`), so the diff shows them against the proposal.
 */
function carryLines(base: string, proposal: string, changes: readonly TextChange[]): { text: string; dropped: number[] } {
  if (changes.length === 0) return { text: proposal, dropped: [] };
  // The two ends count as common ground too: typing at the very end (or start), next to a change that
  // reaches it, belongs in the proposal as well.
  const same = [{ original: 0, modified: 0, length: 0 }, ...compare(base, proposal).same, { original: base.length, modified: proposal.length, length: 0 }];
  let text = proposal;
  const dropped: number[] = [];
  // From the end backwards, so each change's offsets stay valid on both sides.
  for (const { c, i } of changes.map((c, i) => ({ c, i })).sort((a, b) => b.c.offset - a.c.offset)) {
    const seg = same.find((s) => c.offset >= s.original && c.offset + c.length <= s.original + s.length);
    if (!seg) {
      dropped.push(i);
      continue;
    }
    const at = seg.modified + (c.offset - seg.original);
    text = text.slice(0, at) + c.text + text.slice(at + c.length);
  }
  return { text, dropped };
}

/** The document with the chosen hunks taken from the proposal, as edits of the document (end first). */
export function hunkEdits(modified: string, hunks: readonly Hunk[], chosen: readonly number[]): TextChange[] {
  return [...new Set(chosen)]
    .sort((a, b) => b - a)
    .map((i) => ({ offset: hunks[i].original.offset, length: hunks[i].original.length, text: modified.substr(hunks[i].modified.offset, hunks[i].modified.length) }));
}
