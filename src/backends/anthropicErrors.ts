// Turns what the Anthropic SDK throws into a BackendError: one sentence for the user that names the
// model and the server, the API's error body for the log. No editor import; no SDK import at runtime
// (the SDK's classes are passed in, so this module never loads it).
import type * as Sdk from '@anthropic-ai/sdk';
import { BackendError } from '../core/types';
import { displayAddress, formatDuration } from './httpErrors';

export const DEFAULT_ANTHROPIC_URL = 'https://api.anthropic.com';
export const SET_KEY_COMMAND = '"Hyperguild: Set Anthropic API Key"';

/** Where a failure happened, for the sentence. */
export interface ErrorContext {
  model: string;
  server: string;
  /** How many times the request was sent. */
  attempts: number;
  /** Set when the server asked for a wait longer than the time left, so it was not retried. */
  retryAfterMs?: number;
  /** Replaced by `[redacted]` wherever it appears, in case a server or proxy echoes it. */
  apiKey?: string;
}

/** The server as the user should see it: no credentials, query or trailing slash. */
export function displayServer(baseUrl: string | undefined): string {
  return displayAddress(baseUrl?.trim() || DEFAULT_ANTHROPIC_URL);
}

export function noKeyError(model: string): BackendError {
  return new BackendError('auth', `No Anthropic API key is set for ${model}: run ${SET_KEY_COMMAND} or set ANTHROPIC_API_KEY.`);
}

/** Removes the key from any text that may reach a message, a detail or a log. */
export function redact(text: string, apiKey: string | undefined): string {
  return apiKey && apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
}

function withoutFinalStop(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return (oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine).replace(/[.\s]+$/, '');
}

function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    parts.push(`${e.name}: ${e.message}${code ? ` (${code})` : ''}`);
  }
  return parts.join(' <- ') || String(err);
}

function innermostCode(err: unknown): string | undefined {
  let code: string | undefined;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    code = (e as NodeJS.ErrnoException).code ?? code;
  }
  return code;
}

/** The sentence and kind for an HTTP error status that arrived before the stream started. */
function httpError(err: Sdk.APIError, ctx: ErrorContext): BackendError {
  const { model, server } = ctx;
  const status = err.status ?? 0;
  const api = err.apiMessage ? withoutFinalStop(err.apiMessage) : undefined;
  const times = ctx.attempts === 1 ? 'once' : `${ctx.attempts} times`;
  const asked = ctx.retryAfterMs !== undefined ? ` and asked to wait ${formatDuration(ctx.retryAfterMs)}, longer than the time left` : '';
  const detail = `${status} ${JSON.stringify(err.error ?? null)}${err.requestID ? ` request-id ${err.requestID}` : ''}`;
  const make = (kind: 'auth' | 'http', message: string) =>
    new BackendError(kind, redact(message, ctx.apiKey), status, redact(detail, ctx.apiKey));
  const location = status >= 300 && status < 400 ? err.headers?.get('location') : undefined;
  if (location) {
    const target = URL.canParse(location, server) ? displayAddress(new URL(location, server).href) : 'another address';
    return make('http', `${server} redirected the request for ${model} to ${target}; a request that carries the API key does not follow a redirect to another address, so nothing was sent there (use that address directly if you trust it).`);
  }
  switch (status) {
    case 401:
      return make('auth', `Anthropic rejected the API key for ${model} (401 at ${server}); run ${SET_KEY_COMMAND}.`);
    case 403:
      return make('auth', `Anthropic refused ${model} to this API key (403 at ${server})${api ? `: ${api}` : ''}; check the key's permissions or run ${SET_KEY_COMMAND}.`);
    case 404:
      // Anthropic's own 404 for a model is a `not_found_error`; anything else means the address is wrong.
      return err.type === 'not_found_error' && /model/i.test(err.apiMessage ?? '')
        ? make('http', `${model} is not a model Anthropic knows (404 at ${server}).`)
        : make('http', `${server} has no Anthropic Messages API for ${model} (404); check ANTHROPIC_BASE_URL.`);
    case 400:
      return make('http', `Anthropic rejected the request for ${model} as invalid (400 at ${server})${api ? `: ${api}` : ''}.`);
    case 413:
      return make('http', `The request for ${model} is too large for Anthropic (413 at ${server}).`);
    case 429:
      return make('http', `Anthropic rate-limited ${model} (429 at ${server})${asked}; tried ${times}.`);
    case 529:
      return make('http', `Anthropic is overloaded (529) for ${model} at ${server}${asked}; tried ${times}.`);
    default:
      return status >= 500
        ? make('http', `Anthropic had a server error (${status}) for ${model} at ${server}${asked}; tried ${times}.`)
        : make('http', `Anthropic answered ${status} for ${model} at ${server}${api ? `: ${api}` : ''}.`);
  }
}

/**
 * Maps an error thrown by the SDK (or while reading its stream) to a BackendError.
 * `streamStarted` tells a mid-stream failure (kind `stream`) from one before any event.
 */
export function toBackendError(sdk: typeof Sdk, err: unknown, ctx: ErrorContext, streamStarted: boolean): BackendError {
  const { model, server } = ctx;
  if (err instanceof BackendError) return err;
  if (err instanceof sdk.APIUserAbortError) {
    return new BackendError('cancelled', `The request for ${model} to Anthropic at ${server} was cancelled.`);
  }
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return new BackendError('timeout', `Anthropic did not answer in time for ${model} at ${server}.`, undefined, redact(causeChain(err), ctx.apiKey), true);
  }
  if (err instanceof sdk.APIConnectionError) {
    const code = innermostCode(err);
    return new BackendError(
      'unreachable',
      `Anthropic is unreachable at ${server} for ${model}${code ? ` (${code})` : ''}.`,
      undefined,
      redact(causeChain(err), ctx.apiKey),
    );
  }
  if (err instanceof sdk.APIError && err.status === undefined) {
    // An `event: error` inside a 200 stream (the SDK throws it with the event's body).
    const api = err.apiMessage ? withoutFinalStop(err.apiMessage) : (err.type ?? 'unknown error');
    return new BackendError(
      'stream',
      redact(`Anthropic's stream for ${model} failed mid-answer at ${server}: ${api}.`, ctx.apiKey),
      undefined,
      redact(JSON.stringify(err.error ?? null), ctx.apiKey),
    );
  }
  if (err instanceof sdk.APIError) return httpError(err, ctx);
  const detail = redact(err instanceof Error ? (err.stack ?? causeChain(err)) : String(err), ctx.apiKey);
  return streamStarted
    ? new BackendError('protocol', `Anthropic's stream for ${model} at ${server} could not be read.`, undefined, detail)
    : new BackendError('protocol', `The request for ${model} to Anthropic at ${server} failed before it was sent.`, undefined, detail);
}
