// A fake Ollama on 127.0.0.1 (node:http only) after its documented API (docs/api.md in ollama/ollama): `/api/chat`
// streams NDJSON, one `{"model","created_at","message":{"role","content"},"done":false}` per piece, then a last line
// with `done: true`, `done_reason` and the durations (nanoseconds) and counts; nothing at all is sent while a cold
// model loads (`load_duration` then says how long); `/api/generate` with no prompt loads (`done_reason: "load"`),
// with `keep_alive: 0` unloads (`"unload"`); `/api/ps` lists loaded models only; `/api/tags` the installed ones;
// an unknown model is a 404 `{"error":"model \"x\" not found, try pulling it first"}`; a failure mid-stream is a
// line `{"error":"…"}`. Ollama has no keys: `apiKey` stands for a proxy in front of it that checks one.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface FakeOllamaModel {
  name: string;
  /** Cold-load time. Default 0. */
  loadMs?: number;
}

export type OllamaReply =
  | { kind: 'text'; pieces: string[]; chunkDelayMs?: number; doneReason?: 'stop' | 'length' }
  | { kind: 'midstreamError'; pieces: string[]; message: string }
  /** Bytes as given after the 200 header, no framing (a line without its newline, a trickle); then the body ends. */
  | { kind: 'raw'; chunks: string[]; chunkDelayMs?: number }
  | { kind: 'error'; status: number; message: string };

export interface OllamaRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | undefined;
  /** The client closed the connection before the reply was all written. */
  cutByClient?: boolean;
}

export interface FakeOllamaOptions {
  models?: FakeOllamaModel[];
  loaded?: string[];
  /** Models kept in memory at once (OLLAMA_MAX_LOADED_MODELS on a small GPU). Default 1. */
  maxLoaded?: number;
  apiKey?: string;
  version?: string;
  responder?: (req: OllamaRequest) => OllamaReply | undefined;
}

const NS = 1e6;

export class FakeOllamaServer {
  readonly requests: OllamaRequest[] = [];
  responder?: FakeOllamaOptions['responder'];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Loaded models, least recently used first. */
  private inMemory: string[];
  private port = 0;

