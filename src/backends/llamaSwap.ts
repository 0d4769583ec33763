// The llama-swap client: streamed chat, which models are warm, preload and unload. Plain Node (undici),
// no editor import. Every failure becomes a BackendError whose message is one sentence naming the model
// and the server; bodies go to `detail`.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, Dispatcher } from 'undici';
import * as z from 'zod/mini';
import { BackendError, type ChatBackend, type ChatRequest, type ChatResult, type RunningModel } from '../core/types';
import { displayAddress, LlamaSwapErrors, retryAfterMs } from './httpErrors';
import { ChatStreamReader } from './sse';

export interface LlamaSwapOptions {
  baseUrl: string;
  /** llama-swap's own key (its `apiKeys`), sent as `Authorization: Bearer` to this server only. */
  apiKey?: string;
  /** Wait for response headers and the first body byte. A cold load can take minutes: default 300 s. */
  firstByteTimeoutMs?: number;
  /** A started stream that sends nothing this long is cut. Default 60 s. */
  idleTimeoutMs?: number;
  /** Answer text above this many bytes is cut (kind `too-large`). Default 1 MiB. */
  maxAnswerBytes?: number;
  /** Bound for the small calls (`/running`, `/v1/models`, `/api/version`, unload). Default 5 s. */
  requestTimeoutMs?: number;
}

export interface ModelInfo {
  id: string;
  aliases: string[];
}

/** Which server answers at the address; learnt from its answers (`/running`, `/models`). */
export type ServerKind = 'llama-swap' | 'llama-server router' | 'llama-server (single model)';

/** What a poll reads: the server's kind and its models that are not stopped. */
export interface ServerStatus {
  kind: ServerKind;
  models: RunningModel[];
}

const RETRY_429_MAX_MS = 5_000;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_SMALL_BODY = 4 * 1024 * 1024;

/** How one exchange is bounded and named in error sentences. */
interface Exchange {
  method: 'GET' | 'POST';
  path: string;
  subject: string;
  model?: string;
  body?: string;
  signal?: AbortSignal;
  firstByteMs: number;
  idleMs: number;
}

/**
 * One exchange's abort reasons. Whatever ends it first (caller's signal, a timer, a stream problem)
 * records its BackendError and aborts the connection; later causes are ignored.
 */
class Guard {
  readonly controller = new AbortController();
  reason?: BackendError;
  private timer?: NodeJS.Timeout;
  private readonly onOuterAbort: () => void;

  constructor(
    private readonly outer: AbortSignal | undefined,
    cancelled: () => BackendError,
  ) {
    this.onOuterAbort = () => this.fail(cancelled());
    if (outer?.aborted) this.onOuterAbort();
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** (Re)starts the one timer: the first-byte timer, then the idle timer on every chunk. */
  arm(ms: number, make: () => BackendError): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(make()), ms);
  }

  fail(error: BackendError): void {
    if (this.reason) return;
    this.reason = error;
    this.controller.abort(error);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }
}

const RunningEntry = z.object({ model: z.string().check(z.minLength(1)), state: z.enum(['starting', 'ready', 'stopping']) });
const RunningBody = z.object({ running: z.nullish(z.array(z.unknown())) });
const ModelEntry = z.object({
  id: z.string().check(z.minLength(1)),
  status: z.catch(z.nullish(z.object({ value: z.string() })), undefined),
  // llama-server lists aliases at the top level; llama-swap under meta.llamaswap.
  aliases: z.catch(z.nullish(z.array(z.unknown())), undefined),
  meta: z.catch(z.nullish(z.object({ llamaswap: z.nullish(z.object({ aliases: z.nullish(z.array(z.unknown())) })) })), undefined),
});
const ModelsBody = z.object({ data: z.nullish(z.array(z.unknown())) });
const VersionBody = z.object({ version: z.string().check(z.minLength(1)) });
const RouterModels = z.object({ data: z.array(z.unknown()) });
const RouterEntry = z.object({ id: z.string().check(z.minLength(1)), status: z.optional(z.object({ value: z.string() })) });
// `unloaded`, `sleeping` (--sleep-idle-seconds) and a failed load are not warm: absent.
const ROUTER_STATE: Record<string, RunningModel['state'] | undefined> = { loaded: 'ready', loading: 'starting' };
const FLAVOR_KIND = { 'llama-swap': 'llama-swap', router: 'llama-server router', single: 'llama-server (single model)' } as const;

