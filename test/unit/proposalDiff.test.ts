import * as assert from 'node:assert/strict';
import * as jsdiff from 'diff';
import { carryInto, hunkEdits, hunksAt, lineHunks, type Region, type TextChange } from '../../src/core/review/proposalDiff';
import { draftCode } from '../../src/core/engine/prompts';
import { Throttle } from '../../src/core/throttle';

const apply = (text: string, edits: readonly TextChange[]) =>
  [...edits].sort((a, b) => b.offset - a.offset).reduce((t, e) => t.slice(0, e.offset) + e.text + t.slice(e.offset + e.length), text);

const carry = (base: string, proposal: string, keep: Region, changes: readonly TextChange[]) => carryInto(base, proposal, keep, changes).text;

const DOC = 'import a;\n\nfunction f() {\n  return 1;\n}\n\nfunction g() {\n  return 2;\n}\n';
const PROPOSAL = 'import a;\nimport b;\n\nfunction f() {\n  return 10;\n}\n\nfunction g() {\n}\n';
/** The anchored region PROPOSAL replaces: from line 1 to the end of `return 2;`. */
const KEEP = { offset: 'import a;\n'.length, length: DOC.indexOf('}\n', DOC.indexOf('function g')) - 'import a;\n'.length };

describe('proposal hunks', () => {
  it('numbers the changes in document order with their lines on both sides', () => {
    const hunks = lineHunks(DOC, PROPOSAL);
    assert.deepEqual(hunks.map((h) => [h.original.startLine, h.original.lineCount, h.modified.startLine, h.modified.lineCount]), [
      [1, 0, 1, 1], // import b; inserted
      [3, 1, 4, 1], // return 1 → return 10
      [7, 1, 8, 0], // return 2 deleted
    ]);
  });

  it('taking every hunk gives the proposal; taking some leaves exactly the others', () => {
    const hunks = lineHunks(DOC, PROPOSAL);
    assert.equal(apply(DOC, hunkEdits(PROPOSAL, hunks, [0, 1, 2])), PROPOSAL);
    const partly = apply(DOC, hunkEdits(PROPOSAL, hunks, [1]));
    assert.equal(partly, DOC.replace('return 1;', 'return 10;'));
    const rest = lineHunks(partly, PROPOSAL);
    assert.equal(rest.length, 2);
    assert.equal(apply(partly, hunkEdits(PROPOSAL, rest, [0, 1])), PROPOSAL);
  });

  it('handles a last line without a newline and CRLF documents', () => {
    const crlf = 'a\r\nb\r\nc';
    const p = 'a\r\nB\r\nc';
    const hunks = lineHunks(crlf, p);
    assert.equal(hunks.length, 1);
    assert.equal(apply(crlf, hunkEdits(p, hunks, [0])), p);
    assert.equal(apply('x\ny', hunkEdits('x\nz', lineHunks('x\ny', 'x\nz'), [0])), 'x\nz');
  });

  it('finds the hunks a cursor or selection touches on either side, including a deletion between two lines', () => {
    const hunks = lineHunks(DOC, PROPOSAL);
    assert.deepEqual(hunksAt(hunks, 'modified', 4, 4), [1]);
    assert.deepEqual(hunksAt(hunks, 'modified', 0, 0), [], 'a line next to an inserted line is not the insertion');
    assert.deepEqual(hunksAt(hunks, 'modified', 1, 1), [0]);
    assert.deepEqual(hunksAt(hunks, 'original', 0, 0), [0], 'on the document\'s side the insertion sits between lines 0 and 1');
    assert.deepEqual(hunksAt(hunks, 'modified', 1, 4), [0, 1]);
    assert.deepEqual(hunksAt(hunks, 'modified', 8, 8), [2], 'the deleted line sits between lines 7 and 8 of the proposal');
    assert.deepEqual(hunksAt(hunks, 'original', 7, 7), [2]);
    assert.deepEqual(hunksAt(hunks, 'modified', 10, 10), []);
  });
});

