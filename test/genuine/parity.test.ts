// The fakes against the genuine servers (issue 22): the same exchanges, read as the facts the client relies on
// (statuses, shapes, which models are listed, how a stream ends), must come out the same. The fakes stay (they
// can be made to fail on demand: a 429, a slow load, a stall); this keeps them honest.
import * as assert from 'node:assert/strict';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import { genuine } from './setup';

const MODELS = [{ id: 'tiny-a' }, { id: 'tiny-b' }];

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method, signal: AbortSignal.timeout(20_000),
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, text: await res.text() };
}

const json = (text: string): unknown => JSON.parse(text);

/** How a streamed chat ends: the finish chunk's reason and timings fields, then [DONE]. */
async function streamFacts(base: string, model: string): Promise<unknown> {
  const { status, text } = await call(base, 'POST', '/v1/chat/completions', { model, stream: true, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  const data = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
  const chunks = data.filter((d) => d !== '[DONE]').map((d) => json(d) as { choices: { finish_reason: string | null; delta: object }[]; timings?: Record<string, number> });
  const finish = chunks.find((c) => c.choices[0]?.finish_reason);
  return {
    status, last: data.at(-1), finishIsLastChunk: chunks.at(-1) === finish,
    finishReason: ['stop', 'length'].includes(finish?.choices[0].finish_reason ?? '') ? 'stop|length' : finish?.choices[0].finish_reason,
    timings: ['prompt_n', 'cache_n', 'predicted_n'].map((k) => typeof finish?.timings?.[k] === 'number'),
  };
}

/** llama-swap: what is listed as running at each step, the unload answers, the preload path, the stream's end. */
async function swapFacts(base: string): Promise<unknown> {
  const facts: Record<string, unknown> = {};
  for (const m of ['tiny-a', 'tiny-b']) await call(base, 'POST', `/api/models/unload/${m}`);
  facts.runningIdle = json((await call(base, 'GET', '/running')).text);
  facts.unloadIdle = (await call(base, 'POST', '/api/models/unload/tiny-a')).status;
  facts.unloadUnknown = (await call(base, 'POST', '/api/models/unload/tiny-z')).status;
  facts.listed = (json((await call(base, 'GET', '/v1/models')).text) as { data: { id: string }[] }).data.map((m) => m.id).sort();
  facts.health = (await call(base, 'GET', '/upstream/tiny-a/health')).status;
  facts.root = (await call(base, 'GET', '/upstream/tiny-a/')).status;
  const running = (json((await call(base, 'GET', '/running')).text) as { running: { model: string; state: string }[] }).running;
  facts.runningLoaded = running.map((r) => ({ model: r.model, state: r.state }));
  facts.stream = await streamFacts(base, 'tiny-a');
  facts.unloadAll = (await call(base, 'POST', '/api/models/unload')).status;
  facts.runningAfter = json((await call(base, 'GET', '/running')).text);
  return facts;
}

/** llama-server's router: no /running, /models with status, load and unload answers, the stream's end. */
async function routerFacts(base: string): Promise<unknown> {
  const facts: Record<string, unknown> = {};
  const statuses = async () => Object.fromEntries((json((await call(base, 'GET', '/models')).text) as { data: { id: string; status: { value: string } }[] }).data.map((m) => [m.id, m.status.value]));
  for (const [id, value] of Object.entries(await statuses())) if (value !== 'unloaded') await call(base, 'POST', '/models/unload', { model: id });
  const end = Date.now() + 15_000;
  while (Object.values(await statuses()).some((v) => v !== 'unloaded') && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  facts.running = (await call(base, 'GET', '/running')).status;
  facts.idle = await statuses();
  facts.unloadIdle = (await call(base, 'POST', '/models/unload', { model: 'tiny-a' })).status;
  const load = await call(base, 'POST', '/models/load', { model: 'tiny-a' });
  facts.load = [load.status, json(load.text)];
  while ((await statuses())['tiny-a'] !== 'loaded' && Date.now() < end + 15_000) await new Promise((r) => setTimeout(r, 100));
  facts.loaded = await statuses();
  facts.stream = await streamFacts(base, 'tiny-a');
  facts.unload = (await call(base, 'POST', '/models/unload', { model: 'tiny-a' })).status;
  return facts;
}

describe('genuine servers: the fakes agree with them on the facts the client reads', function () {
  it('the fake llama-swap and llama-swap v174 (with llama-server upstreams)', async () => {
    const fake = await FakeLlamaSwap.start({ models: MODELS });
    try {
      assert.deepEqual(await swapFacts(fake.url), await swapFacts(genuine().swap.url));
    } finally {
      await fake.close();
    }
  });

  it('the fake router (flavor router) and llama-server in router mode', async () => {
    const fake = await FakeLlamaSwap.start({ flavor: 'router', models: MODELS });
    try {
      assert.deepEqual(await routerFacts(fake.url), await routerFacts(genuine().router.url));
    } finally {
      await fake.close();
    }
  });
});