/**
 * undici is required on the first request, not at import: the status bar's first poll runs after
 * activation, so activation never parses it (esbuild ships it as dist/undici.js, see esbuild.mjs).
 */
let undici: typeof import('undici') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
const loadUndici = () => (undici ??= require('undici') as typeof import('undici'));

export class LlamaSwapClient implements ChatBackend {
  readonly id = 'llama-swap' as const;
  /** The server as shown to the user. */
  readonly address: string;
  private readonly base: URL;
  private agentInstance: Agent | undefined;
  /** Which server answers: llama-swap, llama-server in router mode, or a single-model llama-server. */
  private flavor: keyof typeof FLAVOR_KIND | undefined;
  private readonly errors: LlamaSwapErrors;
  private readonly firstByteMs: number;
  private readonly idleMs: number;
  private readonly maxAnswerBytes: number;
  private readonly requestMs: number;

  constructor(private readonly options: LlamaSwapOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    this.address = displayAddress(options.baseUrl);
    this.errors = new LlamaSwapErrors(this.address, options.apiKey);
    this.firstByteMs = options.firstByteTimeoutMs ?? 300_000;
    this.idleMs = options.idleTimeoutMs ?? 60_000;
    this.maxAnswerBytes = options.maxAnswerBytes ?? 1024 * 1024;
    this.requestMs = options.requestTimeoutMs ?? 5_000;
  }

