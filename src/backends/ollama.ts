// Ollama over its own API, not its OpenAI-compatible one: `/api/chat` reports `load_duration` (a cold load,
// measured by the server), `done_reason`, and the token counts on its last line; it takes the judge's JSON schema
// as `format`; and the same API lists what is loaded (`/api/ps`), what is installed (`/api/tags`), and loads or
// unloads a model without generating (`keep_alive`). No editor import.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import * as z from 'zod/mini';
import type { ChatRequest, ChatResult, FinishReason, ModelInfo, ModelServer, ServerStatus } from '../core/types';
import { reasonFromJson } from './httpErrors';
import { HttpClient, MAX_ERROR_BODY, type Exchange, type Guard } from './http';

export interface OllamaOptions {
  baseUrl: string;
  /** Ollama has no keys of its own; one is sent (Bearer) when the user put it behind a proxy that checks one. */
  apiKey?: string;
  label?: string;
  fix?: string;
  /** A cold load sends nothing until the model is in memory: minutes for a large one. Default 300 s. */
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxAnswerBytes?: number;
  requestTimeoutMs?: number;
}

/** A load shorter than this is Ollama re-using the loaded runner (it reports a few ms even then): not cold. */
const COLD_LOAD_MS = 500;
const NS_PER_MS = 1e6;
/** A line's JSON around its content (model, dates, counts): the content itself is capped by maxAnswerBytes. */
const MAX_LINE_OVERHEAD = 64 * 1024;

const ChatLine = z.object({
  message: z.optional(z.object({ content: z.optional(z.string()), thinking: z.optional(z.string()) })),
  done: z.optional(z.boolean()),
  done_reason: z.optional(z.string()),
  error: z.optional(z.unknown()),
  load_duration: z.optional(z.number()),
  prompt_eval_count: z.optional(z.number()),
  eval_count: z.optional(z.number()),
});
type ChatLine = z.infer<typeof ChatLine>;
const PsBody = z.object({ models: z.nullish(z.array(z.object({ name: z.optional(z.string()), model: z.optional(z.string()) }))) });
const TagsBody = z.object({ models: z.nullish(z.array(z.object({ name: z.optional(z.string()), model: z.optional(z.string()) }))) });
const VersionBody = z.object({ version: z.string() });

/** The whole lines and the unfinished rest; only the new text is searched, so a long line is not re-split per chunk. */
function splitLines(pending: string, text: string): { lines: string[]; rest: string } {
  const end = text.lastIndexOf('\n');
  if (end === -1) return { lines: [], rest: pending + text };
  return { lines: (pending + text.slice(0, end)).split('\n'), rest: text.slice(end + 1) };
}

function finishReason(reason: string | undefined): FinishReason {
  if (reason === 'stop') return 'stop';
  return reason === 'length' ? 'length' : 'other';
}

export class OllamaClient implements ModelServer {
  readonly id = 'ollama' as const;
  private readonly http: HttpClient;
  private readonly firstByteMs: number;
  private readonly idleMs: number;
  private readonly maxAnswerBytes: number;

  constructor(options: OllamaOptions) {
    this.http = new HttpClient({
      baseUrl: options.baseUrl, apiKey: options.apiKey, requestTimeoutMs: options.requestTimeoutMs,
      naming: { kind: options.label ?? 'Ollama', fix: options.fix ?? 'start it ("ollama serve") or fix its address' },
    });
    this.firstByteMs = options.firstByteTimeoutMs ?? 300_000;
    this.idleMs = options.idleTimeoutMs ?? 60_000;
    this.maxAnswerBytes = options.maxAnswerBytes ?? 1024 * 1024;
  }

  get server(): string {
    return this.http.errors.server;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const body = JSON.stringify({
      model: req.model,
      messages: req.messages,
      stream: true,
      options: { num_predict: req.maxTokens, ...(req.temperature !== undefined && { temperature: req.temperature }) },
      ...(req.jsonSchema && { format: req.jsonSchema.schema }),
    });
    const x: Exchange = {
      method: 'POST', path: 'api/chat', subject: req.model, model: req.model, body, accept: 'application/x-ndjson',
      signal: req.signal, firstByteMs: Math.min(req.firstByteTimeoutMs ?? Infinity, this.firstByteMs), idleMs: this.idleMs,
    };
    const startedAt = performance.now();
    const outcome = await this.http.run(x, async (res, guard) => {
      if (res.statusCode < 200 || res.statusCode > 299) return { status: res.statusCode, text: await this.http.readText(res, guard, x, MAX_ERROR_BODY, 'truncate') };
      return this.readLines(res, guard, x, req, startedAt);
    });
    if ('finishReason' in outcome) return outcome;
    throw this.http.errors.status(req.model, outcome.status, outcome.text);
  }

