/**
 * Runs the newest scheduled work at most once per interval: at once when the last run is older than the
 * interval (so the first line of a draft shows without delay), else when the interval is over, and then
 * only the newest work (updates in between are never queued up).
 */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private pending: (() => void) | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  schedule(work: () => void): void {
    this.pending = work;
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Runs the pending work now, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const work = this.pending;
    this.pending = undefined;
    if (!work) return;
    this.last = this.now();
    work();
  }

  /** Drops the pending work. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
