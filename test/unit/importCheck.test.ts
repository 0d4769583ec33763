import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importProblems, readImportGraph, type ImportGraph } from '../support/importCheck';

const REPO = path.resolve(__dirname, '../../..');

describe('import check (npm run check:imports)', () => {
  it('reports a cycle and each layering breach of a small graph', () => {
    const graph: ImportGraph = new Map([
      ['src/editor/run/a.ts', [{ to: 'src/editor/run/b.ts', typeOnly: false }]],
      ['src/editor/run/b.ts', [{ to: 'src/editor/run/a.ts', typeOnly: true }]],
      ['src/core/engine/c.ts', [{ to: 'src/editor/run/a.ts', typeOnly: true }, { to: 'vscode', typeOnly: false }]],
      ['src/backends/d.ts', [{ to: 'src/editor/run/b.ts', typeOnly: false }, { to: 'vscode', typeOnly: true }]],
    ]);
    assert.deepEqual(importProblems(graph), [
      'import cycle: src/editor/run/a.ts → src/editor/run/b.ts → src/editor/run/a.ts',
      'src/backends/d.ts imports src/editor/run/b.ts: backends, storage, syntax and checks never import the editor.',
      'src/core/engine/c.ts imports src/editor/run/a.ts: the pure core imports only the core.',
      "src/core/engine/c.ts imports vscode: the pure layers never import 'vscode' at run time (use `import type`).",
    ]);
  });

  it('a feature folder that imports one built on it is a breach', () => {
    const graph: ImportGraph = new Map([
      ['src/editor/review/proposals.ts', [{ to: 'src/editor/run/runSkillCommand.ts', typeOnly: true }, { to: 'src/editor/review/anchor.ts', typeOnly: false }]],
      ['src/core/warmth/preload.ts', [{ to: 'src/core/types.ts', typeOnly: true }, { to: 'src/core/engine/chain.ts', typeOnly: false }]],
    ]);
    assert.deepEqual(importProblems(graph), [
      'src/core/warmth/preload.ts imports src/core/engine/chain.ts: core/warmth imports only core/types.',
      'src/editor/review/proposals.ts imports src/editor/run/runSkillCommand.ts: editor/review imports no other editor folder.',
    ]);
  });

  it('the command line importing the editor, or even a type from vscode, is a breach', () => {
    const graph: ImportGraph = new Map([
      ['src/cli/main.ts', [{ to: 'src/core/engine/chain.ts', typeOnly: false }, { to: 'src/editor/settings.ts', typeOnly: false }, { to: 'vscode', typeOnly: true }]],
      ['src/core/engine/chain.ts', []],
    ]);
    assert.deepEqual(importProblems(graph), [
      "src/cli/main.ts imports src/editor/settings.ts: the command line never imports the editor nor 'vscode'.",
      "src/cli/main.ts imports vscode: the command line never imports the editor nor 'vscode'.",
    ]);
  });

  it('core/eval may run its tests through src/checks/boundedCommand.ts alone; the rest of the core imports no checks', () => {
    const graph: ImportGraph = new Map([
      ['src/core/eval/taskTest.ts', [{ to: 'src/checks/boundedCommand.ts', typeOnly: false }]],
      ['src/core/eval/other.ts', [{ to: 'src/checks/diagnostics.ts', typeOnly: false }]],
      ['src/core/engine/x.ts', [{ to: 'src/checks/boundedCommand.ts', typeOnly: false }]],
      ['src/core/eval/engineUse.ts', [{ to: 'src/core/engine/orchestrator.ts', typeOnly: false }]],
    ]);
    assert.deepEqual(importProblems(graph), [
      'src/core/engine/x.ts imports src/checks/boundedCommand.ts: the pure core imports only the core.',
      'src/core/eval/other.ts imports src/checks/diagnostics.ts: the pure core imports only the core.',
    ]);
  });

  it('a sound graph has no problem; a file importing itself is a cycle', () => {
    const sound: ImportGraph = new Map([
      ['src/editor/run/a.ts', [{ to: 'src/core/engine/c.ts', typeOnly: false }, { to: 'vscode', typeOnly: false }]],
      ['src/core/engine/c.ts', [{ to: 'src/core/types.ts', typeOnly: true }]],
      ['src/core/types.ts', []],
    ]);
    assert.deepEqual(importProblems(sound), []);
    assert.deepEqual(importProblems(new Map([['src/core/x.ts', [{ to: 'src/core/x.ts', typeOnly: false }]]])), ['import cycle: src/core/x.ts → src/core/x.ts']);
  });

  it('reads type-only imports from the sources: `import type` and all-`type` names are erased, others are not', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperguild-imports-'));
    try {
      fs.mkdirSync(path.join(root, 'src/core'), { recursive: true });
      fs.writeFileSync(path.join(root, 'src/core/a.ts'), "import type * as vscode from 'vscode';\nimport { type B } from './b';\nexport type A = B | vscode.Uri;\n");
      fs.writeFileSync(path.join(root, 'src/core/b.ts'), "import { Uri, type Range } from 'vscode';\nexport type B = Range;\nexport const u = Uri;\nexport const a = () => import('./a');\n");
      const graph = readImportGraph(root);
      assert.deepEqual(graph.get('src/core/a.ts'), [{ to: 'vscode', typeOnly: true }, { to: 'src/core/b.ts', typeOnly: true }]);
      assert.deepEqual(graph.get('src/core/b.ts'), [{ to: 'vscode', typeOnly: false }, { to: 'src/core/a.ts', typeOnly: false }]);
      assert.deepEqual(importProblems(graph), [
        'import cycle: src/core/a.ts → src/core/b.ts → src/core/a.ts',
        "src/core/b.ts imports vscode: the pure layers never import 'vscode' at run time (use `import type`).",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("src/ has no import cycle and keeps the layering (the check npm test runs)", () => {
    assert.deepEqual(importProblems(readImportGraph(REPO)), []);
  });
});