  /** Reads the NDJSON answer: one object per line, the last with `done: true` and the counts. */
  private async readLines(res: Dispatcher.ResponseData, guard: Guard, x: Exchange, req: ChatRequest, startedAt: number): Promise<ChatResult> {
    const decoder = new TextDecoder('utf-8');
    let pending = '';
    let text = '';
    let bytes = 0;
    let firstTokenMs: number | undefined;
    let last: ChatLine | undefined;
    const take = (line: string): void => {
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw this.http.errors.streamProblem(x.subject, 'protocol', 'a line of the answer is not JSON', undefined, line.slice(0, 4096));
      }
      const parsed = ChatLine.safeParse(json);
      if (!parsed.success) throw this.http.errors.streamProblem(x.subject, 'protocol', 'a line of the answer has an unexpected shape', undefined, line.slice(0, 4096));
      const chunk = parsed.data;
      if (chunk.error !== undefined) throw this.http.errors.streamProblem(x.subject, 'stream', reasonFromJson(chunk) ?? 'the server reported an error', undefined, line);
      const thinking = chunk.message?.thinking;
      const content = chunk.message?.content ?? '';
      if ((thinking || content) && firstTokenMs === undefined) firstTokenMs = performance.now() - startedAt;
      if (thinking) req.onThinking?.();
      if (content) {
        bytes += Buffer.byteLength(content, 'utf8');
        if (bytes > this.maxAnswerBytes) throw this.http.errors.tooLarge(x.subject, this.maxAnswerBytes);
        text += content;
        req.onText?.(content);
      }
      if (chunk.done) last = chunk;
    };
    // One line is one token's JSON: no line is longer than the answer may be, and only a whole line is progress, so
    // the idle timer is re-armed per line (a trickle of bytes that never ends its line, or blank lines, is no answer).
    const maxLine = this.maxAnswerBytes + MAX_LINE_OVERHEAD;
    for await (const piece of res.body as AsyncIterable<Buffer>) {
      const { lines, rest } = splitLines(pending, decoder.decode(piece, { stream: true }));
      for (const line of lines) {
        take(line);
        if (last) break;
        if (line.trim()) guard.arm(x.idleMs, () => this.http.errors.idleTimeout(x.subject, x.idleMs));
      }
      if (last) break;
      pending = rest;
      if (pending.length > maxLine) throw this.http.errors.tooLarge(x.subject, this.maxAnswerBytes);
    }
    if (!last) take(pending + decoder.decode());
    if (!last) throw this.http.errors.streamProblem(x.subject, 'stream', 'the answer ended before its last line (done)');
    const loadMs = last.load_duration !== undefined ? last.load_duration / NS_PER_MS : undefined;
    return {
      text,
      finishReason: finishReason(last.done_reason),
      ...(last.prompt_eval_count !== undefined && { inputTokens: last.prompt_eval_count }),
      ...(last.eval_count !== undefined && { outputTokens: last.eval_count }),
      ...(loadMs !== undefined && loadMs >= COLD_LOAD_MS && { loadMs: Math.round(loadMs) }),
      ...(firstTokenMs !== undefined && { firstTokenMs: Math.round(firstTokenMs) }),
    };
  }

  /** What is loaded (`/api/ps`). Ollama lists a model there once it is loaded; a load in progress is not listed. */
  async status(signal?: AbortSignal): Promise<ServerStatus> {
    const json = await this.http.getJson('api/ps', 'GET /api/ps', signal);
    const parsed = PsBody.safeParse(json);
    if (!parsed.success) throw this.http.errors.notJson('GET /api/ps', JSON.stringify(json));
    const models = (parsed.data.models ?? []).flatMap((m) => {
      const name = m.name ?? m.model;
      return name ? [{ model: name, state: 'ready' as const }] : [];
    });
    return { kind: 'Ollama', models };
  }

  /** Installed models (`/api/tags`); `name:latest` also answers to `name`. */
  async models(signal?: AbortSignal): Promise<ModelInfo[]> {
    const json = await this.http.getJson('api/tags', 'GET /api/tags', signal);
    const parsed = TagsBody.safeParse(json);
    if (!parsed.success) throw this.http.errors.notJson('GET /api/tags', JSON.stringify(json));
    return (parsed.data.models ?? []).flatMap((m) => {
      const id = m.name ?? m.model;
      if (!id) return [];
      return [{ id, aliases: id.endsWith(':latest') ? [id.slice(0, -':latest'.length)] : [] }];
    });
  }

  async version(signal?: AbortSignal): Promise<string | undefined> {
    const parsed = VersionBody.safeParse(await this.http.getJson('api/version', 'GET /api/version', signal));
    return parsed.success ? parsed.data.version : undefined;
  }

  /** Loads without generating: `/api/generate` with no prompt; it answers once the model is in memory. */
  preload(model: string, signal?: AbortSignal): Promise<void> {
    return this.generate(model, `Preloading ${model}`, {}, this.firstByteMs, signal);
  }

  /** `keep_alive: 0` with no prompt unloads at once. */
  unload(model: string, signal?: AbortSignal): Promise<void> {
    return this.generate(model, `Unloading ${model}`, { keep_alive: 0 }, this.http.requestMs, signal);
  }

  private async generate(model: string, subject: string, extra: Record<string, unknown>, firstByteMs: number, signal?: AbortSignal): Promise<void> {
    const x: Exchange = {
      method: 'POST', path: 'api/generate', subject, model, signal, firstByteMs, idleMs: this.idleMs,
      body: JSON.stringify({ model, stream: false, ...extra }),
    };
    const res = await this.http.run(x, async (r, guard) => ({ status: r.statusCode, text: await this.http.readText(r, guard, x, MAX_ERROR_BODY, 'truncate') }));
    if (res.status < 200 || res.status > 299) throw this.http.errors.status(subject, res.status, res.text);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  retire(): Promise<void> {
    return this.http.retire();
  }
}
