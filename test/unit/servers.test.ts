import * as assert from 'node:assert/strict';
import { backendKey, parseChain } from '../../src/core/engine/chain';
import { parseServers } from '../../src/core/engine/servers';
import { snapshotSettings } from '../../src/core/setup/settings';
import type { ConfigReader } from '../../src/core/setup/trust';

const servers = parseServers({
  laptop: { kind: 'ollama', url: 'http://127.0.0.1:11434/' },
  gpu: { kind: 'llama-server', url: 'http://192.168.1.20:8080' },
  openrouter: { kind: 'openai-compatible', url: 'https://openrouter.ai/api/v1' },
  office: { kind: 'openai-compatible', url: 'http://llm.internal:8000/v1' },
  studio: { kind: 'lmstudio', url: 'http://127.0.0.1:1234', cloud: true },
}).servers;

describe('hyperguild.servers', () => {
  it('validates each server: kind, http(s) url, and cloud from the address unless said', () => {
    assert.deepEqual([...servers.values()].map((s) => [s.name, s.kind, s.url, s.cloud]), [
      ['laptop', 'ollama', 'http://127.0.0.1:11434', false],
      ['gpu', 'llama-server', 'http://192.168.1.20:8080', false],
      ['openrouter', 'openai-compatible', 'https://openrouter.ai/api/v1', true],
      ['office', 'openai-compatible', 'http://llm.internal:8000/v1', false],
      ['studio', 'lmstudio', 'http://127.0.0.1:1234', true],
    ]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown kind', { a: { kind: 'vllm', url: 'http://x' } }, /^hyperguild\.servers "a" has kind "vllm", which is not one of llama-swap, .*anthropic\.$/],
    ['a url that is not http', { a: { kind: 'ollama', url: 'ftp://x' } }, /^hyperguild\.servers "a" needs a "url" that is an http\(s\) address\.$/],
    ['no url', { a: { kind: 'ollama' } }, /needs a "url"/],
    ['an unknown field', { a: { kind: 'ollama', url: 'http://x', key: 'sk-1' } }, /unknown field "key"/],
    ['a bad name', { '@a': { kind: 'ollama', url: 'http://x' } }, /server named "@a"/],
    ['not an object', ['x'], /must be an object of named servers/],
  ];
  for (const [what, raw, sentence] of bad) {
    it(`rejects ${what} with one sentence naming the server`, () => {
      const r = parseServers(raw);
      assert.equal(r.servers.size, 0);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0], sentence);
    });
  }

  it('a chain entry naming a server takes its kind and locality; without one, today\'s rules hold', () => {
    const r = parseChain([
      { model: 'qwen2.5-coder:7b', server: 'laptop' }, 'qwen-32b', { model: 'deepseek/deepseek-chat', server: 'openrouter' },
      { model: 'qwen3', server: 'office' }, 'claude-sonnet-5-5',
    ], servers);
    assert.ok(r.ok);
    assert.deepEqual(r.tiers.map((t) => [t.backend, t.kind, t.verify, backendKey(t), t.label]), [
      ['ollama', 'local', true, '@laptop', 'qwen2.5-coder:7b @ laptop'],
      ['llama-swap', 'local', true, 'llama-swap', 'qwen-32b'],
      ['openai-compatible', 'cloud', false, '@openrouter', 'deepseek/deepseek-chat @ openrouter'],
      ['openai-compatible', 'local', true, '@office', 'qwen3 @ office'],
      ['anthropic', 'cloud', false, 'anthropic', 'claude-sonnet-5-5'],
    ]);
  });

  it('a chain entry naming an unknown server gets one sentence naming both', () => {
    const r = parseChain(['qwen-7b', { model: 'qwen2.5-coder:7b', server: 'lapptop' }], servers);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /^hyperguild\.chain entry 2 \("qwen2\.5-coder:7b"\) is invalid: it names server "lapptop", which hyperguild\.servers does not define \(it defines "laptop", "gpu", .*\)\.$/);
  });

  it('an untrusted workspace cannot define servers: only the user\'s own apply', () => {
    const layers: Record<string, { globalValue?: unknown; workspaceValue?: unknown }> = {
      servers: { globalValue: { mine: { kind: 'ollama', url: 'http://127.0.0.1:11434' } }, workspaceValue: { mine: { kind: 'openai-compatible', url: 'https://evil.example' } } },
      chain: { globalValue: [{ model: 'qwen', server: 'mine' }] },
    };
    const config: ConfigReader = {
      get: <T>(key: string) => (layers[key]?.workspaceValue ?? layers[key]?.globalValue) as T | undefined,
      inspect: <T>(key: string) => layers[key] as never as { globalValue?: T },
    };
    const untrusted = snapshotSettings(config, config, false);
    assert.equal(untrusted.servers.get('mine')?.url, 'http://127.0.0.1:11434');
    assert.deepEqual(untrusted.ignoredUntrusted, ['hyperguild.servers']);
    const trusted = snapshotSettings(config, config, true);
    assert.equal(trusted.servers.get('mine')?.url, 'https://evil.example');
  });
});
