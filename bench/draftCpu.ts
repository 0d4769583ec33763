// Benchmark 11: the live draft's CPU for a long answer (issue 26, item 18). An answer streamed in 4-character
// pieces, 2 ms apart on a simulated clock, goes through DraftStream (out/src, the code the bundle holds); each
// update's text is built as DraftSession.show builds it (fitted to the selection, spliced into the document) and
// serialized as VS Code's RPC sends it (JSON). Baseline, in the same run on the same stream: the draft as it was
// before, which re-read the answer so far at every completed line and updated at most every 100 ms.
import { DraftStream } from '../src/core/review/draftStream';
import type { Tier } from '../src/core/engine/chain';
import type { RunEvent } from '../src/core/engine/orchestrator';
import { draftCode, fitToSelection } from '../src/core/engine/prompts';
import { Throttle } from '../src/core/throttle';
import { summarize, type Summary } from './stats';
import { longAnswer } from '../test/support/longAnswer';

export interface DraftCpuResult {
  answerChars: number;
  lines: number;
  streamSeconds: number;
  ours: { cpuMs: Summary; updates: number; scanned: number };
  before: { cpuMs: Summary; updates: number; scanned: number };
}

const PIECE = 4;
const TICK_MS = 2;
const TIER = { model: 'qwen-7b', label: 'qwen-7b', backend: 'llama-swap', kind: 'local', verify: true } as Tier;
const SELECTION = 'function f(xs) {\n  return xs.map((x) => x * 2);\n}\n';
const DOCUMENT = `${Array.from({ length: 100 }, (_, i) => `const c${i} = ${i};`).join('\n')}\n${SELECTION}${Array.from({ length: 100 }, (_, i) => `export const d${i} = c${i};`).join('\n')}\n`;

/** Consumes run events; `scanned` is the characters of the answer it read. */
interface Draft {
  onEvent(e: RunEvent): void;
  cancel(): void;
  readonly scanned: number;
}

/** The draft before issue 26: the answer so far re-read (draftCode) at every completed line, then the throttle. */
class DraftBefore implements Draft {
  private answer = '';
  private code: string | undefined;
  scanned = 0;
  constructor(private readonly show: (title: string, code: string) => void, private readonly throttle: Throttle) {}
  onEvent(e: RunEvent): void {
    if (e.type !== 'text') return;
    this.answer += e.delta;
    if (!e.delta.includes('\n')) return;
    this.scanned += this.answer.length;
    const code = draftCode(this.answer);
    if (code === undefined || code === this.code) return;
    this.code = code;
    this.throttle.schedule(() => this.show('drafting', code));
  }
  cancel(): void {
    this.throttle.cancel();
  }
}

/** One stream of `pieces` through a draft, on a simulated clock; CPU of the whole, and the updates it made. */
function stream(pieces: readonly string[], make: (show: (title: string, code: string) => void, throttle: Throttle) => Draft): { cpuMs: number; updates: number; scanned: number } {
  let clock = 0;
  let updates = 0;
  let sent = 0;
  const start = DOCUMENT.indexOf(SELECTION);
  const show = (_title: string, code: string) => {
    const text = DOCUMENT.slice(0, start) + fitToSelection(code, SELECTION) + DOCUMENT.slice(start + SELECTION.length);
    sent += JSON.stringify(text).length;
    updates++;
  };
  const throttle = new Throttle(100, () => clock);
  const draft = make(show, throttle);
  const cpu0 = process.cpuUsage();
  draft.onEvent({ type: 'tier-start', tierIndex: 0, tierCount: 1, tier: TIER, warm: 'ready' });
  for (const delta of pieces) {
    clock += TICK_MS;
    draft.onEvent({ type: 'text', tierIndex: 0, delta });
    // The throttle's timer cannot fire inside this loop: its interval is over, so run what it holds.
    if (clock % 100 === 0) throttle.flush();
  }
  draft.onEvent({ type: 'verifying', tierIndex: 0, model: TIER.model });
  const cpu = process.cpuUsage(cpu0);
  draft.cancel();
  if (sent === 0) throw new Error('the draft showed nothing');
  return { cpuMs: (cpu.user + cpu.system) / 1000, updates, scanned: draft.scanned };
}

export function draftCpuBench(options: { kib: number; runs: number; baselineRuns: number }): DraftCpuResult {
  const answer = longAnswer(options.kib * 1024);
  const pieces = answer.match(new RegExp(`[\\s\\S]{1,${PIECE}}`, 'g'))!;
  const ours: number[] = [];
  const before: number[] = [];
  const counts = { ours: { updates: 0, scanned: 0 }, before: { updates: 0, scanned: 0 } };
  // Interleaved; the baseline is slow (it is what the fix removed), so it runs fewer times.
  for (let i = 0; i < options.runs; i++) {
    const o = stream(pieces, (show, throttle) => new DraftStream(show, throttle));
    ours.push(o.cpuMs);
    counts.ours = { updates: o.updates, scanned: o.scanned };
    if (i >= options.baselineRuns) continue;
    const b = stream(pieces, (show, throttle) => new DraftBefore(show, throttle));
    before.push(b.cpuMs);
    counts.before = { updates: b.updates, scanned: b.scanned };
  }
  return {
    answerChars: answer.length, lines: answer.split('\n').length, streamSeconds: (pieces.length * TICK_MS) / 1000,
    ours: { cpuMs: summarize(ours), ...counts.ours }, before: { cpuMs: summarize(before), ...counts.before },
  };
}
