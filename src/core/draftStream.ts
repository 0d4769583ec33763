import { draftCode } from './prompts';
import { Throttle } from './throttle';
import type { RunEvent } from './orchestrator';

/** At most one update of a draft per this many milliseconds. */
export const DRAFT_UPDATE_MS = 100;
const REASON_CHARS = 60;

const short = (text: string) => (text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1).trimEnd()}…` : text);

/**
 * What a run's draft shows, from the run's events: the title (`drafting · model · 1/3`, then `verifying…`, then
 * `escalated: reason → next tier`) and the complete lines of the tier's code so far, handed to `show` at most once
 * per DRAFT_UPDATE_MS while the code streams, at once when the title changes. Pure: the editor does the showing.
 */
export class DraftStream {
  private tier: { label: string; index: number; count: number } | undefined;
  private answer = '';
  private code: string | undefined;
  /** Characters of the answer read so far, all tiers together: the work the stream costs (tests and benchmarks). */
  scanned = 0;

  constructor(
    private readonly show: (title: string, code: string) => void,
    private readonly throttle = new Throttle(DRAFT_UPDATE_MS),
  ) {}

  onEvent(e: RunEvent): void {
    if (e.type === 'tier-start') {
      this.throttle.cancel();
      this.tier = { label: e.tier.label, index: e.tierIndex, count: e.tierCount };
      this.answer = '';
      this.code = undefined;
    } else if (e.type === 'text' && this.tier) {
      this.answer += e.delta;
      // The draft grows by whole lines: nothing to do until a line is complete.
      if (!e.delta.includes('\n')) return;
      this.scanned += this.answer.length;
      const code = draftCode(this.answer);
      if (code === undefined || code === this.code) return;
      this.code = code;
      const title = `drafting · ${this.tier.label} · ${this.tier.index + 1}/${this.tier.count}`;
      this.throttle.schedule(() => this.show(title, code));
    } else if (e.type === 'verifying' && this.tier && this.code !== undefined) {
      this.throttle.cancel();
      this.show(`verifying… · ${this.tier.label} · ${this.tier.index + 1}/${this.tier.count}`, this.code);
    } else if (e.type === 'attempt' && e.attempt.verdict !== 'accept' && e.attempt.by !== 'user' && this.code !== undefined && this.tier) {
      this.throttle.cancel();
      const next = e.attempt.tierIndex + 1 < this.tier.count ? 'next tier' : 'no tier left';
      this.show(`escalated: ${short(e.attempt.feedback ?? e.attempt.verdict)} → ${next}`, this.code);
    }
  }

  /** Drops an update still waiting for its turn. */
  cancel(): void {
    this.throttle.cancel();
  }
}