describe('carrying the user\'s document edits into the proposal', () => {
  it('an edit in lines the proposal kept is made in the proposal too, so it is not a change to undo', () => {
    const edit: TextChange = { offset: DOC.indexOf('function g'), length: 'function g'.length, text: 'function gg' };
    const carried = carry(DOC, PROPOSAL, KEEP, [edit]);
    assert.equal(carried, PROPOSAL.replace('function g', 'function gg'));
    assert.equal(lineHunks(apply(DOC, [edit]), carried).length, 3, 'still just the proposal\'s three changes');
  });

  it('an edit that touches a changed line is left out, so the diff shows it against the proposal', () => {
    const edit: TextChange = { offset: DOC.indexOf('return 1'), length: 0, text: '/* mine */ ' };
    assert.equal(carry(DOC, PROPOSAL, KEEP, [edit]), PROPOSAL);
  });

  it('several edits of one event (multi-cursor), each against the text before the event', () => {
    const edits: TextChange[] = [{ offset: 0, length: 0, text: '// top\n' }, { offset: DOC.indexOf('function g'), length: 0, text: 'export ' }];
    assert.equal(carry(DOC, PROPOSAL, KEEP, edits), `// top\n${PROPOSAL.replace('function g', 'export function g')}`);
  });

  it('an insertion at the start of a line right after a change lands before the same line in the proposal', () => {
    const at = DOC.indexOf('}\n\nfunction g');
    const carried = carry(DOC, PROPOSAL, KEEP, [{ offset: at, length: 0, text: '  // end\n' }]);
    assert.equal(carried, PROPOSAL.replace('  return 10;\n}', '  return 10;\n  // end\n}'));
  });

  it('the user\'s own edit of the proposal outside the selection stays; an edit of the document in the same lines is reported lost', () => {
    const base = 'a\nb\nc\nd\n';
    const keep = { offset: 6, length: 2 }; // d
    const edited = 'A\nb\nc\nD\n'; // the proposal changes d; the user changed a in the proposal
    const far = carryInto(base, edited, keep, [{ offset: 2, length: 0, text: 'b' }]);
    assert.equal(far.text, 'A\nbb\nc\nD\n');
    assert.equal(far.lost, undefined);
    const same = carryInto(base, edited, keep, [{ offset: 4, length: 0, text: '//' }, { offset: 0, length: 1, text: 'z' }]);
    assert.equal(same.lost, 1, 'the edit of a, which the proposal also changed, cannot be carried: Apply must refuse');
    assert.equal(same.text, 'A\nb\n//c\nD\n');
  });

  it('typing at the end of the document, right after a change that reaches it, is carried too', () => {
    const base = 'a\nb\n';
    const proposal = 'a\nB\n';
    assert.equal(carry(base, proposal, { offset: 2, length: 2 }, [{ offset: base.length, length: 0, text: '// typed\n' }]), 'a\nB\n// typed\n');
    assert.equal(carry('x\n', 'y\n', { offset: 0, length: 2 }, [{ offset: 0, length: 0, text: '// top\n' }]), '// top\ny\n');
  });
});

describe('draft code', () => {
  it('is undefined until the first line of code is complete, then grows by whole lines', () => {
    assert.equal(draftCode('Here is the change:\n'), undefined);
    assert.equal(draftCode('Here:\n```ts\n'), undefined);
    assert.equal(draftCode('Here:\n```ts\nfunction f'), undefined);
    assert.equal(draftCode('Here:\n```ts\nfunction f() {\n  ret'), 'function f() {');
    assert.equal(draftCode('Here:\n```ts\nfunction f() {\n  return 1;\n}\n```\nDone, and more prose'), 'function f() {\n  return 1;\n}');
  });
});

