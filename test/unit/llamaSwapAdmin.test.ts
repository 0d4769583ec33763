// LlamaSwapClient's small calls: running, models, version, preload, unload, close.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LlamaSwapClient, type LlamaSwapOptions } from '../../src/backends/llamaSwap';
import { BackendError, type BackendErrorKind } from '../../src/core/types';
import { FakeLlamaSwap, type FakeLlamaSwapOptions } from '../fakes/fakeLlamaSwap';

const MODELS = [{ id: 'qwen-7b', aliases: ['coder', 'q7'], loadMs: 150 }, { id: 'org/judge-3b' }];

async function rejection(promise: Promise<unknown>, kind: BackendErrorKind): Promise<BackendError> {
  const err: unknown = await promise.then(() => assert.fail('expected a BackendError'), (e: unknown) => e);
  assert.ok(err instanceof BackendError, String(err));
  assert.equal(err.kind, kind, err.message);
  return err;
}

describe('LlamaSwapClient running/models/version/preload/unload', function () {
  this.timeout(5000);
  let fake: FakeLlamaSwap | undefined;
  let raw: Server | undefined;
  let client: LlamaSwapClient;

  async function setup(fakeOptions: FakeLlamaSwapOptions = {}, clientOptions: Partial<LlamaSwapOptions> = {}): Promise<FakeLlamaSwap> {
    fake = await FakeLlamaSwap.start({ models: MODELS, ...fakeOptions });
    client = new LlamaSwapClient({ baseUrl: fake.url, ...clientOptions });
    return fake;
  }

  /** A server answering every request with this status and body (for shapes the fake never sends). */
  async function rawServer(status: number, body: string, clientOptions: Partial<LlamaSwapOptions> = {}): Promise<void> {
    raw = createServer((_req, res) => {
      if (status === 0) return; // never answer
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
    client = new LlamaSwapClient({ baseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`, ...clientOptions });
  }

  /** A server answering each path with its own JSON body (404 for any other). */
  async function routedServer(bodies: Record<string, unknown>): Promise<void> {
    raw = createServer((req, res) => {
      const body = bodies[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'application/json' });
      res.end(body === undefined ? 'not found' : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
    client = new LlamaSwapClient({ baseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/` });
  }

  afterEach(async () => {
    await client?.close();
    await fake?.close();
    raw?.closeAllConnections();
    await new Promise((resolve) => (raw ? raw.close(resolve) : resolve(undefined)));
    fake = undefined;
    raw = undefined;
  });

  describe('running()', () => {
    it('reports nothing, then starting during a cold load (loaded in /v1/models, absent from /running), then ready', async () => {
      const f = await setup();
      assert.deepEqual(await client.running(), []);
      const preload = client.preload('qwen-7b');
      await sleep(40);
      assert.deepEqual(await client.running(), [{ model: 'qwen-7b', state: 'starting' }]);
      await preload;
      assert.deepEqual(await client.running(), [{ model: 'qwen-7b', state: 'ready' }]);
      assert.equal(f.count('/running'), 3);
      assert.equal(f.count('/v1/models'), 3, 'each read asks both, concurrently');
    });

    it('the fake, like llama-swap, never lists a loading model in /running', async () => {
      const f = await setup();
      const preload = client.preload('qwen-7b');
      await sleep(40);
      const res = await fetch(`${f.url}/running`);
      assert.deepEqual(await res.json(), { running: [] });
      await preload;
    });

    it('a server before v236 (no status in /v1/models): a loading model is not seen, and nothing fails', async () => {
      await rawServer(200, JSON.stringify({ running: [], object: 'list', data: [{ id: 'qwen-7b', object: 'model' }] }));
      assert.deepEqual(await client.running(), []);
    });

    it('parses the pre-v186 shape (only model and state)', async () => {
      await setup({ runningShape: 'minimal', loaded: 'qwen-7b' });
      assert.deepEqual(await client.running(), [{ model: 'qwen-7b', state: 'ready' }]);
    });

    it('is lenient: ignores unknown fields, drops entries without a valid state, accepts null', async () => {
      await rawServer(200, JSON.stringify({
        running: [
          { model: 'a', state: 'ready', cmd: 'x', ttl: 300, extra: { nested: true } },
          { model: 'b', state: 'stopping' },
          { model: 'c', state: 'stopped' },
          { model: 'd' },
          { state: 'ready' },
          'junk',
        ],
        peers: {},
      }));
      assert.deepEqual(await client.running(), [{ model: 'a', state: 'ready' }, { model: 'b', state: 'stopping' }]);
      await client.close();
      raw?.closeAllConnections();
      raw?.close();
      await rawServer(200, '{"running":null}');
      assert.deepEqual(await client.running(), []);
    });

    it('a newer llama-swap (v218+) lists a starting model itself, with its fields: starting, then ready', async () => {
      const f = await setup({ runningShape: 'v218', models: [{ id: 'qwen-7b', loadMs: 600 }] });
      const preload = client.preload('qwen-7b');
      await sleep(40);
      assert.deepEqual(await client.running(), [{ model: 'qwen-7b', state: 'starting' }]);
      assert.deepEqual(await (await fetch(`${f.url}/running`)).json(), { running: [{ model: 'qwen-7b', state: 'starting', cmd: 'llama-server --port 5800 -m qwen-7b.gguf', proxy: 'http://localhost:5800', ttl: 300, name: '', description: '' }] });
      await preload;
      assert.deepEqual(await client.running(), [{ model: 'qwen-7b', state: 'ready' }]);
    });

    it('a state it does not know (a newer llama-swap) is neither ready nor loading, whatever /v1/models says; the rest still counts', async () => {
      // The fields of v218+'s handleRunning; "sleeping" stands for any state a later version may add.
      const entry = (model: string, state: string) => ({ model, state, cmd: `llama-server -m ${model}.gguf`, proxy: 'http://localhost:5800', ttl: 300, name: model, description: '' });
      await routedServer({
        '/running': { running: [entry('a', 'ready'), entry('b', 'sleeping'), entry('c', 'starting'), entry('d', 'stopping')] },
        '/v1/models': { object: 'list', data: ['a', 'b', 'c', 'd'].map((id) => ({ id, object: 'model', status: { value: 'loaded' } })) },
      });
      assert.deepEqual(await client.running(), [{ model: 'a', state: 'ready' }, { model: 'c', state: 'starting' }, { model: 'd', state: 'stopping' }]);
    });

    it('non-JSON is a protocol error; an error status is an http error naming the endpoint and server', async () => {
      await rawServer(200, '<html>not llama-swap</html>');
      const err = await rejection(client.running(), 'protocol');
      assert.match(err.message, /^GET \/running on llama-swap at http:\/\/127\.0\.0\.1:\d+ got an answer that is not the expected JSON\.$/);
      await client.close();
      raw?.closeAllConnections();
      raw?.close();
      await rawServer(500, '{"error":"boom"}');
      const http = await rejection(client.running(), 'http');
      assert.match(http.message, /^GET \/running failed on llama-swap at http:\/\/127\.0\.0\.1:\d+: boom \(500\)\.$/);
    });

    it('small calls are bounded by requestTimeoutMs', async () => {
      await rawServer(0, '', { requestTimeoutMs: 150 });
      const err = await rejection(client.running(), 'timeout');
      assert.match(err.message, /within 150 ms/);
    });

    it('connection refused is unreachable, without a model', async () => {
      const f = await setup();
      await f.goOffline();
      const err = await rejection(client.running(), 'unreachable');
      assert.equal(err.message, `llama-swap at ${f.url} is not reachable (connection refused); start it or fix hyperguild.llamaSwapUrl.`);
    });
  });

  describe('models()', () => {
    it('lists every configured model with its aliases', async () => {
      await setup();
      assert.deepEqual(await client.models(), [{ id: 'qwen-7b', aliases: ['coder', 'q7'] }, { id: 'org/judge-3b', aliases: [] }]);
    });

    it('tolerates missing meta and odd entries', async () => {
      await rawServer(200, JSON.stringify({ object: 'list', data: [{ id: 'plain' }, { id: 'odd', meta: 'x' }, { id: 'mixed', meta: { llamaswap: { aliases: ['ok', 3] } } }, { object: 'model' }] }));
      assert.deepEqual(await client.models(), [{ id: 'plain', aliases: [] }, { id: 'odd', aliases: [] }, { id: 'mixed', aliases: ['ok'] }]);
    });
  });

  describe('version()', () => {
    it('returns the version string', async () => {
      await setup({ version: 'v250' });
      assert.equal(await client.version(), 'v250');
    });

    it('returns undefined on older servers that 404', async () => {
      await setup({ version: null });
      assert.equal(await client.version(), undefined);
    });
  });

  describe('preload()', () => {
    it('GETs /upstream/<model>/health (the path llama-swap\'s own health check waits on) and resolves once the model is ready', async () => {
      const f = await setup();
      await client.preload('coder');
      assert.deepEqual(f.requests.map((r) => r.path).sort(), ['/running', '/upstream/coder/health', '/v1/models'], 'first which kind of server answers, then its way to load');
      assert.equal(f.requests.at(-1)?.path, '/upstream/coder/health');
      assert.deepEqual(f.running(), [{ model: 'qwen-7b', state: 'ready' }]);
    });

    it('encodes the model name in the path', async () => {
      const f = await setup();
      await client.preload('org/judge-3b');
      assert.equal(f.requests.at(-1)?.path, '/upstream/org%2Fjudge-3b/health');
      assert.deepEqual(f.running(), [{ model: 'org/judge-3b', state: 'ready' }]);
    });

    it('rejects with a BackendError naming the model for an unknown model', async () => {
      const f = await setup();
      const err = await rejection(client.preload('nope'), 'http');
      assert.equal(err.message, `Preloading nope failed on llama-swap at ${f.url}: model not found (404).`);
    });

    it('is bounded by firstByteTimeoutMs, not the short request timeout', async () => {
      await setup({ models: [{ id: 'slow', loadMs: 300 }] }, { requestTimeoutMs: 100, firstByteTimeoutMs: 1000 });
      await client.preload('slow');
      await client.close();
      client = new LlamaSwapClient({ baseUrl: fake!.url, firstByteTimeoutMs: 100 });
      await client.unload('slow');
      await rejection(client.preload('slow'), 'timeout');
    });
  });

  describe('unload()', () => {
    it('POSTs /api/models/unload/<model> and the model is gone', async () => {
      const f = await setup({ loaded: 'org/judge-3b' });
      await client.unload('org/judge-3b');
      assert.equal(f.requests.at(-1)?.method, 'POST');
      assert.equal(f.requests.at(-1)?.path, '/api/models/unload/org%2Fjudge-3b');
      assert.deepEqual(await client.running(), []);
    });

    it('a known model that is not running unloads with 200, as llama-swap answers', async () => {
      const f = await setup();
      await client.unload('qwen-7b');
      assert.deepEqual(f.running(), []);
    });

    it('404 (an unknown model) names the model and the setting to check', async () => {
      const f = await setup();
      const err = await rejection(client.unload('nope'), 'http');
      assert.equal(err.status, 404);
      assert.equal(err.message, `nope is not a model llama-swap at ${f.url} knows, so there was nothing to unload (404); check the name in hyperguild.chain.`);
    });
  });

  describe('close()', () => {
    it('destroys the agent; later calls fail instead of hanging, and close is idempotent', async () => {
      await setup();
      await client.running();
      await client.close();
      await client.close();
      await assert.rejects(client.running(), BackendError);
    });
  });
});
