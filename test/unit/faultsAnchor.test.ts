// Fault matrix, document rows at the unit level (docs/reliability.md): how the text a proposal replaces
// is followed through the user's edits, and when Apply must refuse. The extension-host tests drive the
// same class through real edits; these pin the offsets exactly.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { TextAnchor, withProposal } from '../../src/editor/review/anchor';
import { carryInto, hunkEdits, lineHunks, type Region, type TextChange } from '../../src/core/review/proposalDiff';

const carry = (base: string, side: string, keep: Region, changes: readonly TextChange[]) => carryInto(base, side, keep, changes).text;

const uri = {} as vscode.Uri;
const DOC = 'head\nlet x = 1;\nx++;\ntail\n';
const SEL = 'let x = 1;\nx++;';

/** A change event as VS Code reports it: offsets into the text before the change. */
function change(text: string, rangeOffset: number, rangeLength: number): vscode.TextDocumentContentChangeEvent {
  return { text, rangeOffset, rangeLength } as vscode.TextDocumentContentChangeEvent;
}

function edit(doc: string, c: vscode.TextDocumentContentChangeEvent): string {
  return doc.slice(0, c.rangeOffset) + c.text + doc.slice(c.rangeOffset + c.rangeLength);
}

describe('faults: the anchor of a proposal', () => {
  it('after a partial apply it holds the new text; an undo of that apply brings back what Apply accepts; anything else is refused', () => {
    const at = DOC.indexOf(SEL);
    const a = new TextAnchor(uri, at, SEL);
    // Part of the proposal applied: "x++;" became "x += 1;" inside the region, which is anchored afresh.
    const applied = change('x += 1;', at + SEL.indexOf('x++;'), 4);
    let doc = edit(DOC, applied);
    a.follow([applied]);
    a.rebase(at, doc.slice(at, at + SEL.length + 3));
    assert.equal(a.locate(doc), at);
    // The undo of that apply.
    const undo = change('x++;', at + SEL.indexOf('x++;'), 7);
    doc = edit(doc, undo);
    a.follow([undo]);
    assert.equal(doc, DOC);
    assert.equal(a.locate(doc), at, 'the text before the partial apply is accepted again');
    // A different edit of the same length is not.
    const other = change('y', at, 1);
    a.follow([other]);
    assert.equal(a.locate(edit(doc, other)), undefined);
  });

  it('follows an edit above the selection; an edit below changes nothing', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    let doc = DOC;
    const above = change('// new\n', 0, 0);
    doc = edit(doc, above);
    a.follow([above]);
    const below = change('more\n', doc.length, 0);
    doc = edit(doc, below);
    a.follow([below]);
    assert.equal(a.locate(doc), doc.indexOf(SEL));
    assert.equal(a.touched, false);
  });

  it('typing right before or right after the selection, on lines the proposal changed: Apply keeps the typing (or refuses)', () => {
    const at = DOC.indexOf(SEL);
    const a = new TextAnchor(uri, at, SEL);
    // The proposal changes both the first and the last line of the selection.
    let side = withProposal(DOC, a, 'const x = 1;\nx += 1;');
    let doc = DOC;
    for (const typed of [change('  ', at, 0), change(' // note', at + 2 + SEL.length, 0)]) {
      side = carry(doc, side, { offset: a.offset, length: a.length }, [{ offset: typed.rangeOffset, length: typed.rangeLength, text: typed.text }]);
      a.follow([typed]);
      doc = edit(doc, typed);
    }
    assert.equal(a.offset, at + 2);
    if (a.locate(doc) === undefined) return; // Apply refuses: nothing is written, nothing lost.
    const hunks = lineHunks(doc, side);
    const applied = hunkEdits(side, hunks, hunks.map((_, i) => i)).reduce((t, e) => t.slice(0, e.offset) + e.text + t.slice(e.offset + e.length), doc);
    assert.equal(applied, 'head\n  const x = 1;\nx += 1; // note\ntail\n', 'Apply writes the proposal with both pieces of typing in it');
  });

  it('an edit inside the selection: touched, never located elsewhere, and the region spans the edit', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    const c = change('/* mine */ ', DOC.indexOf('x++'), 0);
    const doc = edit(DOC, c);
    a.follow([c]);
    assert.equal(a.touched, true);
    assert.equal(a.locate(doc), undefined);
    assert.equal(doc.slice(a.offset, a.offset + a.length), 'let x = 1;\n/* mine */ x++;');
  });

  it('the selection deleted (and more): nothing to locate, the region is empty where it was', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    const c = change('', DOC.indexOf(SEL), SEL.length + 1);
    const doc = edit(DOC, c);
    a.follow([c]);
    assert.equal(a.locate(doc), undefined);
    assert.deepEqual([a.offset, a.length], [DOC.indexOf(SEL), 0]);
  });

  it('an edit overlapping the start of the selection spans from the edit to the old end', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    const c = change('HEAD\nlet y', 0, DOC.indexOf(SEL) + 5);
    const doc = edit(DOC, c);
    a.follow([c]);
    assert.equal(doc.slice(a.offset, a.offset + a.length), 'HEAD\nlet y = 1;\nx++;');
  });

  it('edited and then undone: the same text at the same place applies again', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    const typed = change('z', DOC.indexOf('x++'), 0);
    let doc = edit(DOC, typed);
    a.follow([typed]);
    const undo = change('', DOC.indexOf('x++'), 1);
    doc = edit(doc, undo);
    a.follow([undo]);
    assert.equal(doc, DOC);
    assert.equal(a.locate(doc), DOC.indexOf(SEL));
  });

  it('two identical copies, an edit inside the selected one: Apply refuses, the other copy is never located', () => {
    const copy = 'function f() {\n  return 1;\n}\n';
    const doc0 = `${copy}\n${copy}`;
    const a = new TextAnchor(uri, 0, copy);
    const typed = change(' // mine', copy.indexOf('1;') + 2, 0);
    const doc = edit(doc0, typed);
    a.follow([typed]);
    assert.equal(a.touched, true);
    assert.equal(a.locate(doc), undefined, 'the second copy must not be taken for the edited first one');
  });

  it('text that is no longer where the events put it is never searched for, even when it is unique', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    const moved = `// not followed\n${DOC}`;
    assert.equal(a.locate(moved), undefined);
  });

  it('a whole-document replacement (a formatter, a reload) touches it: Apply refuses rather than guess', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    const formatted = DOC.replace('head', 'head;');
    a.follow([change(formatted, 0, DOC.length)]);
    assert.equal(a.touched, true);
    assert.equal(a.locate(formatted), undefined);
  });

  it('several changes in one event are applied from the last to the first', () => {
    const a = new TextAnchor(uri, DOC.indexOf(SEL), SEL);
    const first = change('A\n', 0, 0);
    const second = change('B\n', DOC.indexOf('tail'), 0);
    const doc = edit(edit(DOC, second), first);
    a.follow([first, second]);
    assert.equal(a.locate(doc), doc.indexOf(SEL));
    assert.equal(a.offset, doc.indexOf(SEL));
    assert.equal(a.touched, false);
  });
});
