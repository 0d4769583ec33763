// The live draft's reading of a streamed answer (src/core/review/draftStream.ts): what it shows, and that the work
// grows with the answer's length, not with its length times its lines (issue 26, item 18).
import * as assert from 'assert';
import type { Tier } from '../../src/core/engine/chain';
import { DraftStream } from '../../src/core/review/draftStream';
import { draftCode, extractCode } from '../../src/core/engine/prompts';
import { Throttle } from '../../src/core/throttle';
import { longAnswer } from '../support/longAnswer';

const TIER = { model: 'qwen-7b', label: 'qwen-7b', backend: 'llama-swap', kind: 'local', verify: true } as Tier;

/** `text` in pieces of `size` characters, as a server streams tokens. */
const piecesOf = (text: string, size: number) => text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];

interface Shown { title: string; code: string }

/** A stream on a clock the test moves: `tick` ms pass before each piece. */
function streamed(answer: string, piece: number, tick: number): { stream: DraftStream; shown: Shown[] } {
  let clock = 0;
  const shown: Shown[] = [];
  const throttle = new Throttle(100, () => clock);
  const stream = new DraftStream((title, code) => shown.push({ title, code }), throttle);
  stream.onEvent({ type: 'tier-start', tierIndex: 0, tierCount: 2, tier: TIER, warm: 'ready' });
  for (const delta of piecesOf(answer, piece)) {
    clock += tick;
    stream.onEvent({ type: 'text', tierIndex: 0, delta });
    // The throttle's timer cannot fire inside this loop: run what it holds once its interval is over.
    if (clock % 100 === 0) throttle.flush();
  }
  stream.onEvent({ type: 'verifying', tierIndex: 0, model: 'qwen-7b' });
  stream.cancel();
  return { stream, shown };
}

describe('draft stream', () => {
  it('reads a streamed answer once: the work grows with its length, not with its length times its lines', () => {
    const answer = longAnswer(64 * 1024);
    const lines = answer.split('\n').length;
    const { stream, shown } = streamed(answer, 4, 1);
    // Reading each line's characters when it arrives and once more when it completes is 2× the answer;
    // re-reading the answer so far at each line (what made a 256 KiB answer cost 16 s) is about lines / 2 ×.
    assert.ok(stream.scanned <= 3 * answer.length,
      `read ${stream.scanned} characters for a ${answer.length}-character answer of ${lines} lines (${(stream.scanned / answer.length).toFixed(1)}×)`);
    assert.equal(shown[shown.length - 1].title, 'verifying… · qwen-7b · 1/2');
    assert.equal(shown[shown.length - 1].code, extractCode(answer));
  });

  it('shows the code at most once per interval while it streams, then at once when the title changes', () => {
    const answer = longAnswer(8 * 1024);
    const { shown } = streamed(answer, 4, 1);
    const drafting = shown.filter((s) => s.title.startsWith('drafting'));
    // 2,100-odd pieces 1 ms apart: 21 intervals of 100 ms (the first line at once, then one per interval).
    const duration = piecesOf(answer, 4).length;
    assert.ok(drafting.length <= duration / 100 + 2, `${drafting.length} updates in ${duration} ms`);
    assert.ok(drafting.length >= duration / 100 - 2, `${drafting.length} updates in ${duration} ms`);
    for (const s of drafting) assert.ok(extractCode(answer)!.startsWith(s.code), 'each update is the code so far');
  });

  it('updates a long draft a few times its length in all, however long it streams', () => {
    // 256 KiB, 4 characters every 2 ms: 131 s of streaming. Each update costs the whole text (fitted, spliced
    // into the document, sent to the workbench); ten a second would be 1,300 updates of 128 KiB on average.
    const answer = longAnswer(256 * 1024);
    const { shown } = streamed(answer, 4, 2);
    const drafting = shown.filter((s) => s.title.startsWith('drafting'));
    const work = drafting.reduce((sum, s) => sum + s.code.length, 0);
    assert.ok(work <= 8 * answer.length, `${drafting.length} updates of ${work} characters in all for a ${answer.length}-character answer (${(work / answer.length).toFixed(1)}×)`);
    // The code still shows early and grows: the first lines at once, then every line while the draft is small.
    assert.ok(drafting.length >= 10, `${drafting.length} updates`);
    assert.equal(shown[shown.length - 1].code, extractCode(answer), 'verifying shows all of it');
  });

  it('shows what draftCode reads from the answer so far, however the answer is cut into pieces', () => {
    const answers = [
      'No code here.\nAt all.\n',
      'Here:\n```ts\nfunction f() {\n  return 1;\n}\n```\nDone, and more prose\n```js\nnot this\n```\n',
      'Here:\r\n~~~~python\r\ndef f():\r\n    """\r\n    ```\r\n    """\r\n~~~~\r\nok\r\n',
      'x\n   ```\n  ````\nstill code\n    ```\nand this\n````\n',
      '```\n\n```\nempty\n',
      '```\n\nfirst line empty\n',
      '```ts\nunterminated last line',
    ];
    for (const answer of answers) {
      for (const size of [1, 3, 7, 1000]) {
        const shown: string[] = [];
        const stream = new DraftStream((_, code) => shown.push(code), new Throttle(0, () => Number.MAX_SAFE_INTEGER));
        stream.onEvent({ type: 'tier-start', tierIndex: 0, tierCount: 1, tier: TIER, warm: 'ready' });
        let sofar = '';
        const expected: string[] = [];
        for (const delta of piecesOf(answer, size)) {
          sofar += delta;
          stream.onEvent({ type: 'text', tierIndex: 0, delta });
          const code = draftCode(sofar);
          if (code !== undefined && code !== expected[expected.length - 1]) expected.push(code);
        }
        assert.deepEqual(shown, expected, `${JSON.stringify(answer)} in pieces of ${size}`);
      }
    }
  });
});
