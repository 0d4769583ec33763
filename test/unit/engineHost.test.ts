import * as assert from 'node:assert/strict';
import { EngineHost } from '../../src/editor/engineHost';
import type { StoredKey } from '../../src/editor/secretKeys';
import { BackendError } from '../../src/core/types';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';

const settings = (url: string) => ({ llamaSwapUrl: url, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000 });
const noAnthropic = { get: () => Promise.resolve(undefined) } as unknown as StoredKey;

describe('engine host: llama-swap key', () => {
  let fake: FakeLlamaSwap;
  let engine: EngineHost | undefined;
  const swapKey: { current: string | undefined } = { current: undefined };

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