  private get agent(): Agent {
    // Our own timers bound every phase, so undici's (300 s) must not cut a long cold load first.
    // llama-server closes idle keep-alive sockets after 5 s; reuse ours for less than that.
    this.agentInstance ??= new (loadUndici().Agent)({ keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 10_000 } });
    return this.agentInstance;
  }

  get server(): string {
    return `llama-swap at ${this.address}`;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const body = JSON.stringify({
      model: req.model,
      messages: req.messages,
      stream: true,
      max_tokens: req.maxTokens,
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      stream_options: { include_usage: true },
      ...(req.jsonSchema
        ? { response_format: { type: 'json_schema', json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: true } } }
        : {}),
    });
    const exchange: Exchange = {
      method: 'POST', path: 'v1/chat/completions', subject: req.model, model: req.model, body,
      signal: req.signal, firstByteMs: Math.min(req.firstByteTimeoutMs ?? Infinity, this.firstByteMs), idleMs: this.idleMs,
    };
    for (let attempt = 1; ; attempt++) {
      const startedAt = performance.now();
      const outcome = await this.run(exchange, async (res, guard) => {
        if (res.statusCode < 200 || res.statusCode > 299) return { status: res.statusCode, headers: res.headers, text: await this.readText(res, guard, exchange, MAX_ERROR_BODY, 'truncate') };
        return this.readChat(res, guard, exchange, req, startedAt);
      });
      if ('finishReason' in outcome) return outcome;
      // llama-swap answers 429 when too many requests queue for one model; wait once if it asks briefly.
      const wait = outcome.status === 429 && attempt === 1 ? retryAfterMs(outcome.headers['retry-after']) : undefined;
      if (wait === undefined || wait > RETRY_429_MAX_MS) throw this.errors.status(req.model, outcome.status, outcome.text);
      await this.pause(wait, req.signal, req.model);
    }
  }

  /** The server's kind, once a poll has told it. */
  get kind(): ServerKind | undefined {
    return this.flavor && FLAVOR_KIND[this.flavor];
  }

  /** The models the server has started (`starting` or `ready`); stopped ones are absent. */
  async running(signal?: AbortSignal): Promise<RunningModel[]> {
    return (await this.status(signal)).models;
  }

  /**
   * What is loaded, and what kind of server says so.
   * - llama-swap: `/running` lists only ready models, and `/v1/models` says `status.value: "loaded"` for any
   *   process not stopped (v236+), so a model loaded there but absent from `/running` is starting (or, briefly,
   *   stopping: the two cannot be told apart).
   * - llama-server has no `/running` (404) and lists its models in `/models`: in router mode each with
   *   `status.value` loaded | loading | unloaded | sleeping; a single-model server lists its one model without
   *   `status`, and that model is always loaded.
   */
  async status(signal?: AbortSignal): Promise<ServerStatus> {
    if (this.flavor !== 'router' && this.flavor !== 'single') {
      const [res, loaded] = await Promise.all([
        this.small({ method: 'GET', path: 'running', subject: 'GET /running', signal }),
        // Optional knowledge: an older server without `status`, or a failure here, only hides loading.
        this.loadedIds(signal).catch(() => [] as string[]),
      ]);
      if (res.status !== 404 || this.flavor === 'llama-swap') {
        if (res.status !== 200) throw this.errors.status('GET /running', res.status, res.text);
        this.flavor = 'llama-swap';
        const running = this.parseRunning(parseJson(res.text), res.text);
        for (const id of loaded) if (!running.some((m) => m.model === id)) running.push({ model: id, state: 'starting' });
        return { kind: FLAVOR_KIND['llama-swap'], models: running };
      }
    }
    const json = await this.getJson('models', 'GET /models', signal);
    const parsed = RouterModels.safeParse(json);
    if (!parsed.success) throw this.errors.notJson('GET /models', JSON.stringify(json));
    const entries = parsed.data.data.map((e) => RouterEntry.safeParse(e)).flatMap((ok) => (ok.success ? [ok.data] : []));
    this.flavor = entries.some((e) => e.status !== undefined) ? 'router' : 'single';
    const models: RunningModel[] = [];
    for (const entry of entries) {
      const state = this.flavor === 'single' ? 'ready' : ROUTER_STATE[entry.status?.value ?? ''];
      if (state) models.push({ model: entry.id, state });
    }
    return { kind: FLAVOR_KIND[this.flavor], models };
  }

  /** Ids that llama-swap's `/v1/models` calls loaded (any process not stopped); none before v236. */
  private async loadedIds(signal?: AbortSignal): Promise<string[]> {
    const parsed = ModelsBody.safeParse(await this.getJson('v1/models', 'GET /v1/models', signal));
    const ids: string[] = [];
    for (const entry of parsed.success ? (parsed.data.data ?? []) : []) {
      const ok = ModelEntry.safeParse(entry);
      if (ok.success && ok.data.status?.value === 'loaded') ids.push(ok.data.id);
    }
    return ids;
  }

  private parseRunning(json: unknown, text: string): RunningModel[] {
    const parsed = RunningBody.safeParse(json);
    if (json === undefined || !parsed.success) throw this.errors.notJson('GET /running', text);
    const models: RunningModel[] = [];
    for (const entry of parsed.data.running ?? []) {
      const ok = RunningEntry.safeParse(entry);
      if (ok.success) models.push({ model: ok.data.model, state: ok.data.state });
    }
    return models;
  }

  /** Every configured model, loaded or not (this says nothing about warmth), with its aliases. */
  async models(signal?: AbortSignal): Promise<ModelInfo[]> {
    const json = await this.getJson('v1/models', 'GET /v1/models', signal);
    const parsed = ModelsBody.safeParse(json);
    if (!parsed.success) throw this.errors.notJson('GET /v1/models', JSON.stringify(json));
    const models: ModelInfo[] = [];
    for (const entry of parsed.data.data ?? []) {
      const ok = ModelEntry.safeParse(entry);
      if (!ok.success) continue;
      const aliases = [...(ok.data.meta?.llamaswap?.aliases ?? []), ...(ok.data.aliases ?? [])]
        .filter((a, i, all): a is string => typeof a === 'string' && a !== ok.data.id && all.indexOf(a) === i);
      models.push({ id: ok.data.id, aliases });
    }
    return models;
  }

  /** llama-swap's version, or undefined when the server has no `/api/version` (older versions 404). */
  async version(signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.small({ method: 'GET', path: 'api/version', subject: 'GET /api/version', signal });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.errors.status('GET /api/version', res.status, res.text);
    const parsed = VersionBody.safeParse(parseJson(res.text));
    return parsed.success ? parsed.data.version : undefined;
  }

  /**
   * Loads a model the way llama-swap's UI does (`GET /upstream/<model>/`); resolves once it answered.
   * In llama-server's router mode, `POST /models/load` (it returns at once; `/models` says `loading`);
   * a single-model llama-server has nothing to load.
   */
  async preload(model: string, signal?: AbortSignal): Promise<void> {
    // Each kind loads differently: learn which one answers first (a failure here is the preload's own to report).
    if (this.flavor === undefined) await this.status(signal).catch(() => undefined);
    if (this.flavor === 'single') return; // its one model is always loaded
    if (this.flavor === 'router') return this.routerAction('load', model, signal);
    const exchange: Exchange = {
      method: 'GET', path: `upstream/${encodeURIComponent(model)}/`, subject: `Preloading ${model}`, model, signal,
      firstByteMs: this.firstByteMs, idleMs: this.idleMs,
    };
    const res = await this.run(exchange, async (r, guard) => {
      const ok = r.statusCode >= 200 && r.statusCode <= 399;
      // The page itself is of no use: drain it so the request ends, keep only an error body.
      return { status: r.statusCode, text: await this.readText(r, guard, exchange, ok ? 0 : MAX_ERROR_BODY, 'truncate') };
    });
    if (res.status > 399) throw this.errors.status(exchange.subject, res.status, res.text);
  }

  /** Unloads one model. llama-swap answers 200 for a known model that is not running; 404 only for an unknown one. */
  async unload(model: string, signal?: AbortSignal): Promise<void> {
    if (this.flavor === undefined) await this.status(signal).catch(() => undefined);
    if (this.flavor === 'single') throw this.errors.singleModel(model);
    if (this.flavor === 'router') return this.routerAction('unload', model, signal);
    const res = await this.small({ method: 'POST', path: `api/models/unload/${encodeURIComponent(model)}`, subject: `Unloading ${model}`, model, signal });
    if (res.status === 404) throw this.errors.unknownModel(model, res.text);
    if (res.status < 200 || res.status > 299) throw this.errors.status(`Unloading ${model}`, res.status, res.text);
  }

  /** llama-server router mode: `POST /models/load` or `/models/unload` with `{"model"}`. */
  private async routerAction(action: 'load' | 'unload', model: string, signal?: AbortSignal): Promise<void> {
    const subject = `${action === 'load' ? 'Preloading' : 'Unloading'} ${model}`;
    const res = await this.small({ method: 'POST', path: `models/${action}`, subject, model, signal, body: JSON.stringify({ model }) });
    if (action === 'unload' && res.status === 400) throw this.errors.notRunning(model, res.text);
    if (res.status < 200 || res.status > 299) throw this.errors.status(subject, res.status, res.text);
  }

  async close(): Promise<void> {
    if (this.agentInstance && !this.agentInstance.destroyed) await this.agentInstance.destroy();
  }

  /** Closes the connections once the requests in flight have finished; later calls fail. */
  async retire(): Promise<void> {
    if (this.agentInstance && !this.agentInstance.closed && !this.agentInstance.destroyed) await this.agentInstance.close();
  }

  private async getJson(path: string, subject: string, signal?: AbortSignal): Promise<unknown> {
    const res = await this.small({ method: 'GET', path, subject, signal });
    if (res.status !== 200) throw this.errors.status(subject, res.status, res.text);
    const json = parseJson(res.text);
    if (json === undefined) throw this.errors.notJson(subject, res.text);
    return json;
  }

  private small(x: Omit<Exchange, 'firstByteMs' | 'idleMs'>): Promise<{ status: number; text: string }> {
    const exchange: Exchange = { ...x, firstByteMs: this.requestMs, idleMs: this.requestMs };
    return this.run(exchange, async (res, guard) => ({ status: res.statusCode, text: await this.readText(res, guard, exchange, MAX_SMALL_BODY, 'fail') }));
  }

  /** Sends one request under a Guard and maps whatever ends it to a BackendError. */
  private async run<T>(x: Exchange, read: (res: Dispatcher.ResponseData, guard: Guard) => Promise<T>): Promise<T> {
    const guard = new Guard(x.signal, () => this.errors.cancelled(x.subject));
    if (guard.reason) throw guard.reason;
    guard.arm(x.firstByteMs, () => this.errors.firstByteTimeout(x.subject, x.firstByteMs));
    let res: Dispatcher.ResponseData | undefined;
    try {
      const url = new URL(x.path, this.base);
      res = await this.agent.request({
        origin: url.origin, path: url.pathname + url.search, method: x.method, body: x.body,
        headers: this.headers(x), signal: guard.signal,
      });
      return await read(res, guard);
    } catch (err) {
      if (guard.reason) throw guard.reason;
      if (err instanceof BackendError) throw err;
      throw res ? this.errors.brokenConnection(x.subject, err) : this.errors.unreachable(x.model, err);
    } finally {
      guard.dispose();
      // An unread or half-read body holds the connection; destroying it closes that socket at once.
      if (res && !res.body.readableEnded) res.body.destroy();
    }
  }

  private headers(x: Exchange): Record<string, string> {
    const headers: Record<string, string> = { accept: x.path.startsWith('v1/chat') ? 'text/event-stream' : '*/*' };
    if (x.body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }

  /**
   * Reads a body as text; every chunk re-arms the idle timer. `limit` 0 drains and keeps nothing;
   * past `limit`, 'truncate' stops reading (an error body), 'fail' is a too-large answer.
   */
  private async readText(res: Dispatcher.ResponseData, guard: Guard, x: Exchange, limit: number, overflow: 'truncate' | 'fail'): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      guard.arm(x.idleMs, () => this.errors.idleTimeout(x.subject, x.idleMs));
      if (limit === 0) continue;
      parts.push(chunk);
      size += chunk.length;
      if (size <= limit) continue;
      if (overflow === 'fail') throw this.errors.tooLarge(x.subject, limit);
      break;
    }
    return Buffer.concat(parts).subarray(0, limit).toString('utf8');
  }

  private async readChat(res: Dispatcher.ResponseData, guard: Guard, x: Exchange, req: ChatRequest, startedAt: number): Promise<ChatResult> {
    const stream = new ChatStreamReader({
      now: () => performance.now(), startedAt, maxAnswerBytes: this.maxAnswerBytes, onText: req.onText, onLoading: req.onLoading, onThinking: req.onThinking,
    });
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      stream.feed(decoder.decode(chunk, { stream: true }));
      if (stream.problem || stream.done) break;
      // While llama-swap narrates a cold load, the first-byte bound keeps running: narration is not an answer.
      if (!stream.loading) guard.arm(x.idleMs, () => this.errors.idleTimeout(x.subject, x.idleMs));
    }
    if (!stream.done && !stream.problem) {
      stream.feed(decoder.decode());
      stream.end();
    }
    const problem = stream.problem;
    if (!problem) return stream.result();
    if (problem.kind === 'too-large') throw this.errors.tooLarge(x.subject, this.maxAnswerBytes);
    throw this.errors.streamProblem(x.subject, problem.kind, problem.reason, problem.status, problem.detail);
  }

  private async pause(ms: number, signal: AbortSignal, subject: string): Promise<void> {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      throw this.errors.cancelled(subject);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
