/**
 * Wraps `fn` so that a burst of calls runs it once, `waitMs` after the last call, with that call's arguments.
 * @param fn The function to run.
 * @param waitMs How long the calls must pause before `fn` runs.
 * @returns The debounced function.
 */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), waitMs);
  };
}
