// Reads one streamed chat completion (llama-server's chunks, passed through by llama-swap) from decoded
// text. Pure: no I/O, no timers; the HTTP client feeds it and reads `problem`, `done` and `result()`.
//
// llama-swap's `sendLoadingState` prepends progress to the stream as `reasoning_content` before the
// model exists: "━━━━━", "llama-swap loading model: qwen-7b", dots and remarks, "Done! (4.21s)",
// "━━━━━", " ". Newer versions stream those lines a few characters per chunk and give them an id, so
// they are recognised by their text, line by line, never by the envelope. They go to `onLoading` only.
import { createParser, type EventSourceMessage, type EventSourceParser, type ParseError } from 'eventsource-parser';
import type { ChatResult, FinishReason } from '../core/types';
import { reasonFromJson } from './httpErrors';

export interface StreamProblem {
  kind: 'stream' | 'protocol' | 'too-large';
  reason: string;
  status?: number;
  detail?: string;
}

export interface ChatStreamOptions {
  /** Monotonic clock in ms; `startedAt` is on the same clock. */
  now: () => number;
  startedAt: number;
  maxAnswerBytes: number;
  onText?: (delta: string) => void;
  onLoading?: (message: string) => void;
  /** A thinking model's reasoning arrives (not the answer): progress only. */
  onThinking?: () => void;
}

type LoadingPhase = 'none' | 'loading' | 'closing' | 'over';

