import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'hyperguild.hyperguild';

interface Manifest {
  contributes?: {
    commands?: { command: string }[];
    menus?: Record<string, { command: string; when?: string }[]>;
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} not found`);
  return ext;
}

describe('activation', () => {
  it('finds the extension, activates it and returns the API', async () => {
    const api = (await extension().activate()) as { getWarmState?: unknown } | undefined;
    assert.ok(extension().isActive, 'extension is not active after activate()');
    assert.ok(api, 'activate() returned no API');
    assert.strictEqual(typeof api.getWarmState, 'function');
  });

  it('runs hyperguild.showLog without throwing', async () => {
    await extension().activate();
    await vscode.commands.executeCommand('hyperguild.showLog');
  });

  it('contributes hyperguild.runSkill to the editor context menu', () => {
    const manifest = extension().packageJSON as Manifest;
    const entries = manifest.contributes?.menus?.['editor/context'] ?? [];
    assert.ok(entries.some((e) => e.command === 'hyperguild.runSkill'), 'no editor/context entry for hyperguild.runSkill');
  });

  it('registers exactly the commands the manifest declares', async () => {
    await extension().activate();
    const manifest = extension().packageJSON as Manifest;
    const declared = (manifest.contributes?.commands ?? []).map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('hyperguild.')).sort();
    assert.ok(declared.length > 0, 'manifest declares no commands');
    assert.deepStrictEqual(declared.filter((c) => !registered.includes(c)), [], 'declared but not registered');
    assert.deepStrictEqual(registered.filter((c) => !declared.includes(c)), [], 'registered but not declared');
  });
});
