import * as assert from 'node:assert/strict';
import { refusalReason } from '../../src/editor/review/applyRefusal';
import { assertOneSentence } from '../support/checks';

describe('why an Apply edit was refused', () => {
  it('a version race says the file changed meanwhile, not that it is read-only', () => {
    const reason = refusalReason({ file: 'a.ts', versionChanged: true, writable: true });
    assert.equal(reason, 'a.ts changed while the proposal was being applied, so nothing was changed; apply it again.');
    assert.doesNotMatch(reason, /read-only/);
  });

  it('read-only only when the file system says so; otherwise no guess', () => {
    assert.match(refusalReason({ file: 'a.ts', versionChanged: false, writable: false }), /is on a read-only file system/);
    const unknown = refusalReason({ file: 'a.ts', versionChanged: false, writable: undefined });
    assert.doesNotMatch(unknown, /read-only/);
    for (const r of [true, false, undefined]) assertOneSentence(refusalReason({ file: 'a.ts', versionChanged: false, writable: r }));
  });

  it('each sentence goes through the translator it is given (Apply passes vscode.l10n.t), with the file as its argument', () => {
    const seen: unknown[][] = [];
    for (const r of [true, false, undefined]) refusalReason({ file: 'a.ts', versionChanged: r === undefined, writable: r }, (m, ...a) => (seen.push([m, ...a]), m));
    assert.equal(seen.length, 3);
    for (const [message, file] of seen) {
      assert.match(String(message), /\{0\}/, 'the file is a placeholder, never glued into the sentence');
      assert.equal(file, 'a.ts');
    }
  });
});
