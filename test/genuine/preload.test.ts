// Preload and unload through each genuine server's own API, as the extension's client does them (issue 22):
// llama-swap's GET /upstream/<model>/ and POST /api/models/unload/<model>, the router's POST /models/load and
// /models/unload, and a single-model llama-server that has nothing to load or unload.
import * as assert from 'node:assert/strict';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { BackendError } from '../../src/core/types';
import { assertOneSentence } from '../support/checks';
import { genuine } from './setup';

const rejectsWithSentence = (work: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(work, (err: unknown) => {
    assert.ok(err instanceof BackendError, String(err));
    assertOneSentence(err.message);
    assert.match(err.message, pattern);
    return true;
  });

async function until(client: LlamaSwapClient, want: { model: string; state: string }[], what: string): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    const models = (await client.status()).models;
    if (JSON.stringify(models) === JSON.stringify(want)) return;
    if (Date.now() > end) assert.fail(`not in 15 s: ${what} (the server says ${JSON.stringify(models)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('genuine servers: preload and unload through each server\'s own API', function () {
  let client: LlamaSwapClient | undefined;
  afterEach(() => client?.close());

  it('llama-swap: preload loads (GET /upstream/<model>/health), a second preload swaps, unload empties /running and answers 200 when idle; an unknown model is one sentence', async () => {
    client = new LlamaSwapClient({ baseUrl: genuine().swap.url });
    // Each cold load through llama-swap v174 takes about 5 s (its health check polls every 5 s): load as few as the facts need.
    let first = (await client.status()).models.find((m) => m.state === 'ready')?.model;
    if (!first) {
      first = 'tiny-b';
      await client.preload(first);
    }
    assert.deepEqual(await client.status(), { kind: 'llama-swap', models: [{ model: first, state: 'ready' }], answersAnyModel: false });
    const other = first === 'tiny-a' ? 'tiny-b' : 'tiny-a';
    await client.preload(other);
    assert.deepEqual((await client.status()).models, [{ model: other, state: 'ready' }], `one swap group: ${other} replaces ${first}`);
    await client.unload(other);
    assert.deepEqual((await client.status()).models, []);
    await client.unload(first); // known, idle: 200
    await rejectsWithSentence(client.unload('tiny-z'), /tiny-z is not a model llama-swap at http:\/\/127\.0\.0\.1:\d+ knows/);
  });

  it('llama-server router: POST /models/load goes loading → loaded, a second load evicts the first, POST /models/unload empties it', async () => {
    client = new LlamaSwapClient({ baseUrl: genuine().router.url });
    const first = await client.status();
    assert.equal(first.kind, 'llama-server router');
    for (const m of first.models) await client.unload(m.model);
    await until(client, [], 'nothing loaded');
    await client.preload('tiny-a');
    await until(client, [{ model: 'tiny-a', state: 'ready' }], 'tiny-a loaded');
    await client.preload('tiny-b');
    await until(client, [{ model: 'tiny-b', state: 'ready' }], 'tiny-b loaded, tiny-a evicted (--models-max 1)');
    await client.unload('tiny-b');
    await until(client, [], 'tiny-b unloaded');
    await rejectsWithSentence(client.unload('tiny-a'), /^tiny-a is not running on llama-swap at http:\/\/127\.0\.0\.1:\d+ \(or is not a configured model\)/);
  });

  it('single-model llama-server: its one model is always ready, preload does nothing, unload is refused in one sentence', async () => {
    client = new LlamaSwapClient({ baseUrl: genuine().single.url });
    assert.deepEqual(await client.status(), { kind: 'llama-server (single model)', models: [{ model: 'tiny-a', state: 'ready' }], answersAnyModel: true });
    await client.preload('tiny-b');
    assert.deepEqual((await client.status()).models, [{ model: 'tiny-a', state: 'ready' }]);
    await rejectsWithSentence(client.unload('tiny-a'), /serves one model, always loaded, so tiny-a cannot be unloaded there/);
  });
});
