export type Interval = [number, number];

/** Merges overlapping or touching intervals, given in any order; the result is sorted by start. */
export function merge(intervals: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [start, end] of intervals) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
