// The warm-model state and Check Setup in the real editor, through the extension's public API and its
// settings, against the fake llama-swap on 127.0.0.1.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { warmStatusText } from '../../src/editor/warmth/warmStatusBar';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import { Settings, waitFor } from './support/host';

interface WarmState {
  server: 'online' | 'offline' | 'unknown';
  models: { id: string; state: 'ready' | 'starting' | 'stopping' }[];
}
interface Api {
  getWarmState(): WarmState;
  onDidChangeWarmState: vscode.Event<WarmState>;
}

const summary = (s: WarmState) => `${s.server}${s.models.map((m) => ` ${m.id}:${m.state}`).join('')}`;
describe('warm status and check setup', function () {
  this.timeout(30_000);
  let fake: FakeLlamaSwap;
  let api: Api;
  const settings = new Settings();
  const set = (key: string, value: unknown) => settings.set(key, value);

  before(async () => {
    api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as Api;
    // The status bar polls only while the window is focused: say what this host reports.
    console.log(`host: window.state.focused=${vscode.window.state.focused}`);
    fake = await FakeLlamaSwap.start({
      models: [{ id: 'qwen-7b', aliases: ['coder'] }, { id: 'qwen-32b', loadMs: 1500 }],
      loaded: 'qwen-7b',
    });
    await set('statusBarPollSeconds', 0.2);
    await set('chain', ['qwen-7b', 'qwen-32b']);
    await set('llamaSwapUrl', fake.url);
  });

  after(async () => {
    await settings.restore();
    await fake?.close();
  });

  it('follows the fake\'s /running through ready → starting → offline → online', async () => {
    assert.ok(vscode.window.state.focused, 'the window is not focused, so the status bar does not poll');
    const seen: string[] = [];
    const listener = api.onDidChangeWarmState((s) => seen.push(summary(s)));
    try {
      await waitFor(() => summary(api.getWarmState()) === 'online qwen-7b:ready', 'qwen-7b ready');

      // Load the other model the way llama-swap's UI does; /running shows it starting meanwhile.
      const load = fetch(`${fake.url}/upstream/qwen-32b/`).then((r) => r.text());
      await waitFor(() => summary(api.getWarmState()) === 'online qwen-32b:starting', 'qwen-32b starting');
      await load;
      await waitFor(() => summary(api.getWarmState()) === 'online qwen-32b:ready', 'qwen-32b ready');

      await fake.goOffline();
      await waitFor(() => api.getWarmState().server === 'offline', 'offline');
      await fake.goOnline();
      // The first retry after going offline is 5 s later (the backoff floor).
      await waitFor(() => api.getWarmState().server === 'online', 'online again', 12_000);
      assert.equal(summary(api.getWarmState()), 'online qwen-32b:ready');
      const changes = seen.filter((s, i) => s !== seen[i - 1]);
      assert.deepStrictEqual(changes, seen, 'an event fired without a change');
      for (const expected of ['online qwen-32b:starting', 'online qwen-32b:ready', 'offline']) {
        assert.ok(seen.includes(expected), `no change event for ${expected}: ${seen.join(' | ')}`);
      }
      assert.strictEqual(seen[seen.length - 1], 'online qwen-32b:ready');
    } finally {
      listener.dispose();
    }
  });

  it('check setup reports a missing model and a missing key', async () => {
    await set('chain', ['coder', 'qwen-9b', 'claude-sonnet-5-5']);
    const lines = (await vscode.commands.executeCommand('hyperguild.checkSetup')) as string[];
    console.log(lines.map((l) => `    ${l}`).join('\n'));
    assert.ok(lines.includes(`✓ llama-swap v250 at ${fake.url}`), 'no version line');
    assert.ok(lines.includes('✓ coder is configured in llama-swap (alias of qwen-7b)'), 'alias not accepted');
    assert.ok(lines.includes("✗ qwen-9b is not configured in llama-swap — add it to llama-swap's config or fix hyperguild.chain"), 'no missing-model line');
    if (process.env.ANTHROPIC_API_KEY) {
      // The host inherited a key: the key line cannot fail here, so only the model line is asserted.
      console.log('    note: ANTHROPIC_API_KEY is set in the extension host; the missing-key line is not asserted');
    } else {
      assert.ok(lines.includes('✗ no Anthropic API key — run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY'), 'no missing-key line');
    }
  });
});

describe('warm status text', () => {
  const chain = ['qwen-7b', 'qwen-32b'];
  const text = (state: WarmState) => warmStatusText(state, chain, (m) => state.models.find((x) => x.id === m)?.state);

  it('names the warm chain model, a loading one, cold (with a warm outsider) and offline', () => {
    assert.strictEqual(text({ server: 'online', models: [{ id: 'qwen-32b', state: 'ready' }] }), '$(flame) qwen-32b');
    assert.strictEqual(text({ server: 'online', models: [{ id: 'qwen-32b', state: 'starting' }] }), '$(loading~spin) loading qwen-32b');
    assert.strictEqual(text({ server: 'online', models: [] }), '$(circle-outline) cold');
    assert.strictEqual(text({ server: 'online', models: [{ id: 'gemma', state: 'ready' }] }), '$(circle-outline) cold · gemma');
    assert.strictEqual(text({ server: 'offline', models: [] }), '$(debug-disconnect) llama-swap offline');
  });
});
