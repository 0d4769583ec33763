import * as assert from 'node:assert/strict';
import { parseChain } from '../../src/core/engine/chain';

describe('chain', () => {
  it('maps claude-* to a cloud tier and anything else to a local llama-swap tier', () => {
    const r = parseChain(['qwen-7b', 'claude-sonnet-5-5']);
    assert.ok(r.ok);
    assert.deepEqual(r.tiers.map((t) => [t.model, t.backend, t.kind, t.verify]), [
      ['qwen-7b', 'llama-swap', 'local', true],
      ['claude-sonnet-5-5', 'anthropic', 'cloud', false],
    ]);
  });

  it('honours backend, verify and label on an object entry', () => {
    const r = parseChain([{ model: 'claude-haiku-4-5', verify: true, label: 'cheap cloud' }, { model: 'my-claude-clone', backend: 'llama-swap' }]);
    assert.ok(r.ok);
    assert.equal(r.tiers[0].verify, true);
    assert.equal(r.tiers[0].label, 'cheap cloud');
    assert.equal(r.tiers[1].backend, 'llama-swap');
    assert.equal(r.tiers[1].kind, 'local');
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an array', 'qwen-7b', /must be a list/],
    ['empty', [], /is empty/],
    ['unknown backend', ['qwen-7b', { model: 'x', backend: 'ollama' }], /entry 2 \("x"\).*backend "ollama" is unknown/],
    ['entry without a model', [{ backend: 'anthropic' }], /entry 1 .*no "model" field/],
    ['empty name', ['qwen-7b', '  '], /entry 2 .*empty/],
    ['a number', [42], /entry 1 \(42\).*model name or an object/],
    ['unknown field', [{ model: 'x', temperature: 1 }], /unknown field "temperature"/],
  ];
  for (const [name, raw, pattern] of bad) {
    it(`rejects a chain that is ${name} with one sentence naming the entry`, () => {
      const r = parseChain(raw);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.message, pattern);
      assert.match(r.message, /^hyperguild\.chain .*\.$/);
      assert.equal(r.message.split('. ').length, 1, 'one sentence');
    });
  }
});
