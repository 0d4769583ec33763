import * as assert from 'assert';
import * as vscode from 'vscode';
import { placeholders, readNls, type Json } from '../support/manifest';
import { waitFor, type TestApi } from './support/host';

const EXTENSION_ID = 'hyperguild.hyperguild';

interface Manifest {
  displayName?: string;
  contributes?: {
    walkthroughs?: { title: string }[];
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

  it('Show Log opens the Hyperguild log (the command did its job, not just "did not throw")', async () => {
    const api = (await extension().activate()) as TestApi;
    const mark = api.testing?.logLines.length ?? 0;
    const isOurLog = (d: vscode.TextDocument) => d.uri.scheme === 'output' && /Hyperguild/.test(d.uri.path);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('hyperguild.showLog');
    await waitFor(() => vscode.workspace.textDocuments.some(isOurLog), 'the Hyperguild log open in the Output view');
    assert.ok(!(api.testing?.logLines ?? []).slice(mark).some((l) => l.includes('failed unexpectedly')), 'the catch-all wrapper did not swallow a failure');
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

  it('shows the manifest\'s texts from package.nls.json: VS Code resolved every %key%', () => {
    const manifest = extension().packageJSON as Manifest;
    const nls = readNls();
    assert.deepEqual(placeholders(manifest as Json), [], 'placeholders VS Code did not resolve');
    assert.equal(manifest.displayName, nls.displayName);
    assert.equal(manifest.contributes?.walkthroughs?.[0].title, nls['walkthrough.getStarted.title']);
  });
});
