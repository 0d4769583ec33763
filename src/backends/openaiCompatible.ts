// Any server that speaks OpenAI's `/v1/chat/completions` (OpenRouter, OpenAI, DeepSeek, a company gateway, vLLM…).
// Our own streaming client, the one llama-swap uses (undici + eventsource-parser, checked against a genuine
// llama-server's bytes), rather than the `openai` SDK: the wire protocol is the same, and this keeps one set of
// timeouts, error sentences and token accounting for every OpenAI-style server. It cannot tell warmth.
import * as z from 'zod/mini';
import type { ChatRequest, ChatResult, ModelInfo, ModelServer } from '../core/types';
import { HttpClient } from './http';
import { openAiChat } from './openAiChat';

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer` to this server only. */
  apiKey?: string;
  /** "OpenAI-compatible server \"openrouter\"": how sentences name it. */
  kindLabel?: string;
  fix?: string;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxAnswerBytes?: number;
  requestTimeoutMs?: number;
}

const ModelsBody = z.object({ data: z.array(z.object({ id: z.string() })) });

/**
 * The API root as the provider documents it (`https://openrouter.ai/api/v1`, `https://api.openai.com/v1`);
 * an address without a version segment (`https://api.deepseek.com`, `http://gpu-box:8000`) gets `/v1`.
 */
export function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return /\/v\d+(beta\d*)?$/.test(new URL(trimmed).pathname) ? trimmed : `${trimmed}/v1`;
}

export class OpenAiCompatibleClient implements ModelServer {
  readonly id = 'openai-compatible' as const;
  private readonly http: HttpClient;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.http = new HttpClient({
      baseUrl: apiRoot(options.baseUrl), apiKey: options.apiKey, requestTimeoutMs: options.requestTimeoutMs,
      naming: { kind: options.kindLabel ?? 'the OpenAI-compatible server', fix: options.fix ?? 'start it or fix its address' },
    });
  }

  get server(): string {
    return this.http.errors.server;
  }

  chat(req: ChatRequest): Promise<ChatResult> {
    const limits = { firstByteMs: this.options.firstByteTimeoutMs ?? 60_000, idleMs: this.options.idleTimeoutMs ?? 60_000, maxAnswerBytes: this.options.maxAnswerBytes ?? 1024 * 1024 };
    return openAiChat(this.http, req, limits, 'chat/completions');
  }

  /** The models it lists (`GET models`); some gateways list none, so Check Setup treats an empty list as "cannot tell". */
  async models(signal?: AbortSignal): Promise<ModelInfo[]> {
    const json = await this.http.getJson('models', 'GET /models', signal);
    const parsed = ModelsBody.safeParse(json);
    if (!parsed.success) throw this.http.errors.notJson('GET /models', JSON.stringify(json));
    return parsed.data.data.map((m) => ({ id: m.id, aliases: [] }));
  }

  close(): Promise<void> {
    return this.http.close();
  }

  retire(): Promise<void> {
    return this.http.retire();
  }
}
