// Turns what an exchange with a local or OpenAI-compatible server can end with (an error status, a network failure, a timer, a broken
// stream) into a BackendError: one sentence for the user naming the model and the server, the raw body
// for the log. No editor import.
import { STATUS_CODES } from 'node:http';
import { BackendError, type BackendErrorKind } from '../core/types';
import { SETTING_NAMES } from '../core/settingKeys';

const MAX_DETAIL = 4096;

/** The server as the user should see it: no credentials, query or trailing slash. */
export function displayAddress(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}

/** One line, bounded, without a final stop: it is embedded in our own sentence. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (flat.length > 200 ? `${flat.slice(0, 200)}…` : flat).replace(/[.\s]+$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The server's own reason from an error body. Accepts every shape llama-swap and llama-server send:
 * `{"src":"llama-swap","error":"…"}`, `{"error":{"message":…}}` (newer llama-swap, llama-server),
 * plain text (old llama-swap), or nothing (502 after a crash).
 */
export function reasonFromBody(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return oneLine(text) || undefined;
  }
  const found = reasonFromJson(json);
  return found ? oneLine(found) || undefined : undefined;
}

export function reasonFromJson(json: unknown): string | undefined {
  if (typeof json === 'string') return json;
  if (!isRecord(json)) return undefined;
  const error = json.error;
  if (typeof error === 'string') return error;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  return typeof json.message === 'string' ? json.message : undefined;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** What the network error says, as a short phrase: "connection refused", "host not found", … */
export function networkReason(err: unknown): string {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    if (!(e instanceof Error) || seen.has(e) || depth > 5) return;
    seen.add(e);
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') codes.push(code);
    visit(e.cause, depth + 1);
    // Node tries IPv6 and IPv4 for "localhost" and reports both failures in an AggregateError.
    if (e instanceof AggregateError) for (const inner of e.errors) visit(inner, depth + 1);
  };
  visit(err, 0);
  const phrases: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection reset',
    UND_ERR_SOCKET: 'connection closed',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  for (const code of codes) if (phrases[code]) return phrases[code];
  return oneLine(err instanceof Error ? err.message : String(err)) || 'unknown network error';
}

export function errorDetail(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    parts.push(`${e.name}: ${e.message}${code ? ` (${code})` : ''}`);
  }
  return parts.join(' <- ') || String(err);
}

/**
 * Builds the sentences for one server. `subject` starts the sentence ("qwen-7b", "Preloading qwen-7b",
 * "GET /running"); `model` is named in the unreachable sentence when there is one.
 */
export interface ServerNaming {
  /** The server's kind as sentences name it: "llama-swap", "Ollama", "LM Studio". */
  kind: string;
  address: string;
  apiKey?: string;
  /** What to do when it does not answer, e.g. "start it or fix hyperguild.llamaSwapUrl". */
  fix: string;
}

export class ServerErrors {
  readonly address: string;
  /** "llama-swap at http://127.0.0.1:8080". */
  readonly server: string;
  private readonly apiKey?: string;
  private readonly fix: string;

  constructor(naming: ServerNaming) {
    this.address = naming.address;
    this.server = `${naming.kind} at ${naming.address}`;
    this.apiKey = naming.apiKey;
    this.fix = naming.fix;
  }

  private make(kind: BackendErrorKind, message: string, status?: number, detail?: string, serverSilent?: boolean): BackendError {
    const clip = detail && detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail;
    return new BackendError(kind, this.redact(message), status, clip === undefined ? undefined : this.redact(clip), serverSilent);
  }

  /** A server or proxy might echo the key back; it must never reach a message or the log. */
  private redact(text: string): string {
    const key = this.apiKey;
    return key && key.length >= 4 ? text.split(key).join('[redacted]') : text;
  }

  status(subject: string, status: number, body: string): BackendError {
    const reason = reasonFromBody(body) ?? (status === 502 ? 'the model process stopped answering (empty reply)' : describeStatus(status));
    if (status >= 300 && status < 400) {
      // undici's request() follows no redirect: one that carries a key must not take it to another address.
      return this.make('http', `${subject} was redirected by ${this.server} (${status}), and Hyperguild does not follow redirects, so a key never goes with one; use the address it redirects to.`, status, body || undefined);
    }
    if (status === 401 || status === 403) {
      return this.make('auth', `${subject} was refused by ${this.server}: the API key is missing or wrong (${status}).`, status, body);
    }
    return this.make('http', `${subject} failed on ${this.server}: ${reason} (${status}).`, status, body || undefined);
  }

  unknownModel(model: string, body: string): BackendError {
    return this.make('http', `${model} is not a model ${this.server} knows, so there was nothing to unload (404); check the name in ${SETTING_NAMES.chain}.`, 404, body || undefined);
  }

  singleModel(model: string): BackendError {
    return this.make('http', `The llama-server at ${this.address} serves one model, always loaded, so ${model} cannot be unloaded there.`);
  }

  notRunning(model: string, body: string): BackendError {
    return this.make('http', `${model} is not running on ${this.server} (or is not a configured model), so there was nothing to unload (404).`, 404, body || undefined);
  }

  unreachable(model: string | undefined, err: unknown): BackendError {
    const forModel = model ? ` for ${model}` : '';
    return this.make('unreachable', `${this.server} is not reachable${forModel} (${networkReason(err)}); ${this.fix}.`, undefined, errorDetail(err));
  }

  brokenConnection(subject: string, err: unknown): BackendError {
    return this.make('stream', `${subject} failed on ${this.server}: the connection broke mid-answer (${networkReason(err)}).`, undefined, errorDetail(err));
  }

  streamProblem(subject: string, kind: 'stream' | 'protocol', reason: string, status?: number, detail?: string): BackendError {
    const code = status !== undefined ? ` (${status})` : '';
    return this.make(kind, `${subject} failed on ${this.server}: ${oneLine(reason)}${code}.`, status, detail);
  }

  notJson(subject: string, body: string): BackendError {
    return this.make('protocol', `${subject} on ${this.server} got an answer that is not the expected JSON.`, undefined, body);
  }

  firstByteTimeout(subject: string, ms: number): BackendError {
    return this.make('timeout', `${subject} got no answer from ${this.server} within ${formatDuration(ms)}, so the request was cut (a cold model load can take minutes).`, undefined, undefined, true);
  }

  idleTimeout(subject: string, ms: number): BackendError {
    return this.make('timeout', `${subject} on ${this.server} went silent for ${formatDuration(ms)} mid-answer, so the stream was cut.`);
  }

  tooLarge(subject: string, maxBytes: number): BackendError {
    return this.make('too-large', `${subject} on ${this.server} sent an answer over ${formatBytes(maxBytes)}, so it was cut.`);
  }

  cancelled(subject: string): BackendError {
    return this.make('cancelled', `${subject} on ${this.server} was cancelled.`);
  }
}

function describeStatus(status: number): string {
  return (STATUS_CODES[status] ?? 'unexpected status').toLowerCase();
}
