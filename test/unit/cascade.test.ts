import * as assert from 'node:assert/strict';
import { readManifest } from '../support/manifest';
import { cascadeInfo, estimateTokens, requestOptions } from '../../src/core/engine/cascade';
import { attemptsTable } from '../../src/core/engine/report';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { tiersOf } from '../support/scriptedBackend';

const limits = { maxOutputTokens: 4096, localContextTokens: 16_384 };

describe('the cascade as one language model', () => {
  it('is named after its chain, and takes no more input than its smallest tier holds beside the answer and the judge', () => {
    const info = cascadeInfo(tiersOf('qwen-7b', 'qwen-32b', 'claude-sonnet-5-5'), limits);
    assert.equal(info.name, 'Hyperguild · qwen-7b → qwen-32b → claude-sonnet-5-5');
    // qwen-32b, the second local tier, also gets qwen-7b's rejected answer (up to 4,096 tokens) and its feedback.
    assert.ok(info.maxInputTokens + 4096 + 4096 + 600 + 512 <= 16_384, `maxInputTokens ${info.maxInputTokens}`);
    assert.ok(info.maxInputTokens >= 16_384 - 4096 - 600 - 4096 - 1000, `maxInputTokens ${info.maxInputTokens}: no more room kept than that`);
    assert.equal(cascadeInfo(tiersOf('qwen-7b', 'claude-sonnet-5-5'), limits).maxInputTokens, 16_384 - 4096 - 600, 'a single local tier: its context less the answer and the judge');
    assert.equal(info.maxOutputTokens, 4096);
    assert.equal(info.detail, 'local first, verified');
    assert.equal(cascadeInfo(tiersOf('claude-sonnet-5-5'), limits).maxInputTokens, 200_000 - 4096, 'a cloud-only chain: Claude\'s context');
    assert.equal(cascadeInfo(tiersOf('qwen-7b'), { maxOutputTokens: 4096, localContextTokens: 2048 }).maxInputTokens, 0, 'never negative');
  });

  it('keeps its id for the same chain (the model picker remembers it) and changes it for another', () => {
    const a = cascadeInfo(tiersOf('qwen-7b', 'claude-sonnet-5-5'), limits).id;
    assert.equal(cascadeInfo(tiersOf('qwen-7b', 'claude-sonnet-5-5'), { maxOutputTokens: 100, localContextTokens: 9000 }).id, a);
    assert.notEqual(cascadeInfo(tiersOf('qwen-32b', 'claude-sonnet-5-5'), limits).id, a);
    assert.notEqual(cascadeInfo(tiersOf({ model: 'qwen-7b', verify: false }, 'claude-sonnet-5-5'), limits).id, a);
    assert.match(a, /^cascade-[0-9a-f]{12}$/);
  });

  it('estimates tokens as characters ÷ 3, rounded up (more than the usual 3.5–4.5 characters per token, so it errs high)', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('abcd'), 2);
    assert.equal(estimateTokens('x'.repeat(3001)), 1001);
  });

  it('maps the caller\'s modelOptions: temperature, and the answer\'s length up to hyperguild.maxOutputTokens', () => {
    assert.deepEqual(requestOptions(undefined, 4096), { maxTokens: 4096 });
    assert.deepEqual(requestOptions({ temperature: 0.2, max_tokens: 100, top_k: 3 }, 4096), { temperature: 0.2, maxTokens: 100 });
    assert.deepEqual(requestOptions({ maxTokens: 9000 }, 4096), { maxTokens: 4096 });
    assert.deepEqual(requestOptions({ temperature: 3 }, 4096), { problem: 'modelOptions.temperature must be a number from 0 to 2, not 3.' });
    assert.deepEqual(requestOptions({ maxOutputTokens: '10' }, 4096), { problem: 'modelOptions.maxOutputTokens must be a positive whole number, not "10".' });
  });
});

describe('the chat participant\'s answer', () => {
  it('lists the attempts as a compact table; a | in feedback cannot break it', () => {
    const table = attemptsTable([
      { model: 'qwen-7b', tier: 'local', durationMs: 1234, warm: 'cold', verdict: 'escalate', feedback: 'a | b\nc' },
      { model: 'qwen-7b', tier: 'local', durationMs: 0, warm: 'unknown', verdict: 'escalate', feedback: 'User feedback: braces', by: 'user' },
      { model: 'claude-sonnet-5-5', tier: 'cloud', durationMs: 900, warm: 'unknown', verdict: 'accept', inputTokens: 10, outputTokens: 5, costUsd: 0.00007 },
      { model: 'qwen_2_5', tier: 'local', durationMs: 100, warm: 'ready', verdict: 'escalate', feedback: 'uses *x* and `y`' },
    ]).split('\n');
    assert.equal(table.length, 6);
    assert.equal(table[5], '| 4 | qwen\\_2\\_5 | local · warm | 0.1 s |  | escalate | uses \\*x\\* and \\`y\\` |', 'names and feedback are text, not Markdown');
    assert.equal(table[2], '| 1 | qwen-7b | local · cold | 1.2 s |  | escalate | a \\| b c |');
    assert.equal(table[3], '| 2 | qwen-7b | local |  |  | escalated by you | User feedback: braces |');
    assert.match(table[4], /^\| 3 \| claude-sonnet-5-5 \| cloud \| 0\.9 s \| \$[\d.]+ \| accept \| {2}\|$/);
  });

  it('offers one slash command per built-in skill, plus /apply and /escalate', () => {
    const manifest = readManifest<{ contributes: { chatParticipants: { id: string; commands: { name: string }[] }[] } }>();
    const [participant] = manifest.contributes.chatParticipants;
    assert.equal(participant.id, 'hyperguild.chat');
    assert.deepEqual(participant.commands.map((c) => c.name), [...BUILT_IN_SKILLS.map((s) => s.id), 'apply', 'escalate']);
  });
});
