/** `part` as a whole-number percentage of `total`, rounded to the nearest; 0 when total is 0. */
export function percent(part: number, total: number): number {
  if (total === 0) return 0;
  return Math.round((part / total) * 100);
}
