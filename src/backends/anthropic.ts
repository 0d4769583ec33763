// Claude through the Anthropic Messages API, streamed with @anthropic-ai/sdk. No editor import.
// The SDK is required on the first chat only, so activation never parses it (esbuild ships it as a
// separate file and rewrites this require to it, see esbuild.mjs).
import type * as Sdk from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, MessageParam, StopReason } from '@anthropic-ai/sdk/resources/messages';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendError, type ChatBackend, type ChatRequest, type ChatResult, type FinishReason } from '../core/types';
import { formatDuration, retryAfterMs } from './httpErrors';
import { sameOriginFetch } from './keyedFetch';
import { DEFAULT_ANTHROPIC_URL, displayServer, noKeyError, toBackendError, type ErrorContext } from './anthropicErrors';

export interface AnthropicOptions {
  /** The key from the editor's secret storage, else ANTHROPIC_API_KEY. Asked on every chat (keys change). */
  getApiKey: () => Promise<string | undefined>;
  /** ANTHROPIC_BASE_URL from the environment; the editor passes it. Undefined: the same variable, else the API. */
  baseUrl?: string;
  /** Retries on 408/409/429/5xx and connection errors (default 2), so a call is tried at most maxRetries + 1 times. */
  maxRetries?: number;
  /** Longest wait for the first stream event, retries included (default 60 s). */
  firstByteTimeoutMs?: number;
  /** Longest silence once the stream has started (default 60 s). */
  idleTimeoutMs?: number;
  /** Largest answer, in UTF-8 bytes of text (default 1 MiB). */
  maxAnswerBytes?: number;
}

type SdkModule = typeof Sdk;
/** Why we aborted the request ourselves. */
type Halt = 'cancelled' | 'first-byte' | 'idle' | 'too-large';

/** Whether the API asks to try again (its own rule: 408, 409, 429, 5xx, a dropped connection; unless told not to). */
function retryable(sdk: SdkModule, err: unknown): boolean {
  if (err instanceof sdk.APIConnectionError) return true;
  if (!(err instanceof sdk.APIError) || err.status === undefined) return false;
  if (err.headers?.get('x-should-retry') === 'false') return false;
  return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
}

/** The wait the server asked for (retry-after-ms, then retry-after), else a short exponential backoff. */
function retryDelayMs(err: unknown, attempt: number): number {
  const headers = (err as { headers?: Headers }).headers;
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const after = retryAfterMs(headers?.get('retry-after') ?? undefined);
  if (after !== undefined) return after;
  return Math.min(500 * 2 ** (attempt - 1), 8_000) * (1 - Math.random() * 0.25);
}

function finishReason(stop: StopReason | null | undefined): FinishReason {
  if (stop === 'end_turn' || stop === 'stop_sequence') return 'stop';
  return stop === 'max_tokens' ? 'length' : 'other';
}

/**
 * Our messages in the Messages API's form. The API takes the system prompt as a parameter, not as a
 * message, so the (first) system message goes there; a later one is appended to it rather than sent
 * as a role the API rejects.
 * `jsonSchema` is ignored on purpose: the Messages API has no `response_format`, and its structured
 * outputs are not served by every Claude model nor by every gateway behind ANTHROPIC_BASE_URL, so a
 * judge on Claude gets its JSON by asking for it in the prompt (the verifier validates it with zod).
 */
export function toMessagesParams(req: ChatRequest): MessageCreateParamsStreaming {
  const system = req.messages.filter((m) => m.role === 'system').map((m) => m.content);
  const messages: MessageParam[] = req.messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: m.content }));
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    messages,
    stream: true,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
}

export class AnthropicBackend implements ChatBackend {
  readonly id = 'anthropic' as const;
  private sdk: SdkModule | undefined;
  private cached: { key: string; client: Sdk.Anthropic } | undefined;
  private readonly baseUrl: string;
  /** The address as shown to the user. */
  private readonly address: string;

  constructor(private readonly options: AnthropicOptions) {
    this.baseUrl = (options.baseUrl ?? process.env.ANTHROPIC_BASE_URL)?.trim() || DEFAULT_ANTHROPIC_URL;
    this.address = displayServer(this.baseUrl);
  }

