import * as assert from 'node:assert/strict';
import { MAX_POLL_SECONDS, MAX_TIMEOUT_SECONDS, snapshotSettings } from '../../src/core/setup/settings';
import type { ConfigReader, SettingLayers } from '../../src/core/setup/trust';
import { assertOneSentence } from '../support/checks';

/** Settings as a user set them (global layer), read the way VS Code's configuration reads them. */
function config(set: Record<string, unknown>): ConfigReader {
  const values: Record<string, unknown> = { chain: ['qwen-7b'], llamaSwapUrl: 'http://127.0.0.1:8080', ...set };
  return { get: <T>(key: string) => values[key] as T, inspect: <T>(key: string) => ({ globalValue: values[key] }) as SettingLayers<T> };
}

describe('settings snapshot: bounds', () => {
  it('a timeout above what a timer can hold is capped at a day, and the setting is named', () => {
    const huge = config({ localFirstByteTimeoutSeconds: 3_000_000, idleTimeoutSeconds: 2_200_000 });
    const s = snapshotSettings(huge, huge, true);
    assert.equal(s.firstByteTimeoutMs, MAX_TIMEOUT_SECONDS * 1000);
    assert.equal(s.idleTimeoutMs, MAX_TIMEOUT_SECONDS * 1000);
    assert.ok(s.firstByteTimeoutMs < 2 ** 31 - 1, 'setTimeout would fire at once above 2^31-1 ms');
    assert.deepEqual(s.problems, [
      'hyperguild.localFirstByteTimeoutSeconds is 3000000, above its maximum of 86400; 86400 is used.',
      'hyperguild.idleTimeoutSeconds is 2200000, above its maximum of 86400; 86400 is used.',
    ]);
    for (const p of s.problems) assertOneSentence(p);
  });

  it('the poll interval is capped too (a huge one would poll without pause)', () => {
    const s = snapshotSettings(config({}), config({ statusBarPollSeconds: 1e12 }), true);
    assert.equal(s.pollSeconds, MAX_POLL_SECONDS);
  });

  it('values within bounds are used as they are; missing or malformed ones are the defaults', () => {
    const s = snapshotSettings(config({ localFirstByteTimeoutSeconds: 180, idleTimeoutSeconds: 'x' }), config({}), true);
    assert.equal(s.firstByteTimeoutMs, 180_000);
    assert.equal(s.idleTimeoutMs, 60_000);
    assert.deepEqual(s.problems, []);
  });

  it('hyperguild.diagnostics.timeoutMs: 3000 by default, 0 turns the gate off, a negative or malformed one is named and the default used, one above a minute is capped', () => {
    assert.equal(snapshotSettings(config({}), config({}), true).diagnosticsTimeoutMs, 3000);
    assert.equal(snapshotSettings(config({ 'diagnostics.timeoutMs': 0 }), config({}), true).diagnosticsTimeoutMs, 0);
    const bad = snapshotSettings(config({ 'diagnostics.timeoutMs': -5 }), config({}), true);
    assert.equal(bad.diagnosticsTimeoutMs, 3000);
    assert.deepEqual(bad.problems, ['hyperguild.diagnostics.timeoutMs is -5, not a number of milliseconds from 0 (off) to 60000; 3000 is used.']);
    const huge = snapshotSettings(config({ 'diagnostics.timeoutMs': 1e9 }), config({}), true);
    assert.equal(huge.diagnosticsTimeoutMs, 60_000);
    assert.deepEqual(huge.problems, ['hyperguild.diagnostics.timeoutMs is 1000000000, above its maximum of 60000; 60000 is used.']);
    for (const p of [...bad.problems, ...huge.problems]) assertOneSentence(p);
  });
});

describe('settings snapshot: hyperguild.adaptive', () => {
  /** One setting's layers; the others as a user set them. */
  function layered(adaptive: SettingLayers<unknown>): ConfigReader {
    const base = config({});
    return {
      get: <T>(key: string) => (key === 'adaptive' ? (adaptive.workspaceValue ?? adaptive.globalValue) : base.get(key)) as T,
      inspect: <T>(key: string) => (key === 'adaptive' ? adaptive : base.inspect(key)) as SettingLayers<T>,
    };
  }

  it('"suggest" by default; "on" and "off" as set; anything else is named and suggest used', () => {
    assert.equal(snapshotSettings(config({}), config({}), true).adaptive, 'suggest');
    assert.equal(snapshotSettings(config({ adaptive: 'on' }), config({}), true).adaptive, 'on');
    assert.equal(snapshotSettings(config({ adaptive: 'off' }), config({}), true).adaptive, 'off');
    const odd = snapshotSettings(config({ adaptive: 'always' }), config({}), true);
    assert.equal(odd.adaptive, 'suggest');
    assert.deepEqual(odd.problems, ['hyperguild.adaptive "always" is not one of "off", "suggest" or "on"; "suggest" is used.']);
    assertOneSentence(odd.problems[0]);
  });

  it('hyperguild.adaptive: an untrusted workspace cannot switch it on (its value is ignored and named); the user\'s own stays', () => {
    const fromWorkspace = snapshotSettings(layered({ workspaceValue: 'on' }), config({}), false);
    assert.equal(fromWorkspace.adaptive, 'suggest');
    assert.deepEqual(fromWorkspace.ignoredUntrusted, ['hyperguild.adaptive']);
    assert.equal(snapshotSettings(layered({ workspaceValue: 'on' }), config({}), true).adaptive, 'on', 'trusted: the workspace decides');
    assert.equal(snapshotSettings(layered({ globalValue: 'off', workspaceValue: 'on' }), config({}), false).adaptive, 'off', "the user's own value");
  });
});
