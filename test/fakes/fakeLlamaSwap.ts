// A fake llama-swap on 127.0.0.1 (node:http only) that follows the real protocol: llama-server's chunk
// shape and headers (see test/fixtures/llama-server), one model loaded at a time with a cold-load delay,
// sendLoadingState, /running, /v1/models, /upstream/<model>/, unload, and a responder hook through
// which tests script each chat answer. Every request is recorded with server-side timestamps
// (performance.now(), the same clock as the client's in one process) so timings are knowable.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface FakeModel {
  id: string;
  aliases?: string[];
  /** Cold-load time; meanwhile `/running` leaves it out (only ready models) and `/v1/models` says loaded. Default 0. */
  loadMs?: number;
  /** The load fails after `loadMs` with this message (500, or raw JSON in a loading-state stream). */
  failLoad?: string;
  sendLoadingState?: boolean;
}

/** Answer text, one chunk per piece; the first chunk (role) after `firstChunkDelayMs`, each piece after `chunkDelayMs`. */
interface Pieces { pieces: string[]; firstChunkDelayMs?: number; chunkDelayMs?: number }

export type ChatReply =
  | (Pieces & { kind: 'text'; finish?: 'stop' | 'length' })
  /** llama-server's mid-stream failure: pieces, `data: {"error":{…}}`, then the connection ends. */
  | (Pieces & { kind: 'midstreamError'; message?: string })
  /** Pieces, then the response ends (or the socket is destroyed) with no finish chunk and no [DONE]. */
  | (Pieces & { kind: 'cut'; abrupt?: boolean })
  /** Pieces, then silence with the connection held open. */
  | (Pieces & { kind: 'silent' })
  /** Accept the request and never answer (no headers). */
  | { kind: 'stall' }
  /** An error before the stream: any status, body and headers (429 + Retry-After, 502 empty, text). */
  | { kind: 'error'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'raw'; status?: number; headers?: Record<string, string>; chunks: (string | Buffer)[]; chunkDelayMs?: number; then?: 'end' | 'hang' | 'destroy' };

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** The configured model id the request resolved to (aliases resolved). */
  model?: string;
  receivedAt: number;
  firstChunkAt?: number;
  lastChunkAt?: number;
  /** The response closed: finished, or the client went away (`clientAborted`). */
  closedAt?: number;
  clientAborted?: boolean;
  socketClosedAt?: number;
}

export type Responder = (req: RecordedRequest) => ChatReply | undefined | Promise<ChatReply | undefined>;

export interface FakeLlamaSwapOptions {
  models?: FakeModel[];
  /** Model loaded and ready at start. */
  loaded?: string;
  apiKey?: string;
  sendLoadingState?: boolean;
  /** llama-swap ticks once a second while loading; tests shorten it. */
  loadingTickMs?: number;
  /** `null`: no /api/version (older versions, 404). */
  version?: string | null;
  /**
   * 'minimal': only model and state per entry, like versions before v186; 'v218': every process not stopped,
   * a starting one too, as the newer routing backend lists them (internal/server/api.go handleRunning).
   */
  runningShape?: 'full' | 'minimal' | 'v218';
  /** 'v250': `{"src":"llama-swap","error":"…"}`; 'openai': `{"error":{"message","type","code"}}` (newer). */
  errorShape?: 'v250' | 'openai';
  responder?: Responder;
  port?: number;
  /** 'router': llama-server's own router mode instead (no /running; /models with status; /models/load). */
  flavor?: 'llama-swap' | 'router';
}

const STREAM_HEADERS = { Server: 'llama.cpp', 'Access-Control-Allow-Origin': '', 'X-Accel-Buffering': 'no', 'Content-Type': 'text/event-stream', 'Keep-Alive': 'timeout=5, max=100' };
const JSON_TYPE = 'application/json; charset=utf-8';

