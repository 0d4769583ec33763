/**
 * Calls `fn` until it resolves, waiting longer after each failure (exponential backoff).
 * @param fn The operation to try.
 * @param attempts How many times to try it at most.
 * @param delayMs The wait after the first failure; it doubles after each.
 * @returns What `fn` resolved to.
 * @throws The last failure when every attempt failed.
 */
export async function retry<T>(fn: () => Promise<T>, attempts = 3, delayMs = 10): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (err) {
      last = err;
      if (i < attempts - 1) await new Promise((r) => setTimeout(r, delayMs * 2 ** i));
    }
  }
  throw last;
}
