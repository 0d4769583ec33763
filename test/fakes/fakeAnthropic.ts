// A fake Anthropic Messages API on 127.0.0.1 that follows the real wire protocol (SSE event names,
// error body shape, retry headers), so the real SDK can be tested against it. node:http only.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: Record<string, unknown> | undefined;
  /** Resolves when the connection carrying this request's response closes, for whatever reason. */
  closed: Promise<void>;
  /** True once the response was written completely (false when the client went away first). */
  finished: boolean;
}

/** What the fake answers to one request. */
export type FakeReply =
  | {
      kind: 'message';
      /** The answer, streamed one piece per content_block_delta (joined for a non-stream request). */
      pieces?: string[];
      /** Pause before each delta. */
      delayMs?: number;
      stopReason?: string;
      inputTokens?: number;
      outputTokens?: number;
      /** After the pieces: `stop` (message_delta + message_stop, the normal end), `cut` (end the
       *  response without message_stop), `error` (an `event: error`), `stall` (hold the stream open). */
      end?: 'stop' | 'cut' | 'error' | 'stall';
      error?: { type: FakeErrorType; message: string };
    }
  | { kind: 'error'; status: number; type: FakeErrorType; message: string; retryAfterMs?: number }
  /** Accept the request and never send a byte (not even headers). */
  | { kind: 'stall' };

export type Responder = (request: RecordedRequest, index: number) => FakeReply | undefined;

export interface FakeAnthropicOptions {
  /** The key `x-api-key` must carry (default `sk-ant-test-key`). */
  apiKey?: string;
  /** When set, other models get the real 404 `not_found_error`. */
  knownModels?: string[];
  /** The reply when the responder gives none. */
  defaultReply?: FakeReply;
  responder?: Responder;
}

const ERROR_STATUS: Record<FakeErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  responder: Responder | undefined;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly apiKey: string;
  private counter = 0;

  private constructor(private readonly options: FakeAnthropicOptions) {
    this.apiKey = options.apiKey ?? 'sk-ant-test-key';
    this.responder = options.responder;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** Base address to use as ANTHROPIC_BASE_URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests that reached `/v1/messages`. */
  get messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/v1/messages');
  }

  /** Stops listening and destroys every open connection (stalled streams included). */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | undefined;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0],
        headers: req.headers,
        body,
        closed: new Promise((resolve) => res.on('close', () => resolve())),
        finished: false,
      };
      res.on('finish', () => (record.finished = true));
      this.requests.push(record);
      void this.answer(record, raw, res).catch(() => res.destroy());
    });
  }

  private async answer(record: RecordedRequest, raw: string, res: http.ServerResponse): Promise<void> {
    // The same checks, in the same order, as the real API.
    const key = record.headers['x-api-key'];
    if (!key) return this.sendError(res, { status: 401, type: 'authentication_error', message: 'x-api-key header is required' });
    if (key !== this.apiKey) return this.sendError(res, { status: 401, type: 'authentication_error', message: 'invalid x-api-key' });
    if (!record.headers['anthropic-version']) {
      return this.sendError(res, { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' });
    }
    if (record.method !== 'POST' || record.path !== '/v1/messages') {
      return this.sendError(res, { status: 404, type: 'not_found_error', message: 'Not Found' });
    }
    const body = record.body;
    if (!body) return this.sendError(res, { status: 400, type: 'invalid_request_error', message: `invalid JSON body: ${raw.slice(0, 40)}` });
    const model = String(body.model ?? '');
    if (typeof body.max_tokens !== 'number') {
      return this.sendError(res, { status: 400, type: 'invalid_request_error', message: 'max_tokens: Field required' });
    }
    if (this.options.knownModels && !this.options.knownModels.includes(model)) {
      return this.sendError(res, { status: 404, type: 'not_found_error', message: `model: ${model}` });
    }
    const reply = this.responder?.(record, this.requests.indexOf(record)) ??
      this.options.defaultReply ?? { kind: 'message', pieces: ['Hello', ' from', ' the fake.'] };
    if (reply.kind === 'stall') return; // never answer; close() or the client ends it
    if (reply.kind === 'error') return this.sendError(res, reply);
    const inputTokens = reply.inputTokens ?? Math.max(1, Math.ceil(raw.length / 4));
    const pieces = reply.pieces ?? [];
    const outputTokens = reply.outputTokens ?? pieces.length;
    const id = `msg_fake${++this.counter}`;
    const usage = { input_tokens: inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_fake${this.counter}` });
      res.end(JSON.stringify({
        id, type: 'message', role: 'assistant', model,
        content: [{ type: 'text', text: pieces.join('') }],
        stop_reason: reply.stopReason ?? 'end_turn', stop_sequence: null, usage,
      }));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': `req_fake${this.counter}`,
    });
    const send = (event: string, data: unknown): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('message_start', {
      type: 'message_start',
      message: {
        id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    send('ping', { type: 'ping' });
    for (const piece of pieces) {
      if (reply.delayMs) await this.sleep(reply.delayMs);
      if (res.destroyed) return;
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } });
    }
    const end = reply.end ?? 'stop';
    if (end === 'stall') return;
    if (end === 'cut') return void res.end();
    if (end === 'error') {
      const error = reply.error ?? { type: 'overloaded_error', message: 'Overloaded' };
      send('error', { type: 'error', error });
      return void res.end();
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: reply.stopReason ?? 'end_turn', stop_sequence: null },
      usage: { output_tokens: outputTokens },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  private sendError(res: http.ServerResponse, e: { status?: number; type: FakeErrorType; message: string; retryAfterMs?: number }): void {
    const status = e.status ?? ERROR_STATUS[e.type];
    const requestId = `req_fake${++this.counter}`;
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'request-id': requestId };
    if (status === 429 || status === 529) {
      const ms = e.retryAfterMs ?? 10;
      headers['retry-after'] = String(Math.max(1, Math.ceil(ms / 1000)));
      headers['retry-after-ms'] = String(ms);
    }
    res.writeHead(status, headers);
    res.end(JSON.stringify({ type: 'error', error: { type: e.type, message: e.message }, request_id: requestId }));
  }
}
