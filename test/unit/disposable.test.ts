// The Disposable base every long-lived editor class holds its resources with (src/editor/disposable.ts).
import * as assert from 'node:assert/strict';
import { Disposable } from '../../src/editor/disposable';
import { sources } from '../support/sourceScan';

class Holder extends Disposable {
  hold(name: string, log: string[]): void {
    this.register({ dispose: () => log.push(name) });
  }
}

describe('Disposable base', () => {
  it('disposes what it registered once, newest first, and says it is disposed', () => {
    const log: string[] = [];
    const h = new Holder();
    h.hold('emitter', log);
    h.hold('listener', log);
    assert.equal(h.isDisposed, false);
    h.dispose();
    h.dispose();
    assert.deepEqual(log, ['listener', 'emitter']);
    assert.equal(h.isDisposed, true);
  });

  it('releases at once what is registered after dispose', () => {
    const log: string[] = [];
    const h = new Holder();
    h.dispose();
    h.hold('late', log);
    assert.deepEqual(log, ['late']);
  });

  it('no editor class holds disposables its own way (implements vscode.Disposable, a disposables array)', () => {
    const own = /\bimplements\b[^{]*\bvscode\.Disposable\b|\breadonly\s+disposables\s*:\s*vscode\.Disposable\[\]/;
    const found = sources('src/editor').filter((f) => f.path !== 'src/editor/disposable.ts' && own.test(f.code)).map((f) => f.path);
    assert.deepEqual(found, [], 'extend Disposable from src/editor/disposable.ts and register() each resource');
  });
});