const SEPARATOR = '━━━━━';
const LOADING_MARK = 'llama-swap loading model:';
const WHOLE_MESSAGE = /^(llama-swap loading model: \S.*|Done! \(\d+(\.\d+)?s\))$/;
/** A loading-narration line longer than this is not llama-swap's: it is flushed rather than grown. */
const MAX_LOADING_LINE = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export class ChatStreamReader {
  problem?: StreamProblem;
  /** `data: [DONE]` arrived: nothing more will follow. */
  done = false;
  private text = '';
  private answerBytes = 0;
  private finishReason?: FinishReason;
  private usage?: { input?: number; output?: number };
  private timings?: { input?: number; output?: number; evaluated?: number; cached?: number };
  private phase: LoadingPhase = 'none';
  private loadingLine = '';
  private loadEndedAt?: number;
  private firstTokenAt?: number;
  private swapError?: string;
  private rawText?: string;
  private readonly parser: EventSourceParser;

  constructor(private readonly options: ChatStreamOptions) {
    this.parser = createParser({
      onEvent: (event) => this.onEvent(event),
      onError: (error) => this.onParseError(error),
      // One unterminated event larger than the whole answer may be is not an answer.
      maxBufferSize: options.maxAnswerBytes + 64 * 1024,
    });
  }

  /** llama-swap is narrating a cold load: the caller keeps its first-byte bound running meanwhile. */
  get loading(): boolean {
    return this.phase === 'loading';
  }

  feed(text: string): void {
    if (!this.problem && !this.done) this.parser.feed(text);
  }

  /** The body ended: flush a last line without newline, and judge a stream that never finished. */
  end(): void {
    if (this.problem || this.done) return;
    this.parser.reset({ consume: true });
    if (this.problem || this.finishReason) return;
    const reason = this.swapError ?? this.rawText ?? 'the answer was cut off before it finished';
    this.problem = { kind: 'stream', reason, detail: this.rawText };
  }

  result(): ChatResult {
    const result: ChatResult = { text: this.text, finishReason: this.finishReason ?? 'other' };
    const input = this.usage?.input ?? this.timings?.input;
    const output = this.usage?.output ?? this.timings?.output;
    if (input !== undefined) result.inputTokens = input;
    if (output !== undefined) result.outputTokens = output;
    if (this.timings?.evaluated !== undefined) result.promptEval = { evaluated: this.timings.evaluated, cached: this.timings.cached ?? 0 };
    if (this.firstTokenAt !== undefined) result.firstTokenMs = Math.max(0, Math.round(this.firstTokenAt - this.options.startedAt));
    if (this.phase !== 'none') {
      const end = this.loadEndedAt ?? this.options.now();
      result.loadMs = Math.max(0, Math.round(end - this.options.startedAt));
    }
    return result;
  }

  private fail(problem: StreamProblem): void {
    this.problem ??= problem;
  }

  private onEvent(event: EventSourceMessage): void {
    if (this.problem || this.done) return;
    const data = event.data.trim();
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return this.fail({ kind: 'protocol', reason: 'the stream carried a chunk that is not JSON', detail: data.slice(0, 2000) });
    }
    if (!isRecord(chunk)) return this.fail({ kind: 'protocol', reason: 'the stream carried a chunk that is not a JSON object', detail: data.slice(0, 2000) });
    if (chunk.error !== undefined) return this.failFromError(chunk, data);
    this.readCounts(chunk);
    const choices = chunk.choices;
    if (choices !== undefined && !Array.isArray(choices)) {
      return this.fail({ kind: 'protocol', reason: 'the stream carried a chunk whose choices are not a list', detail: data.slice(0, 2000) });
    }
    const choice: unknown = choices?.[0];
    if (!isRecord(choice)) return;
    const delta = isRecord(choice.delta) ? choice.delta : undefined;
    if (typeof delta?.reasoning_content === 'string') this.onReasoning(delta.reasoning_content);
    if (typeof delta?.content === 'string' && delta.content !== '') this.onContent(delta.content);
    const finish = choice.finish_reason;
    if (typeof finish === 'string') this.finishReason = finish === 'stop' || finish === 'length' ? finish : 'other';
  }

  private failFromError(chunk: Record<string, unknown>, data: string): void {
    const error = chunk.error;
    const status = isRecord(error) ? num(error.code) : undefined;
    const reason = reasonFromJson(chunk) ?? 'the server reported an error mid-answer';
    this.fail({ kind: 'stream', reason, status, detail: data.slice(0, 4000) });
  }

  private readCounts(chunk: Record<string, unknown>): void {
    if (isRecord(chunk.usage)) {
      this.usage = { input: num(chunk.usage.prompt_tokens), output: num(chunk.usage.completion_tokens) };
    }
    if (isRecord(chunk.timings)) {
      // prompt_n counts only the tokens processed now; cache_n the ones reused from the cache.
      const promptN = num(chunk.timings.prompt_n);
      const cacheN = num(chunk.timings.cache_n);
      const input = promptN === undefined ? undefined : promptN + (cacheN ?? 0);
      this.timings = { input, output: num(chunk.timings.predicted_n), evaluated: promptN, cached: cacheN };
    }
  }

  private onContent(delta: string): void {
    this.endLoading();
    if (!this.count(delta)) return;
    this.text += delta;
    this.options.onText?.(delta);
  }

  /** Answer and reasoning share the size cap: a model that thinks without end is cut like a long answer. */
  private count(piece: string): boolean {
    this.firstTokenAt ??= this.options.now();
    this.answerBytes += Buffer.byteLength(piece, 'utf8');
    if (this.answerBytes <= this.options.maxAnswerBytes) return true;
    this.fail({ kind: 'too-large', reason: 'the answer is over the size cap' });
    return false;
  }

  /** Loading progress goes to onLoading; a thinking model's reasoning is not the answer: counted, then dropped. */
  private onReasoning(piece: string): void {
    if (this.phase === 'none' && this.text === '' && (piece.includes(SEPARATOR) || piece.includes(LOADING_MARK))) {
      this.phase = 'loading';
    }
    if (this.phase === 'loading') return this.onLoadingText(piece);
    if (this.phase === 'closing') {
      // After "Done!" only the closing separator and a blank line belong to llama-swap.
      if (piece.replaceAll(SEPARATOR[0], '').trim() === '') return;
      this.endLoading();
    }
    if (piece !== '' && this.count(piece)) this.options.onThinking?.();
  }

  private onLoadingText(piece: string): void {
    // A whole message in one chunk without its newline (as the protocol notes show it) is a line too.
    if (!piece.includes('\n') && WHOLE_MESSAGE.test(piece.trim()) && this.loadingLine.replace(/[.\s━]/g, '') === '') {
      this.loadingLine = '';
      return this.onLoadingLine(piece.trim());
    }
    this.loadingLine += piece;
    if (this.loadingLine.length > MAX_LOADING_LINE && !this.loadingLine.includes('\n')) this.loadingLine += '\n';
    let newline: number;
    while (this.phase === 'loading' && (newline = this.loadingLine.indexOf('\n')) !== -1) {
      const line = this.loadingLine.slice(0, newline).trim();
      this.loadingLine = this.loadingLine.slice(newline + 1);
      this.onLoadingLine(line);
    }
  }

  private onLoadingLine(line: string): void {
    if (line.replaceAll(SEPARATOR[0], '').replaceAll('.', '').trim() === '') return;
    if (line.startsWith('Unable to swap model')) this.swapError = line;
    this.options.onLoading?.(line);
    if (line.startsWith('Done!')) {
      this.loadEndedAt = this.options.now();
      this.phase = 'closing';
      this.loadingLine = '';
    }
  }

  private endLoading(): void {
    if (this.phase !== 'loading' && this.phase !== 'closing') return;
    if (this.phase === 'loading' && this.loadingLine.trim()) this.onLoadingLine(this.loadingLine.trim());
    this.loadingLine = '';
    this.loadEndedAt ??= this.options.now();
    this.phase = 'over';
  }

  /**
   * A line without `data:` is not SSE. llama-swap writes a failed load's error JSON into an already
   * started stream that way; any other such text is kept to explain a stream that then ends early.
   */
  private onParseError(error: ParseError): void {
    if (error.type === 'max-buffer-size-exceeded') return this.fail({ kind: 'too-large', reason: 'one stream event is over the size cap' });
    if (error.type !== 'unknown-field') return;
    const line = (error.line ?? '').trim();
    if (!line) return;
    try {
      const json: unknown = JSON.parse(line);
      const reason = reasonFromJson(json);
      if (reason !== undefined && isRecord(json) && json.error !== undefined) {
        const status = isRecord(json.error) ? num(json.error.code) : undefined;
        return this.fail({ kind: 'stream', reason, status, detail: line.slice(0, 4000) });
      }
    } catch {
      // plain text: kept below
    }
    this.rawText = line.slice(0, 300);
  }
}
