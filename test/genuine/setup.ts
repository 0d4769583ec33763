// Loaded by mocha before the genuine-server suite (.mocharc.genuine.json): starts the genuine servers once for
// the whole suite (healthy within 30 s) and stops their process groups after it, also on a failure or a signal.
import { startGenuine, type GenuineSet } from './servers';

// The suite talks to loopback servers only, like the unit suite: a developer's real key or address stays out.
delete process.env.ANTHROPIC_API_KEY;
delete process.env.ANTHROPIC_BASE_URL;

let started: GenuineSet | undefined;

/** The servers the root hook started. */
export function genuine(): GenuineSet {
  if (!started) throw new Error('the genuine servers were not started (run the suite with .mocharc.genuine.json)');
  return started;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(40_000);
    const t0 = Date.now();
    started = await startGenuine();
    console.log(`  genuine servers healthy in ${Date.now() - t0} ms: llama-swap ${started.swap.url}, router ${started.router.url}, single ${started.single.url}, broken ${started.broken.url}`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(15_000);
    await started?.stop();
    started = undefined;
  },
};
