// Preload on command start: opening the skill picker starts loading a cold first local model, so the
// load overlaps the user's choice.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { FakeLlamaSwap } from '../fakes/fakeLlamaSwap';
import type { RunReport } from '../../src/core/engine/report';
import { Settings, closeAll, openWith, select, waitFor } from './support/host';

describe('preload on command start', function () {
  this.timeout(30_000);
  let fake: FakeLlamaSwap;
  const settings = new Settings();

  before(async () => {
    await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate();
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b', loadMs: 300 }, { id: 'other' }], loaded: 'other' });
    await settings.set('llamaSwapUrl', fake.url);
    await settings.set('chain', ['qwen-7b', 'claude-sonnet-5-5']);
  });

  after(async () => {
    await settings.restore();
    await closeAll();
    await fake?.close();
  });

  /** Runs the command without arguments: it opens the skill picker, which the test later dismisses. */
  async function openPicker(): Promise<{ pending: Thenable<RunReport> }> {
    const editor = await openWith('const a = 1;\n');
    select(editor, 0, 0);
    // Wrapped: an async function returning the thenable itself would wait for the picker.
    return { pending: vscode.commands.executeCommand('hyperguild.runSkill') as Thenable<RunReport> };
  }

  it('loads the cold first local model while the picker is open, and a dismissed picker sends nothing else', async () => {
    await settings.set('preloadOnCommandStart', true);
    const { pending } = await openPicker();
    await waitFor(() => fake.count('/upstream/qwen-7b/health') === 1, 'GET /upstream/qwen-7b/health while the picker is open');
    await waitFor(() => fake.running().some((m) => m.model === 'qwen-7b'), 'qwen-7b loading or loaded');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const report = await pending;
    assert.equal(report.status, 'cancelled');
    assert.equal(fake.count('/v1/chat/completions'), 0, 'no generation without a chosen skill');
  });

  it('does not preload when the setting is off', async () => {
    await settings.set('preloadOnCommandStart', false);
    // Make qwen-7b cold again, as llama-swap's unload endpoint does.
    await waitFor(() => fake.running().some((m) => m.model === 'qwen-7b' && m.state === 'ready'), 'qwen-7b ready');
    assert.equal((await fetch(`${fake.url}/api/models/unload/qwen-7b`, { method: 'POST' })).status, 200);
    assert.deepEqual(fake.running(), []);
    const before = fake.count('/upstream/qwen-7b/health');
    const { pending } = await openPicker();
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal((await pending).status, 'cancelled');
    assert.equal(fake.count('/upstream/qwen-7b/health'), before);
  });
});
