// LM Studio: chat over its OpenAI-compatible `/v1/chat/completions` (it loads a model on demand, "JIT"), and
// what is loaded from its REST API's model list (`/api/v0/models`, each with `state` loaded | not-loaded).
// No editor import.
import * as z from 'zod/mini';
import type { ChatRequest, ChatResult, ModelInfo, ModelServer, ServerStatus } from '../core/types';
import { HttpClient } from './http';
import { openAiChat } from './openAiChat';

export interface LmStudioOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer` when the server requires a key. */
  apiKey?: string;
  label?: string;
  fix?: string;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxAnswerBytes?: number;
  requestTimeoutMs?: number;
}

const Models = z.object({
  data: z.array(z.object({ id: z.string(), type: z.optional(z.string()), state: z.optional(z.string()) })),
});

export class LmStudioClient implements ModelServer {
  readonly id = 'lmstudio' as const;
  private readonly http: HttpClient;
  private readonly firstByteMs: number;
  private readonly idleMs: number;
  private readonly maxAnswerBytes: number;

  constructor(options: LmStudioOptions) {
    this.http = new HttpClient({
      baseUrl: options.baseUrl, apiKey: options.apiKey, requestTimeoutMs: options.requestTimeoutMs,
      naming: { kind: options.label ?? 'LM Studio', fix: options.fix ?? 'start its server (Developer tab, or "lms server start") or fix its address' },
    });
    this.firstByteMs = options.firstByteTimeoutMs ?? 300_000;
    this.idleMs = options.idleTimeoutMs ?? 60_000;
    this.maxAnswerBytes = options.maxAnswerBytes ?? 1024 * 1024;
  }

  get server(): string {
    return this.http.errors.server;
  }

  chat(req: ChatRequest): Promise<ChatResult> {
    return openAiChat(this.http, req, { firstByteMs: this.firstByteMs, idleMs: this.idleMs, maxAnswerBytes: this.maxAnswerBytes });
  }

  /** Every downloaded chat model (embedding models cannot answer), loaded or not. */
  async models(signal?: AbortSignal): Promise<ModelInfo[]> {
    return (await this.list(signal)).map((m) => ({ id: m.id, aliases: [] }));
  }

  async status(signal?: AbortSignal): Promise<ServerStatus> {
    const models = (await this.list(signal)).filter((m) => m.state === 'loaded').map((m) => ({ model: m.id, state: 'ready' as const }));
    return { kind: 'LM Studio', models };
  }

  close(): Promise<void> {
    return this.http.close();
  }

  retire(): Promise<void> {
    return this.http.retire();
  }

  private async list(signal?: AbortSignal) {
    const json = await this.http.getJson('api/v0/models', 'GET /api/v0/models', signal);
    const parsed = Models.safeParse(json);
    if (!parsed.success) throw this.http.errors.notJson('GET /api/v0/models', JSON.stringify(json));
    return parsed.data.data.filter((m) => m.type !== 'embeddings');
  }
}
