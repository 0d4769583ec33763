import { closingFence, FENCE_OPEN } from '../engine/prompts';
import { Throttle } from '../throttle';
import type { RunEvent } from '../engine/orchestrator';

/** At most one update of a draft per this many milliseconds. */
export const DRAFT_UPDATE_MS = 100;
/**
 * Code up to this size is updated whenever a line completes (at most once per DRAFT_UPDATE_MS); a bigger draft
 * when its code has grown by DRAFT_GROWTH of what it shows. Each update costs the whole text (fitted, spliced into
 * the document, sent to the workbench), so updates of a long draft at a fixed rate would cost its length times the
 * stream's duration; growing by a fraction keeps a whole answer's updates to a few times its length.
 */
export const SMALL_DRAFT_CHARS = 16 * 1024;
export const DRAFT_GROWTH = 0.25;
const REASON_CHARS = 60;

const short = (text: string) => (text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1).trimEnd()}…` : text);

/**
 * The code of an answer read as it streams, as draftCode reads the whole answer so far (the complete lines of its
 * first fenced block): each piece is looked at when it arrives and each line once more when it is complete, so an
 * answer costs its length, not its length times its lines.
 */
export class DraftCodeReader {
  /** The line still being written. */
  private partial = '';
  /** How the block ends, once it has opened. */
  private closing: RegExp | undefined;
  private closed = false;
  private lines = 0;
  private text = '';
  /** Characters looked at so far. */
  scanned = 0;

  /** The code's length so far (a string's length costs nothing, however it was built). */
  get length(): number {
    return this.text.length;
  }

  /** Adds a piece of the answer; true when the code gained a line. */
  push(delta: string): boolean {
    this.scanned += delta.length;
    let grew = false;
    let from = 0;
    for (let nl = delta.indexOf('\n'); nl >= 0; nl = delta.indexOf('\n', from)) {
      const line = this.partial + delta.slice(from, nl);
      this.partial = '';
      from = nl + 1;
      grew = this.complete(line.endsWith('\r') ? line.slice(0, -1) : line) || grew;
    }
    this.partial += delta.slice(from);
    return grew;
  }

  private complete(line: string): boolean {
    if (this.closed) return false;
    this.scanned += line.length;
    if (!this.closing) {
      if (FENCE_OPEN.test(line)) this.closing = closingFence(line);
      return false;
    }
    if (this.closing.test(line)) {
      this.closed = true;
      return false;
    }
    this.text = this.lines++ === 0 ? line : `${this.text}\n${line}`;
    return true;
  }

  /** The complete lines of the first fenced block so far; undefined until its first line is complete. */
  get code(): string | undefined {
    // As draftCode: a block closed with nothing in it has no code.
    if (this.lines === 0 || (this.closed && this.text === '')) return undefined;
    return this.text;
  }
}

/**
 * What a run's draft shows, from the run's events: the title (`drafting · model · 1/3`, then `verifying…`, then
 * `escalated: reason → next tier`) and the complete lines of the tier's code so far, handed to `show` at most once
 * per DRAFT_UPDATE_MS while the code streams (past SMALL_DRAFT_CHARS, when it has grown by DRAFT_GROWTH), at once
 * when the title changes. Pure: the editor does the showing.
 * Each piece is read once (DraftCodeReader) and the code is taken only when the throttle lets an update through.
 */
export class DraftStream {
  private tier: { label: string; index: number; count: number } | undefined;
  private reader = new DraftCodeReader();
  /** Characters read by the earlier tiers' readers. */
  private scannedBefore = 0;
  /** The length of the code the current draft shows. */
  private shownChars = 0;

  constructor(
    private readonly show: (title: string, code: string) => void,
    private readonly throttle = new Throttle(DRAFT_UPDATE_MS),
  ) {}

  /** Characters of the answers read so far, all tiers together: the work the stream costs (tests and benchmarks). */
  get scanned(): number {
    return this.scannedBefore + this.reader.scanned;
  }

  onEvent(e: RunEvent): void {
    const code = this.reader.code;
    if (e.type === 'tier-start') {
      this.throttle.cancel();
      this.tier = { label: e.tier.label, index: e.tierIndex, count: e.tierCount };
      this.scannedBefore += this.reader.scanned;
      this.reader = new DraftCodeReader();
      this.shownChars = 0;
    } else if (e.type === 'text' && this.tier) {
      // The draft grows by whole lines of code: nothing to do until one is complete.
      if (!this.reader.push(e.delta)) return;
      if (this.shownChars >= SMALL_DRAFT_CHARS && this.reader.length < this.shownChars * (1 + DRAFT_GROWTH)) return;
      const title = `drafting · ${this.tier.label} · ${this.tier.index + 1}/${this.tier.count}`;
      // The code is taken when the update goes through, not at each line (a tier-start cancels this first);
      // by then a block closed empty may have none.
      this.throttle.schedule(() => {
        const now = this.reader.code;
        if (now === undefined) return;
        this.shownChars = now.length;
        this.show(title, now);
      });
    } else if (e.type === 'verifying' && this.tier && code !== undefined) {
      this.throttle.cancel();
      this.show(`verifying… · ${this.tier.label} · ${this.tier.index + 1}/${this.tier.count}`, code);
    } else if (e.type === 'attempt' && e.attempt.verdict !== 'accept' && e.attempt.by !== 'user' && code !== undefined && this.tier) {
      this.throttle.cancel();
      const next = e.attempt.tierIndex + 1 < this.tier.count ? 'next tier' : 'no tier left';
      this.show(`escalated: ${short(e.attempt.feedback ?? e.attempt.verdict)} → ${next}`, code);
    }
  }

  /** Drops an update still waiting for its turn. */
  cancel(): void {
    this.throttle.cancel();
  }
}
