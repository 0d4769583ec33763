import * as assert from 'node:assert/strict';
import { tiersOf as tiers } from '../support/scriptedBackend';
import { closestNames, failureHelp } from '../../src/core/setup/failureHelp';
import type { Attempt } from '../../src/core/engine/orchestrator';

const attempt = (model: string, tier: 'local' | 'cloud', extra: Partial<Attempt>): Attempt => ({
  tierIndex: 0, model, label: model, tier, backend: tier === 'local' ? 'llama-swap' : 'anthropic', durationMs: 1, warm: 'unknown', verdict: 'error', ...extra,
});

describe('help offered when a run fails', () => {
  it('a local server that did not answer: Check Setup, and the cloud tiers this time when a key is there', () => {
    const chain = tiers('qwen-7b', 'claude-sonnet-4-6');
    const attempts = [attempt('qwen-7b', 'local', { errorKind: 'unreachable' }), attempt('claude-sonnet-4-6', 'cloud', { errorKind: 'http', errorStatus: 529 })];
    assert.deepEqual(failureHelp(attempts, chain, true), { checkSetup: true, cloudOnly: true, setKey: false, unknownModels: [] });
    assert.equal(failureHelp(attempts, chain, false).cloudOnly, false, 'no key: no cloud retry');
    assert.equal(failureHelp(attempts, tiers('qwen-7b'), true).cloudOnly, false, 'no cloud tier in the chain');
  });

  it('a server that never answered in time, or was skipped for it, counts as not answering', () => {
    const chain = tiers('qwen-7b', 'qwen-32b', 'claude-sonnet-4-6');
    const attempts = [attempt('qwen-7b', 'local', { errorKind: 'timeout', serverSilent: true }), attempt('qwen-32b', 'local', { serverSilent: true })];
    assert.equal(failureHelp(attempts, chain, true).checkSetup, true);
  });

  it('a cloud tier reached without a usable key: Set API Key', () => {
    const attempts = [attempt('claude-sonnet-4-6', 'cloud', { errorKind: 'auth' })];
    assert.equal(failureHelp(attempts, tiers('claude-sonnet-4-6'), false).setKey, true);
  });

  it('a model the server does not know: llama-swap 404, llama-server 400 "not found"', () => {
    const attempts = [
      attempt('qwen-7b', 'local', { errorKind: 'http', errorStatus: 404 }),
      attempt('coder', 'local', { errorKind: 'http', errorStatus: 400, feedback: "coder failed on llama-swap at x: model 'coder' not found (400)." }),
      attempt('other', 'local', { errorKind: 'http', errorStatus: 500 }),
    ];
    assert.deepEqual(failureHelp(attempts, tiers('qwen-7b', 'coder', 'other'), false).unknownModels, ['qwen-7b', 'coder']);
  });

  it('escalated and judged attempts ask for nothing', () => {
    const attempts = [attempt('qwen-7b', 'local', { verdict: 'escalate', feedback: 'wrong' })];
    assert.deepEqual(failureHelp(attempts, tiers('qwen-7b'), true), { checkSetup: false, cloudOnly: false, setKey: false, unknownModels: [] });
  });

  it('the nearest known names first: a name that contains the asked one, then by edit distance', () => {
    const known = ['llama-3.1-8b', 'qwen2.5-coder-32b', 'qwen2.5-coder-7b', 'gemma-2b', 'qwen-7b-chat'];
    assert.deepEqual(closestNames('qwen-7b', known, 3), ['qwen-7b-chat', 'qwen2.5-coder-7b', 'qwen2.5-coder-32b']);
    assert.deepEqual(closestNames('qwen2.5-coder-7', known, 2), ['qwen2.5-coder-7b', 'qwen2.5-coder-32b']);
  });
});
