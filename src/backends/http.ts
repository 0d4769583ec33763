// One bounded HTTP exchange with a local (or OpenAI-compatible) server, over undici: the first-byte and idle
// timers, the caller's cancellation, body size caps, and every way it can end mapped to a BackendError by the
// server's own ServerErrors. Each backend (llama-swap, Ollama, LM Studio, OpenAI-compatible) speaks its
// protocol on top of this. No editor import.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, Dispatcher } from 'undici';
import { BackendError } from '../core/types';
import { displayAddress, ServerErrors, type ServerNaming } from './httpErrors';

/** How one exchange is bounded and named in error sentences. */
export interface Exchange {
  method: 'GET' | 'POST';
  path: string;
  subject: string;
  model?: string;
  body?: string;
  signal?: AbortSignal;
  firstByteMs: number;
  idleMs: number;
  /** `accept` header; default `*\/*`. */
  accept?: string;
}

export type SmallExchange = Omit<Exchange, 'firstByteMs' | 'idleMs'>;

const MAX_SMALL_BODY = 4 * 1024 * 1024;
export const MAX_ERROR_BODY = 64 * 1024;

/**
 * One exchange's abort reasons. Whatever ends it first (caller's signal, a timer, a stream problem)
 * records its BackendError and aborts the connection; later causes are ignored.
 */
export class Guard {
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

/**
 * undici is required on the first request, not at import: the status bar's first poll runs after
 * activation, so activation never parses it (esbuild ships it as dist/undici.js, see esbuild.mjs).
 */
let undici: typeof import('undici') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
const loadUndici = () => (undici ??= require('undici') as typeof import('undici'));

export interface HttpClientOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer` to this server only. */
  apiKey?: string;
  /** Names the server in every sentence. */
  naming: Omit<ServerNaming, 'address' | 'apiKey'>;
  /** Bound for small calls (model lists, unload). Default 5 s. */
  requestTimeoutMs?: number;
}

export class HttpClient {
  /** The server as shown to the user (no credentials or query). */
  readonly address: string;
  readonly errors: ServerErrors;
  readonly requestMs: number;
  private readonly base: URL;
  private agentInstance: Agent | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    this.address = displayAddress(options.baseUrl);
    this.errors = new ServerErrors({ ...options.naming, address: this.address, apiKey: options.apiKey });
    this.requestMs = options.requestTimeoutMs ?? 5_000;
  }

  private get agent(): Agent {
    // Our own timers bound every phase, so undici's (300 s) must not cut a long cold load first.
    // llama-server closes idle keep-alive sockets after 5 s; reuse ours for less than that.
    this.agentInstance ??= new (loadUndici().Agent)({ keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 10_000 } });
    return this.agentInstance;
  }

  /** Sends one request under a Guard and maps whatever ends it to a BackendError. */
  async run<T>(x: Exchange, read: (res: Dispatcher.ResponseData, guard: Guard) => Promise<T>): Promise<T> {
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

  /** A small call (lists, version, unload): status and text, bounded by the request timeout and a size cap. */
  small(x: SmallExchange): Promise<{ status: number; text: string }> {
    const exchange: Exchange = { ...x, firstByteMs: this.requestMs, idleMs: this.requestMs };
    return this.run(exchange, async (res, guard) => ({ status: res.statusCode, text: await this.readText(res, guard, exchange, MAX_SMALL_BODY, 'fail') }));
  }

  /** GET that must answer 200 with JSON. */
  async getJson(path: string, subject: string, signal?: AbortSignal): Promise<unknown> {
    const res = await this.small({ method: 'GET', path, subject, signal });
    if (res.status !== 200) throw this.errors.status(subject, res.status, res.text);
    const json = parseJson(res.text);
    if (json === undefined) throw this.errors.notJson(subject, res.text);
    return json;
  }

  /**
   * Reads a body as text; every chunk re-arms the idle timer. `limit` 0 drains and keeps nothing;
   * past `limit`, 'truncate' stops reading (an error body), 'fail' is a too-large answer.
   */
  async readText(res: Dispatcher.ResponseData, guard: Guard, x: Exchange, limit: number, overflow: 'truncate' | 'fail'): Promise<string> {
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

  /** Waits `ms` unless the caller cancels first. */
  async pause(ms: number, signal: AbortSignal, subject: string): Promise<void> {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      throw this.errors.cancelled(subject);
    }
  }

  async close(): Promise<void> {
    if (this.agentInstance && !this.agentInstance.destroyed) await this.agentInstance.destroy();
  }

  /** Closes the connections once the requests in flight have finished; later calls fail. */
  async retire(): Promise<void> {
    if (this.agentInstance && !this.agentInstance.closed && !this.agentInstance.destroyed) await this.agentInstance.close();
  }

  private headers(x: Exchange): Record<string, string> {
    const headers: Record<string, string> = { accept: x.accept ?? '*/*' };
    if (x.body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
