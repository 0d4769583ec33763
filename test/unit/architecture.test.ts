// docs/architecture.md stays accurate about where things are: every file or folder it names exists.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

/** The repository paths a Markdown text names in backticks: `src/…`, `test/…`, `bench/…`, `scripts/…`, `docs/…`. */
function namedPaths(markdown: string): string[] {
  const found = [...markdown.matchAll(/`((?:src|test|bench|scripts|docs)\/[^`\s]*)`/g)].map((m) => m[1]);
  return [...new Set(found)];
}

/** The named paths that do not exist under `root`. */
function missingPaths(markdown: string, root: string): string[] {
  return namedPaths(markdown).filter((p) => !fs.existsSync(path.join(root, p)));
}

describe('docs/architecture.md', () => {
  it('every file and folder it names exists', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs/architecture.md'), 'utf8');
    assert.ok(namedPaths(doc).length >= 30, `it names ${namedPaths(doc).length} paths; the check would prove little`);
    assert.deepEqual(missingPaths(doc, REPO), []);
  });

  it('the check finds a path that does not exist (a file moved away)', () => {
    const doc = 'The run starts in `src/editor/run/runSkillCommand.ts`, once in `src/editor/runSkillCommand.ts`; `npm test` is not a path.';
    assert.deepEqual(namedPaths(doc), ['src/editor/run/runSkillCommand.ts', 'src/editor/runSkillCommand.ts']);
    assert.deepEqual(missingPaths(doc, REPO), ['src/editor/runSkillCommand.ts']);
  });
});
