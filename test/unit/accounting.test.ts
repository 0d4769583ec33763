import * as assert from 'node:assert/strict';
import { costUsd, formatUsd, priceFor } from '../../src/core/accounting';

describe('accounting', () => {
  it('prices Claude models per million tokens, dated ids by family', () => {
    assert.equal(costUsd('claude-sonnet-5-5', 1_000_000, 0), 2);
    assert.equal(costUsd('claude-sonnet-4-5-20250929', 1000, 1000), (1000 * 3 + 1000 * 15) / 1e6);
    assert.deepEqual(priceFor('claude-opus-4-1-20250805'), { input: 15, output: 75 });
  });

  it('lets settings override and extend the table', () => {
    assert.equal(costUsd('claude-sonnet-5-5', 1_000_000, 0, { 'claude-sonnet-5-5': { input: 9, output: 9 } }), 9);
    assert.equal(costUsd('claude-new-7', 0, 1_000_000, { 'claude-new-7': { input: 1, output: 4 } }), 4);
  });

  it('knows no price for unknown models or unknown tokens', () => {
    assert.equal(costUsd('claude-unknown', 10, 10), undefined);
    assert.equal(costUsd('claude-sonnet-5-5', undefined, 10), undefined);
  });

  it('formats small costs legibly', () => {
    assert.equal(formatUsd(0.0042), '$0.0042');
    assert.equal(formatUsd(1.5), '$1.500');
    assert.equal(formatUsd(0), '$0');
  });
});
