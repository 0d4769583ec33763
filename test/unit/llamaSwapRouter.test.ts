// llama-server's own router mode, a peer of llama-swap: no /running, warmth from /models `status.value`,
// loading through POST /models/load. The client learns which server it talks to from /running's 404.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { WarmTracker } from '../../src/core/warmTracker';
import { BackendError } from '../../src/core/types';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/llama-server');
const NOT_FOUND = '{"error":{"message":"File Not Found","type":"not_found_error","code":404}}';

/** Serves a captured /models body and llama-server's 404 for everything else. */
async function replayModels(file: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const body = req.url === '/models' ? readFileSync(resolve(FIXTURES, file)) : NOT_FOUND;
    res.writeHead(req.url === '/models' ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('llama-server router mode', function () {
  this.timeout(5000);

  it('reads warmth from the real /models capture: loaded is ready, unloaded is absent', async () => {
    const server = await replayModels('router/models_after_load_A.body');
    const client = new LlamaSwapClient({ baseUrl: server.url });
    try {
      assert.deepEqual(await client.running(), [{ model: 'tiny-llama-phi3vocab', state: 'ready' }]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a model that failed to load is not warm', async () => {
    const server = await replayModels('router-failed-load/models_after_fail.body');
    const client = new LlamaSwapClient({ baseUrl: server.url });
    try {
      assert.deepEqual(await client.running(), []);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('preloads with POST /models/load, follows loading → loaded, and unloads with POST /models/unload', async () => {
    const fake = await FakeLlamaSwap.start({ flavor: 'router', models: [{ id: 'coder', loadMs: 200 }, { id: 'other' }] });
    const client = new LlamaSwapClient({ baseUrl: fake.url });
    const tracker = new WarmTracker({ fetchRunning: (s) => client.running(s), intervalMs: 60_000 });
    try {
      assert.deepEqual(await client.running(), []);
      await client.preload('coder');
      assert.deepEqual(fake.requests.filter((r) => r.method === 'POST').map((r) => [r.path, r.body]), [['/models/load', { model: 'coder' }]]);
      await tracker.refresh();
      assert.equal(tracker.stateOf('coder'), 'starting');
      await new Promise((r) => setTimeout(r, 300));
      await tracker.refresh();
      assert.equal(tracker.stateOf('coder'), 'ready');
      await client.unload('coder');
      assert.deepEqual(await client.running(), []);
      await assert.rejects(client.unload('coder'), (err: unknown) => err instanceof BackendError && /coder/.test(err.message));
      assert.equal(fake.count('/upstream/coder/'), 0, 'llama-swap\'s preload path is not used');
    } finally {
      tracker.dispose();
      await client.close();
      await fake.close();
    }
  });

  it('keeps treating a llama-swap that once answered /running as llama-swap', async () => {
    const fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    const client = new LlamaSwapClient({ baseUrl: fake.url });
    try {
      assert.deepEqual(await client.running(), [{ model: 'qwen-7b', state: 'ready' }]);
      await client.preload('qwen-7b');
      assert.equal(fake.count('/upstream/qwen-7b/'), 1);
      assert.equal(fake.count('/models/load'), 0);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
