// Keys and trust (issue 26, items 10–14): a key goes only where it was stored for, never along a redirect; a host
// name is not an IP range; an untrusted workspace cannot raise how much code leaves the machine or what a run
// costs. Everything against loopback servers.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnthropicBackend } from '../../src/backends/anthropic';
import { sameOriginFetch } from '../../src/backends/keyedFetch';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { parseChain } from '../../src/core/engine/chain';
import { isPrivateAddress, parseServers } from '../../src/core/engine/servers';
import { formatCheckLine, runSetupChecks } from '../../src/core/setup/setupCheck';
import { snapshotSettings } from '../../src/core/setup/settings';
import type { ConfigReader, SettingLayers } from '../../src/core/setup/trust';
import { BackendError } from '../../src/core/types';
import { AddressBoundKey, MemorySecrets, UNRECORDED } from '../../src/editor/setup/boundKeys';
import { EngineHost } from '../../src/editor/run/engineHost';
import type { StoredKey } from '../../src/editor/setup/secretKeys';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';

/** A server that records each request's headers and answers with `reply`. */
async function recorder(reply: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => reply(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    seen,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('keys: llama-swap\'s key goes only to the address it was stored for', function () {
  this.timeout(10_000);
  const KEY = 'swap-key-bound-9c8b7a';
  const SECRET = 'hyperguild.llamaSwapApiKey';
  const noAnthropic = { get: () => Promise.resolve(undefined) } as unknown as StoredKey;
  const settings = (url: string) => ({ llamaSwapUrl: url, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000, servers: new Map() });
  let mine: FakeLlamaSwap;
  let other: FakeLlamaSwap;
  let engine: EngineHost | undefined;

  before(async () => {
    mine = await FakeLlamaSwap.start({ apiKey: KEY });
    other = await FakeLlamaSwap.start({});
  });
  afterEach(() => engine?.dispose());
  after(async () => {
    await mine.close();
    await other.close();
  });
  const authorizations = (fake: FakeLlamaSwap) => fake.requests.map((r) => r.headers.authorization).filter(Boolean);

  it('a trusted workspace that points hyperguild.llamaSwapUrl elsewhere gets no key at the next status poll', async () => {
    const key = new AddressBoundKey(new MemorySecrets(), SECRET);
    await key.store(mine.url, KEY);
    engine = new EngineHost(noAnthropic, key);
    await engine.llamaSwap(settings(mine.url)).status(AbortSignal.timeout(3000));
    assert.equal(mine.requests.at(-1)?.headers.authorization, `Bearer ${KEY}`);
    await engine.llamaSwap(settings(other.url)).status(AbortSignal.timeout(3000)).catch(() => undefined);
    assert.ok(other.requests.length > 0, 'the poll went to the new address');
    assert.deepEqual(authorizations(other), [], 'without the key');
    assert.equal(key.storedElsewhere(other.url), new URL(mine.url).origin, 'Check Setup can say where the key was stored for');
  });

  it('another window reads the binding from secret storage; a key stored before keys were bound is sent nowhere', async () => {
    const secrets = new MemorySecrets();
    await new AddressBoundKey(secrets, SECRET).store(mine.url, KEY);
    const later = new AddressBoundKey(secrets, SECRET);
    await later.load();
    assert.equal(later.keyFor(`${mine.url}/v1`), KEY);
    assert.equal(later.keyFor(other.url), undefined);
    await secrets.store(SECRET, KEY);
    await later.load();
    assert.equal(later.keyFor(mine.url), undefined);
    assert.equal(later.storedElsewhere(mine.url), UNRECORDED);
  });

  it('Check Setup says the key was set for another address, and how to send it to this one', async () => {
    const chain = parseChain(['qwen-7b']);
    assert.ok(chain.ok);
    const client = new LlamaSwapClient({ baseUrl: other.url });
    try {
      const lines = (await runSetupChecks({
        client, serverUrl: other.url, tiers: chain.tiers, hasAnthropicKey: false, settingsProblems: [], llamaSwapKeyStoredFor: new URL(mine.url).origin,
      })).map(formatCheckLine);
      assert.equal(lines[0], `✗ the llama-swap key was set for ${new URL(mine.url).origin}, so it is not sent to ${other.url} — run "Hyperguild: Set llama-swap API Key" if this address is right`);
    } finally {
      await client.close();
    }
  });
});

describe('keys: a request that carries a key never follows a redirect to another origin', function () {
  this.timeout(10_000);
  const KEY = 'sk-ant-redirect-test-4b3a2c1d';
  let target: Awaited<ReturnType<typeof recorder>>;
  let redirector: Awaited<ReturnType<typeof recorder>>;

  before(async () => {
    target = await recorder((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    // Another port is another origin: what a compromised or misconfigured gateway could send the key to.
    redirector = await recorder((req, res) => res.writeHead(307, { location: `${target.url}${req.url ?? '/'}` }).end());
  });
  beforeEach(() => {
    target.seen.length = 0;
    redirector.seen.length = 0;
  });
  after(async () => {
    await target.close();
    await redirector.close();
  });

  it('an Anthropic server (named or ANTHROPIC_BASE_URL) that redirects elsewhere: refused in one sentence, and x-api-key is not sent there', async () => {
    const backend = new AnthropicBackend({ getApiKey: () => Promise.resolve(KEY), baseUrl: redirector.url, maxRetries: 0, firstByteTimeoutMs: 5000 });
    await assert.rejects(
      backend.chat({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, signal: AbortSignal.timeout(5000) }),
      (err: unknown) => {
        assert.ok(err instanceof BackendError);
        assert.match(err.message, /redirect/i);
        assert.match(err.message, new RegExp(target.url.replace(/[.:/]/g, '\\$&')));
        assert.ok(!err.message.includes(KEY));
        return true;
      },
    );
    assert.equal(redirector.seen.length, 1);
    assert.equal(redirector.seen[0]['x-api-key'], KEY);
    assert.deepEqual(target.seen, [], 'nothing reached the address the redirect named');
  });

  it('a redirect within the same origin (307) is followed with the key; one to another origin comes back as its status', async () => {
    const same = await recorder((req, res) => (req.url === '/old' ? res.writeHead(307, { location: '/new' }).end() : res.writeHead(200).end('here')));
    try {
      const init = { method: 'POST', headers: { 'x-api-key': KEY }, body: '{}' };
      const res = await sameOriginFetch()(`${same.url}/old`, init);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'here');
      assert.deepEqual(same.seen.map((h) => h['x-api-key']), [KEY, KEY]);
      const away = await sameOriginFetch()(`${redirector.url}/v1/messages`, init);
      assert.equal(away.status, 307);
      assert.deepEqual(target.seen, []);
    } finally {
      await same.close();
    }
  });

  it('llama-swap (and every server over the shared HTTP client) with a key: a redirect is not followed', async () => {
    const client = new LlamaSwapClient({ baseUrl: redirector.url, apiKey: 'swap-key-redirect', firstByteTimeoutMs: 5000, idleTimeoutMs: 5000 });
    try {
      await assert.rejects(client.chat({ model: 'qwen-7b', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, signal: AbortSignal.timeout(5000) }), BackendError);
      await assert.rejects(client.running(AbortSignal.timeout(5000)), BackendError);
    } finally {
      await client.close();
    }
    assert.deepEqual(target.seen, []);
  });
});

describe('servers: only IP literals are classified by range', () => {
  const host = (url: string) => isPrivateAddress(new URL(url));

  it('host names starting with fc or fd are names, not private IPv6 addresses: an OpenAI-compatible server there is a cloud', () => {
    assert.equal(host('https://fcm.googleapis.com/v1'), false);
    assert.equal(host('https://fd.example.com'), false);
    assert.equal(host('https://fe80.example.com'), false);
    const { servers } = parseServers({
      fcm: { kind: 'openai-compatible', url: 'https://fcm.googleapis.com/v1' },
      fd: { kind: 'openai-compatible', url: 'https://fdn.example.org/v1' },
    });
    assert.equal(servers.get('fcm')?.cloud, true, 'priced and unjudged as a cloud, not called local');
    assert.equal(servers.get('fd')?.cloud, true);
  });

  it('IPv6 literals by range: ::1, fc00::/7 and fe80::/10 are private; a public one is not', () => {
    for (const url of ['http://[::1]:8080', 'http://[fd12:3456::1]:8000', 'http://[fc00::7]', 'http://[fe80::1]:1234', 'http://[febf::1]', 'http://[::ffff:10.0.0.1]']) assert.equal(host(url), true, url);
    for (const url of ['http://[2001:db8::1]:8000', 'http://[fec0::1]', 'http://[ff02::1]']) assert.equal(host(url), false, url);
    const { servers } = parseServers({ lan: { kind: 'openai-compatible', url: 'http://[fd00::20]:8000/v1' } });
    assert.equal(servers.get('lan')?.cloud, false);
  });
});

describe('trust: an untrusted workspace cannot raise how much code leaves the machine or what a run costs', () => {
  /** A repository's .vscode/settings.json sets these; the user set nothing. */
  const fromRepo: Record<string, unknown> = { contextLines: 400, maxOutputTokens: 64_000, localContextTokens: 10_000_000 };
  const repoConfig: ConfigReader = {
    get: <T>(key: string) => fromRepo[key] as T,
    inspect: <T>(key: string) => ({ workspaceValue: fromRepo[key] }) as SettingLayers<T>,
  };

  it('untrusted: the defaults apply, and each ignored setting is named', () => {
    const s = snapshotSettings(repoConfig, repoConfig, false);
    assert.deepEqual([s.contextLines, s.maxOutputTokens, s.localContextTokens], [40, 4096, 32_768]);
    for (const key of Object.keys(fromRepo)) assert.ok(s.ignoredUntrusted.includes(`hyperguild.${key}`), key);
  });

  it('trusted: the workspace\'s values apply', () => {
    const s = snapshotSettings(repoConfig, repoConfig, true);
    assert.deepEqual([s.contextLines, s.maxOutputTokens, s.localContextTokens], [400, 64_000, 10_000_000]);
  });
});