describe('throttle', () => {
  it('runs the first work at once and then only the newest, at most once per interval', async () => {
    let clock = 0;
    const ran: number[] = [];
    const t = new Throttle(100, () => clock);
    t.schedule(() => ran.push(1));
    assert.deepEqual(ran, [1], 'the first runs at once');
    clock = 10;
    t.schedule(() => ran.push(2));
    t.schedule(() => ran.push(3));
    assert.deepEqual(ran, [1]);
    clock = 100;
    await new Promise((r) => setTimeout(r, 120));
    assert.deepEqual(ran, [1, 3], 'only the newest ran, once');
    t.schedule(() => ran.push(4));
    t.cancel();
    await new Promise((r) => setTimeout(r, 120));
    assert.deepEqual(ran, [1, 3]);
  });
});

/** Apply as the proposal's diff does it: every hunk from the proposal into the document. */
const applyAll = (doc: string, proposal: string) => apply(doc, hunkEdits(proposal, lineHunks(doc, proposal), lineHunks(doc, proposal).map((_, i) => i)));

describe('carrying edits next to the proposal\'s changes (never dropped by Apply)', () => {
  it('typing right after the selection\'s end, on the last line the answer changed, is carried: Apply keeps it', () => {
    const doc = 'function f() {\n  return 1;\n}\n// footer\n';
    const selection = 'function f() {\n  return 1;\n}';
    const proposal = doc.replace(selection, 'const f = () => {\n  return 1;\n};');
    const typed: TextChange = { offset: selection.length, length: 0, text: ' // note' };
    const carried = carry(doc, proposal, { offset: 0, length: selection.length }, [typed]);
    assert.equal(applyAll(apply(doc, [typed]), carried), 'const f = () => {\n  return 1;\n}; // note\n// footer\n');
  });

  it('an edit of an identical neighbour that jsdiff takes for the deleted line is carried: Apply keeps it', () => {
    // `{`, `  }`, `  }` with the first `  }` selected and deleted: jsdiff says the second one went.
    const doc = '{\n  }\n  }\n';
    const keep = { offset: 2, length: 4 };
    const proposal = '{\n  }\n';
    const typed: TextChange = { offset: 9, length: 0, text: ' // mine' };
    const carried = carry(doc, proposal, keep, [typed]);
    assert.equal(applyAll(apply(doc, [typed]), carried), '{\n  } // mine\n');
  });
});

describe('carrying work is the changed region, not the document', () => {
  // Counts the characters handed to jsdiff's line diff (diffLines calls lineDiff.diff).
  const lineDiff = (jsdiff as unknown as { lineDiff: { diff: (a: string, b: string, o?: unknown) => unknown } }).lineDiff;
  function diffed(work: () => void): number {
    const original = lineDiff.diff;
    let chars = 0;
    lineDiff.diff = function (this: unknown, a: string, b: string, o?: unknown) {
      chars += a.length + b.length;
      return original.call(this, a, b, o);
    };
    try {
      work();
    } finally {
      lineDiff.diff = original;
    }
    return chars;
  }

  it('a one-character edit far from the changes of a 20,000-line document diffs nothing; one inside them diffs only their region', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `  const v${i} = ${i};\n`);
    const doc = lines.join('');
    const keep = { offset: lines.slice(0, 10_000).join('').length, length: lines.slice(10_000, 10_050).join('').length };
    const proposal = doc.slice(0, keep.offset) + lines.slice(10_000, 10_050).map((l) => l.replace('const', 'let')).join('') + doc.slice(keep.offset + keep.length);
    const far = diffed(() => carry(doc, proposal, keep, [{ offset: 100, length: 0, text: 'x' }]));
    assert.ok(far <= 2 * keep.length, `a keystroke 10,000 lines away diffed ${far} characters (the document has ${doc.length})`);
    const near = diffed(() => carry(doc, proposal, keep, [{ offset: keep.offset + 5, length: 0, text: 'x' }]));
    assert.ok(near > 0, 'the count sees the diff (a keystroke inside the changes is diffed)');
    assert.ok(near <= 4 * keep.length, `a keystroke inside the changes diffed ${near} characters, more than their region`);
  });
});
