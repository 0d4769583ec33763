import * as assert from 'node:assert/strict';
import { EngineHost } from '../../src/editor/run/engineHost';
import type { StoredKey } from '../../src/editor/setup/secretKeys';
import { BackendError, type ChatBackend } from '../../src/core/types';
import type { Settings } from '../../src/core/setup/settings';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';

const settings = (url: string) => ({ llamaSwapUrl: url, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000, servers: new Map() });
const noAnthropic = { get: () => Promise.resolve(undefined) } as unknown as StoredKey;

describe('engine host: llama-swap key', () => {
  let fake: FakeLlamaSwap;
  let engine: EngineHost | undefined;
  const swapKey = { current: undefined as string | undefined, keyFor(): string | undefined { return this.current; } };

  before(async () => {
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b', apiKey: 'swap-key-123' });
  });
  afterEach(() => engine?.dispose());
  after(() => fake.close());

  const chat = (e: EngineHost) => e.llamaSwap(settings(fake.url)).chat({
    model: 'qwen-7b', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, signal: AbortSignal.timeout(5000),
  });

  it('sends the stored llama-swap key as a bearer token to llama-swap', async () => {
    swapKey.current = 'swap-key-123';
    engine = new EngineHost(noAnthropic, swapKey);
    await chat(engine);
    assert.equal(fake.requests.at(-1)?.headers.authorization, 'Bearer swap-key-123');
  });

  it('builds a new client when the key changes, and without a key llama-swap refuses with an auth error', async () => {
    swapKey.current = 'swap-key-123';
    engine = new EngineHost(noAnthropic, swapKey);
    const first = engine.llamaSwap(settings(fake.url));
    swapKey.current = undefined;
    assert.notEqual(engine.llamaSwap(settings(fake.url)), first);
    await assert.rejects(chat(engine), (err: unknown) => err instanceof BackendError && err.kind === 'auth' && !err.message.includes('swap-key-123'));
    assert.equal(fake.requests.at(-1)?.headers.authorization, undefined);
  });
});

describe('engine host: clients no setting refers to are closed', () => {
  let a: FakeLlamaSwap;
  let b: FakeLlamaSwap;
  let engine: EngineHost;
  const full = (url: string) => ({ ...settings(url), llamaSwapUrl: url }) as unknown as Settings;

  beforeEach(async () => {
    a = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    b = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b' });
    engine = new EngineHost(noAnthropic);
  });
  afterEach(async () => {
    engine.dispose();
    await a.close();
    await b.close();
  });

  const chat = (backend: ChatBackend) => backend.chat({ model: 'qwen-7b', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, signal: AbortSignal.timeout(5000) });

  it('after the address changes, the old client\'s connection is closed and the new address is used', async () => {
    engine.settingsInEffect(settings(a.url));
    const old = engine.llamaSwap(settings(a.url));
    await old.running();
    engine.settingsInEffect(settings(b.url));
    await waitUntil(() => a.requests[0].socketClosedAt !== undefined, 'the old keep-alive socket closed');
    await assert.rejects(old.running(), BackendError, 'a retired client takes no new requests');
    assert.notEqual(engine.llamaSwap(settings(a.url)), old, 'asked again, the old address gets a fresh client');
  });

  it('a run in flight keeps its client across the change; it is closed once the run releases it', async () => {
    engine.settingsInEffect(settings(a.url));
    const lease = engine.lease(full(a.url));
    await chat(lease.backends['llama-swap']);
    engine.settingsInEffect(settings(b.url));
    const second = await chat(lease.backends['llama-swap']);
    assert.equal(second.finishReason, 'stop', 'the next tier of the run still reaches its server');
    assert.equal(a.count('/v1/chat/completions'), 2);
    lease.release();
    await waitUntil(() => a.requests.every((r) => r.socketClosedAt !== undefined), 'closed after release');
  });
});

async function waitUntil(condition: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