  private constructor(private readonly options: FakeOllamaOptions) {
    this.responder = options.responder;
    this.inMemory = [...(options.loaded ?? [])];
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => void this.handle(req.method ?? 'GET', req.url ?? '/', req.headers, raw, res).catch(() => res.destroy()));
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  static async start(options: FakeOllamaOptions = {}): Promise<FakeOllamaServer> {
    const fake = new FakeOllamaServer(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as { port: number }).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  loaded(): string[] {
    return [...this.inMemory];
  }

  requestsTo(path: string): OllamaRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private get models(): FakeOllamaModel[] {
    return this.options.models ?? [{ name: 'qwen2.5-coder:7b' }];
  }

  /** `name` is `name:latest`. */
  private find(name: unknown): FakeOllamaModel | undefined {
    if (typeof name !== 'string') return undefined;
    const full = name.includes(':') ? name : `${name}:latest`;
    return this.models.find((m) => m.name === full);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Loads a model (evicting the least recent past maxLoaded); resolves with the load time in ms. */
  private async load(model: FakeOllamaModel): Promise<number> {
    if (this.inMemory.includes(model.name)) {
      this.inMemory = [...this.inMemory.filter((m) => m !== model.name), model.name];
      return 2; // Ollama reports a few ms even for a loaded model
    }
    const ms = model.loadMs ?? 0;
    await this.sleep(ms);
    this.inMemory = [...this.inMemory.filter((m) => m !== model.name), model.name].slice(-(this.options.maxLoaded ?? 1));
    return Math.max(ms, 2);
  }

  /** Writes each chunk once the last has drained (this side's memory stays bounded too); stops when the client goes. */
  private async writeRaw(rec: OllamaRequest, res: import('node:http').ServerResponse, chunks: readonly string[], delayMs: number): Promise<void> {
    let closed = false;
    res.once('close', () => (closed = true));
    for (const chunk of chunks) {
      if (closed) break;
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go).off('close', go);
            resolve();
          };
          res.on('drain', go).on('close', go);
        });
      }
      if (delayMs && !closed) await this.sleep(delayMs);
    }
    rec.cutByClient = closed && !res.writableFinished;
    if (!closed) res.end();
  }

  private async handle(method: string, path: string, headers: IncomingHttpHeaders, raw: string, res: import('node:http').ServerResponse): Promise<void> {
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const rec: OllamaRequest = { method, path, headers, body };
    this.requests.push(rec);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(value));
    };
    if (this.options.apiKey && headers.authorization !== `Bearer ${this.options.apiKey}`) return json(401, { error: 'unauthorized' });
    const now = () => new Date().toISOString();
    if (method === 'GET' && path === '/api/version') return json(200, { version: this.options.version ?? '0.12.6' });
    if (method === 'GET' && path === '/api/tags') {
      return json(200, { models: this.models.map((m) => ({ name: m.name, model: m.name, modified_at: now(), size: 4_683_087_332, digest: 'a'.repeat(64), details: { format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' } })) });
    }
    if (method === 'GET' && path === '/api/ps') {
      return json(200, { models: this.inMemory.map((name) => ({ name, model: name, size: 6_654_289_920, digest: 'a'.repeat(64), details: { format: 'gguf', family: 'qwen2' }, expires_at: new Date(Date.now() + 300_000).toISOString(), size_vram: 6_654_289_920, context_length: 4096 })) });
    }
    if (method !== 'POST' || (path !== '/api/chat' && path !== '/api/generate')) return json(404, { error: '404 page not found' });
    const model = this.find(body?.model);
    if (!model) return json(404, { error: `model "${String(body?.model)}" not found, try pulling it first` });
    const messages = Array.isArray(body?.messages) ? body.messages : [];
    const loadOnly = path === '/api/generate' ? typeof body?.prompt !== 'string' || body.prompt === '' : messages.length === 0;
    if (loadOnly) {
      if (body?.keep_alive === 0 || body?.keep_alive === '0') {
        this.inMemory = this.inMemory.filter((m) => m !== model.name);
        return json(200, { model: model.name, created_at: now(), ...(path === '/api/chat' ? { message: { role: 'assistant', content: '' } } : { response: '' }), done: true, done_reason: 'unload' });
      }
      await this.load(model);
      return json(200, { model: model.name, created_at: now(), ...(path === '/api/chat' ? { message: { role: 'assistant', content: '' } } : { response: '' }), done: true, done_reason: 'load' });
    }
    const reply = this.responder?.(rec) ?? { kind: 'text', pieces: ['```ts\n', 'const x = 1;\n', '```'] };
    if (reply.kind === 'error') return json(reply.status, { error: reply.message });
    const loadMs = await this.load(model); // nothing is sent while the model loads
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    if (reply.kind === 'raw') return this.writeRaw(rec, res, reply.chunks, reply.chunkDelayMs ?? 0);
    const line = (value: unknown) => res.write(`${JSON.stringify(value)}\n`);
    const limit = typeof (body?.options as { num_predict?: unknown } | undefined)?.num_predict === 'number' ? (body?.options as { num_predict: number }).num_predict : Infinity;
    let sent = 0;
    for (const piece of reply.pieces) {
      if (sent >= limit) break;
      line({ model: model.name, created_at: now(), message: { role: 'assistant', content: piece }, done: false });
      sent++;
      if (reply.kind === 'text' && reply.chunkDelayMs) await this.sleep(reply.chunkDelayMs);
    }
    if (reply.kind === 'midstreamError') {
      line({ error: reply.message });
      res.end();
      return;
    }
    const doneReason = sent >= limit && sent < reply.pieces.length ? 'length' : (reply.doneReason ?? 'stop');
    line({
      model: model.name, created_at: now(), message: { role: 'assistant', content: '' }, done_reason: doneReason, done: true,
      total_duration: Math.round((loadMs + 50) * NS), load_duration: Math.round(loadMs * NS), prompt_eval_count: 26 + raw.length / 8 | 0,
      prompt_eval_duration: 20 * NS, eval_count: sent, eval_duration: 30 * NS,
    });
    res.end();
  }
}
