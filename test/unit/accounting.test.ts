import * as assert from 'node:assert/strict';
import { costUsd, formatUsd, priceFor } from '../../src/core/engine/accounting';
import { toRecord } from '../../src/core/history/history';
import type { Attempt } from '../../src/core/engine/orchestrator';
import { attemptLine, attemptsTable } from '../../src/core/engine/report';

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

  describe('a cloud model without a known price', () => {
    const cloud = (extra: Partial<Attempt> = {}): Attempt => ({
      tierIndex: 1, model: 'deepseek-chat', label: 'deepseek-chat @ router', tier: 'cloud', backend: 'openai-compatible', durationMs: 900, warm: 'unknown',
      verdict: 'accept', inputTokens: 900, outputTokens: 120, ...extra,
    });
    const local: Attempt = { tierIndex: 0, model: 'qwen-7b', label: 'qwen-7b', tier: 'local', backend: 'llama-swap', durationMs: 500, warm: 'ready', verdict: 'escalate', inputTokens: 10, outputTokens: 10, costUsd: 0 };
    const recordOf = (attempts: Attempt[]) => toRecord({ id: 'u', startedAt: new Date(), languageId: 'ts', skill: 'fix', chain: ['qwen-7b', 'deepseek-chat'], result: { status: 'accepted', accepted: { model: 'deepseek-chat', tierIndex: 1 }, attempts } });

    it('is recorded as unpriced: no costUsd on the attempt or the run, the unpriced attempts counted', () => {
      const r = recordOf([local, cloud()]);
      assert.equal(r.costUsd, undefined, 'never a made-up $0');
      assert.equal(r.unpriced, 1);
      assert.equal('costUsd' in r.attempts[1], false);
      const mixed = recordOf([cloud({ model: 'claude-sonnet-5-5', costUsd: 0.01 }), cloud()]);
      assert.deepEqual([mixed.costUsd, mixed.unpriced], [0.01, 1], 'what is priced is kept; the rest counted apart');
      const priced = recordOf([local, cloud({ costUsd: 0.02 })]);
      assert.deepEqual([priced.costUsd, priced.unpriced], [0.02, undefined]);
    });

    it('says unpriced in the log line and the chat\'s table, and names the setting', () => {
      assert.match(attemptLine(cloud(), 2), / · unpriced \(add its price to hyperguild\.prices\) · accept$/);
      assert.match(attemptLine(cloud({ inputTokens: undefined, outputTokens: undefined, verdict: 'error' }), 2), / · cost unknown · error$/, 'no tokens: nothing was counted');
      assert.match(attemptLine(local, 2), / · \$0 · escalate$/, 'a local tier costs $0');
      assert.match(attemptsTable([cloud()]).split('\n')[2], /^\| 1 \| deepseek-chat \| cloud \| 0\.9 s \| unpriced \| accept \|/);
    });
  });
});