  get server(): string {
    return `Anthropic at ${this.address}`;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const { model } = req;
    const server = this.address;
    const cancelled = () => new BackendError('cancelled', `The request for ${model} to Anthropic at ${server} was cancelled.`);
    if (req.signal.aborted) throw cancelled();
    let key: string | undefined;
    try {
      key = (await this.options.getApiKey())?.trim();
    } catch (err) {
      throw new BackendError('auth', `The Anthropic API key for ${model} could not be read.`, undefined, String(err));
    }
    if (!key) throw noKeyError(model);
    if (req.signal.aborted) throw cancelled();

    const sdk = this.loadSdk();
    const client = this.clientFor(sdk, key);
    const maxAttempts = (this.options.maxRetries ?? 2) + 1;
    const ctx: ErrorContext = { model, server, attempts: 1, apiKey: key };
    const firstByteMs = this.options.firstByteTimeoutMs ?? 60_000;
    const idleMs = this.options.idleTimeoutMs ?? 60_000;
    const maxBytes = this.options.maxAnswerBytes ?? 1024 * 1024;
    const deadline = Date.now() + firstByteMs;

    // One controller for every reason to stop: the caller's signal, our timers, the size cap.
    const controller = new AbortController();
    let halted: Halt | undefined;
    const halt = (why: Halt): void => {
      halted ??= why;
      controller.abort();
    };
    const onCancel = (): void => halt('cancelled');
    req.signal.addEventListener('abort', onCancel, { once: true });
    let timer = setTimeout(() => halt('first-byte'), firstByteMs);

    let text = '';
    let bytes = 0;
    let started = false;
    let complete = false;
    let stopReason: StopReason | null | undefined;
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    try {
      const stream = await this.open(sdk, client, req, controller.signal, ctx, maxAttempts, deadline);
      // The SDK's iterator ends quietly when aborted, so `halted` is checked after the loop too.
      for await (const event of stream) {
        started = true;
        clearTimeout(timer);
        timer = setTimeout(() => halt('idle'), idleMs);
        if (event.type === 'message_start') {
          inputTokens = event.message.usage.input_tokens;
        } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          const delta = event.delta.text;
          bytes += Buffer.byteLength(delta, 'utf8');
          if (bytes > maxBytes) {
            halt('too-large');
            break;
          }
          text += delta;
          req.onText?.(delta);
        } else if (event.type === 'message_delta') {
          stopReason = event.delta.stop_reason;
          outputTokens = event.usage.output_tokens;
          if (typeof event.usage.input_tokens === 'number') inputTokens = event.usage.input_tokens;
        } else if (event.type === 'message_stop') {
          complete = true;
        }
        if (halted) break;
      }
    } catch (err) {
      if (!halted) throw toBackendError(sdk, err, ctx, started);
    } finally {
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onCancel);
    }
    if (halted === 'cancelled') throw cancelled();
    if (halted === 'first-byte') {
      throw new BackendError('timeout', `Anthropic sent nothing for ${model} within ${formatDuration(firstByteMs)} at ${server}.`, undefined, undefined, true);
    }
    if (halted === 'idle') {
      throw new BackendError('timeout', `Anthropic's stream for ${model} went silent for ${formatDuration(idleMs)} at ${server}.`);
    }
    if (halted === 'too-large') {
      throw new BackendError('too-large', `Anthropic's answer for ${model} went over ${Math.round(maxBytes / 1024)} KiB and was cut at ${server}.`);
    }
    if (!complete) {
      throw new BackendError('stream', `Anthropic's stream for ${model} was cut off before its end at ${server}.`);
    }
    return { text, finishReason: finishReason(stopReason), inputTokens, outputTokens };
  }

  /**
   * Sends the request, retrying what the API says may be retried. Our loop, not the SDK's: a wait the
   * server asks for (429 Retry-After) that would outlast the first-byte budget is not waited out, so the
   * user hears "rate-limited, asked to wait N s" at once instead of a timeout a minute later.
   */
  private async open(
    sdk: SdkModule, client: Sdk.Anthropic, req: ChatRequest, signal: AbortSignal, ctx: ErrorContext, maxAttempts: number, deadline: number,
  ): Promise<AsyncIterable<Sdk.Anthropic.MessageStreamEvent>> {
    for (let attempt = 1; ; attempt++) {
      ctx.attempts = attempt;
      try {
        return await client.messages.create(toMessagesParams(req), { signal });
      } catch (err) {
        if (signal.aborted || attempt >= maxAttempts || !retryable(sdk, err)) throw err;
        const wait = retryDelayMs(err, attempt);
        if (Date.now() + wait >= deadline) {
          ctx.retryAfterMs = wait;
          throw err;
        }
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) throw err;
      }
    }
  }

  private loadSdk(): SdkModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see the top of the file
    return (this.sdk ??= require('@anthropic-ai/sdk') as SdkModule);
  }

  /** One client per (key, address): a new key from the editor replaces the old client. */
  private clientFor(sdk: SdkModule, key: string): Sdk.Anthropic {
    if (this.cached?.key === key) return this.cached.client;
    const client = new sdk.Anthropic({
      apiKey: key,
      baseURL: this.baseUrl,
      maxRetries: 0, // retried by open(), which knows the first-byte budget
      timeout: this.options.firstByteTimeoutMs ?? 60_000,
      // The Messages API's documented key header, which gateways behind ANTHROPIC_BASE_URL check too;
      // this SDK version would send the key as `Authorization: Bearer` instead, so that header is dropped.
      defaultHeaders: { 'x-api-key': key, authorization: null },
      // The key must not follow a redirect to another address (fetch keeps x-api-key across origins).
      fetch: sameOriginFetch(),
      // Our own log says what happened; the SDK's logger and tracing must not print requests anywhere.
      logLevel: 'off',
      openTelemetry: false,
    });
    this.cached = { key, client };
    return client;
  }
}
