// Preload on command start: while the user picks a skill, a cold first local model is already loading.
// Pure (no editor import) so the extension and the cold-start benchmark run the very same steps.
import type { WarmTracker } from './warmTracker';

export interface PreloadDeps {
  tracker: Pick<WarmTracker, 'state' | 'refresh' | 'stateOf'>;
  preload: (model: string) => Promise<void>;
  log: { info(line: string): void; warn(line: string): void };
  /** When to re-read /running after asking, so the state shows `starting` before the load ends. */
  recheckMs?: number;
}

/**
 * Asks llama-swap to load `model` if it is cold; fire and forget. Does nothing while the server is
 * offline or the model is starting/ready; never rejects (a failed preload is only a missed head start).
 */
export async function preloadIfCold(deps: PreloadDeps, model: string): Promise<boolean> {
  try {
    const state = deps.tracker.state.server === 'unknown' ? await deps.tracker.refresh() : deps.tracker.state;
    if (state.server !== 'online' || deps.tracker.stateOf(model)) return false;
    deps.log.info(`Preloading ${model} while you choose a skill.`);
    const loading = deps.preload(model);
    const recheck = setTimeout(() => void deps.tracker.refresh(), deps.recheckMs ?? 250);
    try {
      await loading;
    } finally {
      clearTimeout(recheck);
    }
    await deps.tracker.refresh();
    return true;
  } catch (err) {
    deps.log.warn(`Preloading ${model} failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