export class FakeLlamaSwap {
  readonly requests: RecordedRequest[] = [];
  responder?: Responder;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly bySocket = new Map<Socket, RecordedRequest[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private current?: { id: string; state: 'starting' | 'ready'; ready: Promise<void> };
  /** Prompt-cache slots, newest first (llama-server's `-np`, 4 by default). */
  private slots: { model: string; tokens: string[] }[] = [];
  private port = 0;
  private closed = false;

  private constructor(private readonly options: FakeLlamaSwapOptions) {
    this.responder = options.responder;
    // A client that goes away mid-request must not become an unhandled rejection in the test run.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      // One listener per socket (not per request: keep-alive sockets serve many).
      socket.once('close', () => {
        this.sockets.delete(socket);
        const at = performance.now();
        for (const rec of this.bySocket.get(socket) ?? []) rec.socketClosedAt ??= at;
        this.bySocket.delete(socket);
      });
    });
    if (options.loaded) this.current = { id: options.loaded, state: 'ready', ready: Promise.resolve() };
  }

  static async start(options: FakeLlamaSwapOptions = {}): Promise<FakeLlamaSwap> {
    const fake = new FakeLlamaSwap(options);
    await fake.listen(options.port ?? 0);
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get models(): FakeModel[] {
    return this.options.models ?? [{ id: 'qwen-7b', aliases: ['coder'] }];
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  running(): { model: string; state: 'starting' | 'ready' }[] {
    return this.current ? [{ model: this.current.id, state: this.current.state }] : [];
  }

  /** Close the listener and every connection: clients get "connection refused" on this port. */
  async goOffline(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async goOnline(): Promise<void> {
    if (!this.server.listening) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.goOffline();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  /** A timer that close() clears, so nothing outlives the fake. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const rec: RecordedRequest = { seq: this.requests.length + 1, method: req.method ?? 'GET', path, headers: req.headers, rawBody, body: parse(rawBody), receivedAt: performance.now() };
    this.requests.push(rec);
    res.sendDate = false;
    res.once('close', () => { rec.closedAt = performance.now(); rec.clientAborted = !res.writableFinished; });
    this.bySocket.set(req.socket, [...(this.bySocket.get(req.socket) ?? []), rec]);

    if (path !== '/health' && !this.authorized(req.headers)) return this.json(res, 401, this.errorBody('unauthorized: invalid or missing API key', 401));
    const route = `${rec.method} ${path}`;
    if (route === 'GET /health') return this.send(res, 200, 'OK', 'text/plain; charset=utf-8');
    if (this.options.flavor === 'router') return this.router(rec, res, route);
    if (route === 'GET /running') return this.json(res, 200, JSON.stringify({ running: this.runningBody() }));
    if (route === 'GET /v1/models' || route === 'GET /models') return this.json(res, 200, JSON.stringify(this.modelsBody()));
    if (route === 'GET /api/version') {
      if (this.options.version === null) return this.send(res, 404, '404 page not found', 'text/plain');
      return this.json(res, 200, JSON.stringify({ version: this.options.version ?? 'v250', commit: 'fake', build_date: '2026-08-01T00:00:00Z' }));
    }
    if (route === 'GET /unload' || route === 'POST /api/models/unload') {
      this.current = undefined;
      return this.send(res, 200, 'OK', 'text/plain; charset=utf-8');
    }
    if (rec.method === 'POST' && path.startsWith('/api/models/unload/')) {
      // llama-swap: 404 only for an unknown model; a known one that is not running is 200 OK.
      const model = this.resolve(decodeURIComponent(path.slice('/api/models/unload/'.length)));
      if (!model) return this.json(res, 404, this.errorBody('model not found', 404));
      if (this.current?.id === model.id) this.current = undefined;
      return this.send(res, 200, 'OK', 'text/plain; charset=utf-8');
    }
    if (rec.method === 'GET' && path.startsWith('/upstream/')) return this.upstream(rec, res);
    if (route === 'POST /v1/chat/completions') return this.chat(rec, res);
    return this.send(res, 404, '404 page not found', 'text/plain');
  }

  /** llama-server in router mode, as captured in test/fixtures/llama-server/router. */
  private router(rec: RecordedRequest, res: ServerResponse, route: string): Promise<void> | void {
    const notFound = () => this.json(res, 404, JSON.stringify({ error: { message: 'File Not Found', type: 'not_found_error', code: 404 } }));
    const model = () => {
      const name = (rec.body as { model?: unknown } | undefined)?.model;
      return typeof name === 'string' ? this.resolve(name) : undefined;
    };
    if (route === 'GET /models' || route === 'GET /v1/models') {
      const value = (m: FakeModel) => (this.current?.id !== m.id ? 'unloaded' : this.current.state === 'ready' ? 'loaded' : 'loading');
      const data = this.models.map((m) => ({ id: m.id, aliases: m.aliases ?? [], tags: [], object: 'model', owned_by: 'llamacpp', created: 1795466434, status: { value: value(m) } }));
      return this.json(res, 200, JSON.stringify({ data, object: 'list' }));
    }
    if (route === 'POST /models/load') {
      const m = model();
      if (!m) return notFound();
      this.load(m).catch(() => undefined); // the router answers at once; /models says `loading`
      return this.json(res, 200, JSON.stringify({ success: true }));
    }
    if (route === 'POST /models/unload') {
      const m = model();
      if (!m || this.current?.id !== m.id) return this.json(res, 400, JSON.stringify({ error: { code: 400, message: 'model is not running', type: 'invalid_request_error' } }));
      this.current = undefined;
      return this.json(res, 200, JSON.stringify({ success: true }));
    }
    if (route === 'POST /v1/chat/completions') return this.chat(rec, res);
    return notFound();
  }

  private authorized(headers: IncomingHttpHeaders): boolean {
    const key = this.options.apiKey;
    return !key || headers.authorization === `Bearer ${key}` || headers['x-api-key'] === key;
  }

  private resolve(name: string): FakeModel | undefined {
    return this.models.find((m) => m.id === name) ?? this.models.find((m) => m.aliases?.includes(name));
  }

  /** llama-swap's `/running` up to v217 keeps a process only if it is ready: a loading model is absent. */
  private runningBody(): object[] {
    return this.running().filter((m) => m.state === 'ready' || this.options.runningShape === 'v218').map(({ model, state }) => this.options.runningShape === 'minimal'
      ? { model, state }
      : { model, state, cmd: `llama-server --port 5800 -m ${model}.gguf`, proxy: 'http://localhost:5800', ttl: 300, name: '', description: '' });
  }

  private modelsBody(): object {
    const data = this.models.map((m) => ({
      id: m.id, object: 'model', created: 1_795_466_277, owned_by: 'llama-swap', name: m.id,
      meta: { llamaswap: { type: 'model', aliases: m.aliases ?? [] } },
      status: { value: this.current?.id === m.id ? 'loaded' : 'unloaded' },
    }));
    return { object: 'list', data };
  }

  private errorBody(message: string, status: number): string {
    return this.options.errorShape === 'openai'
      ? JSON.stringify({ error: { message, type: status === 401 ? 'authentication_error' : 'server_error', code: status } })
      : JSON.stringify({ src: 'llama-swap', error: message });
  }

  /** Stops whatever is loaded and starts `model`; requests for the same model share one load. */
  private load(model: FakeModel): Promise<void> {
    if (this.current?.id === model.id) return this.current.ready;
    const entry: { id: string; state: 'starting' | 'ready'; ready: Promise<void> } = { id: model.id, state: 'starting', ready: Promise.resolve() };
    entry.ready = this.sleep(model.loadMs ?? 0).then(() => {
      if (this.current !== entry) throw new Error(`${model.id} was swapped out while loading`);
      if (model.failLoad !== undefined) {
        this.current = undefined;
        throw new Error(model.failLoad);
      }
      entry.state = 'ready';
    });
    entry.ready.catch(() => undefined);
    this.current = entry;
    return entry.ready;
  }

  private async upstream(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    // Model ids may contain '/': like llama-swap, match the id (or alias) that prefixes the rest of the path.
    const rest = decodeURIComponent(rec.path.slice('/upstream/'.length));
    const name = this.models.flatMap((m) => [m.id, ...(m.aliases ?? [])]).find((n) => rest === n || rest.startsWith(`${n}/`));
    const model = name === undefined ? undefined : this.resolve(name);
    if (!model) return this.json(res, 404, this.errorBody('model not found', 404));
    rec.model = model.id;
    try {
      await this.load(model);
    } catch (err) {
      return this.json(res, 502, this.errorBody(`unable to start process: ${(err as Error).message}`, 502));
    }
    // The upstream is a llama-server: its /health answers once loaded; `/` is its web UI, which a build without one
    // (such as the genuine ../shared/bin/llama-server, or --no-webui) answers with its 404, as here.
    if (rest === `${name}/health`) return this.json(res, 200, '{"status":"ok"}');
    this.json(res, 404, '{"error":{"message":"File Not Found","type":"not_found_error","code":404}}');
  }

  private async chat(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    const body = (typeof rec.body === 'object' && rec.body !== null ? rec.body : {}) as Record<string, unknown>;
    if (typeof body.model !== 'string' || body.model === '') return this.json(res, 404, this.errorBody('no model id could be identified', 404));
    const model = this.resolve(body.model);
    if (!model) return this.json(res, 404, this.errorBody('no router for requested model', 404));
    rec.model = model.id;
    const wantsLoadingState = body.stream === true && (model.sendLoadingState ?? this.options.sendLoadingState ?? false);
    const cold = !(this.current?.id === model.id && this.current.state === 'ready');
    const load = this.load(model);
    if (wantsLoadingState && cold) {
      if (!(await this.streamLoading(rec, res, model, load))) return;
    } else {
      try {
        await load;
      } catch (err) {
        return this.json(res, 500, this.errorBody(`unable to start process: ${(err as Error).message}`, 500));
      }
    }
    const reply = (await this.responder?.(rec)) ?? { kind: 'text', pieces: ['Hello', ' from', ` ${model.id}`], finish: 'stop' };
    await this.reply(rec, res, reply, body);
  }

  /** llama-swap's progress chunks while a streamed request waits for a cold model; false if the load failed. */
  private async streamLoading(rec: RecordedRequest, res: ServerResponse, model: FakeModel, load: Promise<void>): Promise<boolean> {
    const started = performance.now();
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const say = (text: string) => this.write(rec, res, `data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: text } }] })}\n\n`);
    say('━━━━━\n');
    say(`llama-swap loading model: ${model.id}\n`);
    let loading = true;
    const tick = async (): Promise<void> => {
      while (loading) {
        await this.sleep(this.options.loadingTickMs ?? 1000);
        if (loading) say('.');
      }
    };
    void tick();
    try {
      await load;
    } catch (err) {
      loading = false;
      // The status is already 200, so llama-swap's error JSON lands in the stream as a bare line.
      this.write(rec, res, this.errorBody(`unable to start process: ${(err as Error).message}`, 500));
      res.end();
      return false;
    }
    loading = false;
    say(`\nDone! (${((performance.now() - started) / 1000).toFixed(2)}s)\n`);
    say('━━━━━\n');
    say(' \n');
    return true;
  }

  private async reply(rec: RecordedRequest, res: ServerResponse, reply: ChatReply, body: Record<string, unknown>): Promise<void> {
    switch (reply.kind) {
      case 'stall':
        return;
      case 'error': {
        const payload = reply.body ?? '';
        const type = payload.trim().startsWith('{') ? JSON_TYPE : 'text/plain; charset=utf-8';
        // After a loading-state stream has sent 200, an upstream error body lands in the stream as is.
        if (!res.headersSent) res.writeHead(reply.status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(payload), ...reply.headers });
        if (payload) this.write(rec, res, payload);
        return void res.end();
      }
      case 'raw': {
        if (!res.headersSent) res.writeHead(reply.status ?? 200, reply.headers ?? STREAM_HEADERS);
        for (const [i, chunk] of reply.chunks.entries()) {
          if (i > 0 && reply.chunkDelayMs) await this.sleep(reply.chunkDelayMs);
          if (!this.write(rec, res, chunk)) return;
        }
        if (reply.then === 'destroy') res.destroy();
        else if (reply.then !== 'hang') res.end();
        return;
      }
      case 'oversized': {
        const pieces = Array.from({ length: Math.ceil(reply.bytes / 16_384) }, () => 'x'.repeat(16_384));
        return this.reply(rec, res, { kind: 'text', pieces }, body);
      }
      default:
        return this.stream(rec, res, reply, body);
    }
  }

  /** llama-server's stream: role chunk, one chunk per piece, finish chunk with timings, usage, [DONE]. */
  private async stream(rec: RecordedRequest, res: ServerResponse, reply: Extract<ChatReply, { pieces: string[] }>, body: Record<string, unknown>): Promise<void> {
    const base = { created: Math.floor(Date.now() / 1000), id: `chatcmpl-fake${rec.seq}`, model: rec.model, system_fingerprint: 'b10587-3f545bec', object: 'chat.completion.chunk' };
    const chunk = (choices: unknown[], extra: object = {}) => `data: ${JSON.stringify({ choices, ...base, ...extra })}\n\n`;
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
    const pieces = reply.pieces.slice(0, maxTokens);
    if (!res.headersSent) res.writeHead(200, STREAM_HEADERS);
    if (reply.firstChunkDelayMs) await this.sleep(reply.firstChunkDelayMs);
    if (!this.write(rec, res, chunk([{ finish_reason: null, index: 0, delta: { role: 'assistant', content: null } }]))) return;
    for (const piece of pieces) {
      if (reply.chunkDelayMs) await this.sleep(reply.chunkDelayMs);
      if (!this.write(rec, res, chunk([{ finish_reason: null, index: 0, delta: { content: piece } }]))) return;
    }
    if (reply.kind === 'silent') return;
    if (reply.kind === 'cut') return void (reply.abrupt ? res.destroy() : res.end());
    if (reply.kind === 'midstreamError') {
      this.write(rec, res, `data: ${JSON.stringify({ error: { code: 500, message: reply.message ?? 'The model produced output that does not match the expected peg-native format', type: 'server_error' } })}\n\n`);
      return void res.end();
    }
    const finish = reply.finish ?? (pieces.length < reply.pieces.length ? 'length' : 'stop');
    const { cached, evaluated } = this.promptCache(rec.model ?? '', body.messages, pieces.join(''));
    const promptN = cached + evaluated;
    const timings = { cache_n: cached, prompt_n: evaluated, prompt_ms: 2.5, prompt_per_token_ms: 0.125, prompt_per_second: 8000, predicted_n: pieces.length, predicted_ms: pieces.length, predicted_per_token_ms: 1, predicted_per_second: 1000 };
    const usage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    this.write(rec, res, chunk([{ finish_reason: finish, index: 0, delta: {} }], usage ? {} : { timings }));
    if (usage) {
      this.write(rec, res, chunk([], { usage: { completion_tokens: pieces.length, prompt_tokens: promptN, total_tokens: pieces.length + promptN, prompt_tokens_details: { cached_tokens: 0 } }, timings }));
    }
    this.write(rec, res, 'data: [DONE]\n\n');
    res.end();
  }

  /**
   * llama-server's slots: each finished request leaves its prompt and answer tokens in a slot, and a request
   * whose prompt starts with a slot's tokens evaluates only the rest (`cache_n` reused, `prompt_n` evaluated).
   * Tokens here are words of a rendered chat (a role marker, then the content's words).
   */
  private promptCache(model: string, messages: unknown, answer: string): { cached: number; evaluated: number } {
    const render = (list: { role?: unknown; content?: unknown }[]) =>
      list.flatMap((m) => [`<|${String(m.role)}|>`, ...String(m.content ?? '').split(/\s+/).filter(Boolean)]);
    const prompt = render(Array.isArray(messages) ? (messages as { role?: unknown; content?: unknown }[]) : []);
    let best = 0;
    for (const slot of this.slots.filter((x) => x.model === model)) {
      let n = 0;
      while (n < slot.tokens.length && n < prompt.length && slot.tokens[n] === prompt[n]) n++;
      best = Math.max(best, n);
    }
    // The last prompt token is always evaluated (llama-server needs its logits).
    const cached = Math.min(best, Math.max(0, prompt.length - 1));
    this.slots.unshift({ model, tokens: [...prompt, ...render([{ role: 'assistant', content: answer }])] });
    this.slots.length = Math.min(this.slots.length, 4);
    return { cached, evaluated: prompt.length - cached };
  }

  /** Writes one chunk and stamps it; false once the client has gone. */
  private write(rec: RecordedRequest, res: ServerResponse, data: string | Buffer): boolean {
    if (res.destroyed || res.writableEnded) return false;
    res.write(data);
    rec.firstChunkAt ??= performance.now();
    rec.lastChunkAt = performance.now();
    return true;
  }

  private json(res: ServerResponse, status: number, body: string): void {
    this.send(res, status, body, JSON_TYPE);
  }

  private send(res: ServerResponse, status: number, body: string, type: string): void {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
