// Check Setup against the fake llama-swap on 127.0.0.1 through the real client.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { parseChain, type Tier } from '../../src/core/engine/chain';
import { formatCheckLine, runSetupChecks, type SetupCheckInput } from '../../src/core/setup/setupCheck';
import { FakeLlamaSwap, type FakeLlamaSwapOptions } from '../fakes/fakeLlamaSwap';

function tiers(...names: unknown[]): Tier[] {
  const r = parseChain(names);
  if (!r.ok) throw new Error(r.message);
  return r.tiers;
}

describe('runSetupChecks', function () {
  this.timeout(5000);
  let fake: FakeLlamaSwap | undefined;
  let client: LlamaSwapClient | undefined;

  async function start(options: FakeLlamaSwapOptions = {}): Promise<LlamaSwapClient> {
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen2.5-coder-7b', aliases: ['qwen-7b'] }, { id: 'qwen-32b' }], ...options });
    client = new LlamaSwapClient({ baseUrl: fake.url });
    return client;
  }

  async function check(input: Partial<SetupCheckInput> & Pick<SetupCheckInput, 'tiers'>): Promise<string[]> {
    const c = client ?? (await start());
    const lines = await runSetupChecks({ client: c, serverUrl: fake!.url, hasAnthropicKey: true, settingsProblems: [], ...input });
    return lines.map(formatCheckLine);
  }

  afterEach(async () => {
    await client?.close();
    await fake?.close();
    client = undefined;
    fake = undefined;
  });

  it('passes a healthy setup: version, models by id or alias, key, settings', async () => {
    const lines = await check({ tiers: tiers('qwen-7b', 'qwen-32b', 'claude-sonnet-5-5') });
    assert.deepEqual(lines, [
      `✓ llama-swap v250 at ${fake!.url}`,
      '✓ qwen-7b is configured in llama-swap (alias of qwen2.5-coder-7b)',
      '✓ qwen-32b is configured in llama-swap',
      '✓ Anthropic API key is set',
      '✓ settings are valid',
    ]);
  });

  it('reports a missing model, a missing key and each settings problem with its fix', async () => {
    const lines = await check({
      tiers: tiers('qwen-32b', 'qwen-9b', 'qwen-9b', 'claude-sonnet-5-5'),
      hasAnthropicKey: false,
      settingsProblems: ['hyperguild.contextLines must be a whole number.'],
    });
    assert.deepEqual(lines, [
      `✓ llama-swap v250 at ${fake!.url}`,
      '✓ qwen-32b is configured in llama-swap',
      "✗ qwen-9b is not configured in llama-swap — add it to llama-swap's config or fix hyperguild.chain",
      '✗ no Anthropic API key — run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY',
      '✗ hyperguild.contextLines must be a whole number — correct it in Settings (Hyperguild)',
    ]);
  });

  it('says llama-swap is not reachable, and does not repeat it per model', async () => {
    const c = await start();
    await fake!.goOffline();
    const lines = await check({ client: c, tiers: tiers('qwen-7b', 'qwen-9b') });
    assert.deepEqual(lines, [
      `✗ llama-swap at ${fake!.url} is not reachable — start it or fix hyperguild.llamaSwapUrl`,
      '✓ settings are valid',
    ]);
  });

  it('accepts a server without /api/version (older llama-swap)', async () => {
    await start({ version: null });
    const lines = await check({ tiers: tiers('qwen-32b') });
    assert.equal(lines[0], `✓ llama-swap at ${fake!.url}`);
  });

  it('skips the llama-swap lines when the chain has no local tier, and checks a local verifier', async () => {
    const cloudOnly = await check({ tiers: tiers('claude-sonnet-5-5'), hasAnthropicKey: false });
    assert.deepEqual(cloudOnly, [
      '✗ no Anthropic API key — run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY',
      '✓ settings are valid',
    ]);
    assert.equal(fake!.requests.length, 0, 'asked llama-swap although no tier is local');

    const withVerifier = await check({ tiers: tiers('qwen-32b'), verifierModel: 'judge-3b' });
    assert.ok(withVerifier.includes("✗ verifier judge-3b is not configured in llama-swap — add it to llama-swap's config or fix hyperguild.verifierModel"), withVerifier.join('\n'));
  });
});

describe('runSetupChecks: which kind of server answered', function () {
  this.timeout(5000);

  it('llama-server in router mode is named as such', async () => {
    const fake = await FakeLlamaSwap.start({ flavor: 'router', models: [{ id: 'coder' }] });
    const client = new LlamaSwapClient({ baseUrl: fake.url });
    try {
      const lines = (await runSetupChecks({ client, serverUrl: fake.url, tiers: tiers('coder'), hasAnthropicKey: true, settingsProblems: [] })).map(formatCheckLine);
      assert.deepEqual(lines.slice(0, 2), [`✓ llama-server router at ${fake.url}`, '✓ coder is configured in llama-server router']);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('a single-model llama-server (the real /models capture) answers every chain model with its one model', async () => {
    const body = readFileSync(resolve(__dirname, '../../../test/fixtures/llama-server/single-A/models.body'), 'utf8');
    const server = http.createServer((req, res) => {
      const ok = req.url === '/models' || req.url === '/v1/models';
      res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8' }).end(ok ? body : '{"error":{"message":"File Not Found","type":"not_found_error","code":404}}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new LlamaSwapClient({ baseUrl: url });
    try {
      const lines = (await runSetupChecks({ client, serverUrl: url, tiers: tiers('qwen-7b', 'qwen-32b'), hasAnthropicKey: true, settingsProblems: [] })).map(formatCheckLine);
      assert.deepEqual(lines, [
        `✓ llama-server (single model) at ${url}`,
        '✓ qwen-7b is answered by the server\'s single model (models/tiny-llama-phi3vocab.gguf)',
        '✓ qwen-32b is answered by the server\'s single model (models/tiny-llama-phi3vocab.gguf)',
        '✓ settings are valid',
      ]);
    } finally {
      await client.close();
      await new Promise((r) => server.close(r));
    }
  });
});
