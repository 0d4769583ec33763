// llama-server's own router mode, a peer of llama-swap: no /running, warmth from /models `status.value`,
// loading through POST /models/load. The client learns which server it talks to from /running's 404.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { WarmTracker } from '../../src/core/warmth/warmTracker';
import { BackendError } from '../../src/core/types';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/llama-server');
const NOT_FOUND = '{"error":{"message":"File Not Found","type":"not_found_error","code":404}}';

/** Serves a captured /models body (or a given one) and llama-server's 404 for everything else; records paths. */
async function replayModels(file: string, body?: string): Promise<{ url: string; close: () => Promise<void>; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    const models = req.url === '/models' || req.url === '/v1/models';
    const text = models ? (body ?? readFileSync(resolve(FIXTURES, file), 'utf8')) : NOT_FOUND;
    res.writeHead(models ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8' }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())), paths };
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

  it('a sleeping router model (--sleep-idle-seconds) is not warm', async () => {
    const captured = JSON.parse(readFileSync(resolve(FIXTURES, 'router/models_after_load_A.body'), 'utf8')) as { data: { status: { value: string } }[] };
    for (const m of captured.data) if (m.status.value === 'loaded') m.status.value = 'sleeping';
    const server = await replayModels('', JSON.stringify(captured));
    const client = new LlamaSwapClient({ baseUrl: server.url });
    try {
      assert.deepEqual(await client.status(), { kind: 'llama-server router', models: [], answersAnyModel: false });
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
      assert.equal(fake.count('/upstream/coder/health'), 0, 'llama-swap\'s preload path is not used');
    } finally {
      tracker.dispose();
      await client.close();
      await fake.close();
    }
  });

  it('a single-model llama-server (the real /models capture, no status): its model is ready, whatever name a chain uses', async () => {
    const server = await replayModels('single-A/models.body');
    const client = new LlamaSwapClient({ baseUrl: server.url });
    const tracker = new WarmTracker({
      intervalMs: 60_000,
      fetchRunning: async (signal) => {
        const status = await client.status(signal);
        return { models: status.models, answersAnyModel: status.kind === 'llama-server (single model)' };
      },
    });
    try {
      assert.deepEqual(await client.status(), { kind: 'llama-server (single model)', models: [{ model: 'models/tiny-llama-phi3vocab.gguf', state: 'ready' }], answersAnyModel: true });
      assert.equal(client.kind, 'llama-server (single model)');
      assert.equal(await tracker.readWarmth('qwen2.5-coder-7b'), 'ready', 'the one model answers whatever a request names');
      assert.equal(tracker.stateOf('anything'), 'ready');
      await client.preload('qwen2.5-coder-7b');
      assert.ok(!server.paths.some((p) => p.startsWith('POST')), 'never preloaded: that server answers POST /models/load with 404');
      await assert.rejects(client.unload('qwen2.5-coder-7b'), (err: unknown) => err instanceof BackendError && /serves one model, always loaded/.test(err.message));
    } finally {
      tracker.dispose();
      await client.close();
      await server.close();
    }
  });

  it('a preload before any poll first learns which server answers: the router gets POST /models/load, not llama-swap\'s path', async () => {
    const fake = await FakeLlamaSwap.start({ flavor: 'router', models: [{ id: 'coder' }] });
    const client = new LlamaSwapClient({ baseUrl: fake.url });
    try {
      await client.preload('coder');
      assert.equal(fake.count('/models/load'), 1);
      assert.equal(fake.count('/upstream/coder/health'), 0);
    } finally {
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
      assert.equal(fake.count('/upstream/qwen-7b/health'), 1);
      assert.equal(fake.count('/models/load'), 0);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
