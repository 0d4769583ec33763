// The llama-swap client: streamed chat, which models are warm, preload and unload. Plain Node (undici),
// no editor import. Every failure becomes a BackendError whose message is one sentence naming the model
// and the server; bodies go to `detail`.
import * as z from 'zod/mini';
import type { ChatRequest, ChatResult, ModelInfo, ModelServer, RunningModel, ServerStatus as CoreStatus } from '../core/types';

export type { ModelInfo } from '../core/types';
import { HttpClient, MAX_ERROR_BODY, parseJson, type Exchange, type SmallExchange } from './http';
import { openAiChat } from './openAiChat';
import { SETTING_NAMES } from '../core/settingKeys';

export interface LlamaSwapOptions {
  baseUrl: string;
  /** llama-swap's own key (its `apiKeys`), sent as `Authorization: Bearer` to this server only. */
  apiKey?: string;
  /**
   * Which server the user said it is. `llama-server` skips the `/running` probe (llama-server has none);
   * `llama-swap` (the default) learns from the answers whether llama-swap or a llama-server answers.
   */
  kind?: 'llama-swap' | 'llama-server';
  /** What to do when it does not answer; default "start it or fix hyperguild.llamaSwapUrl". */
  fix?: string;
  /** How sentences name it, e.g. `llama-server "gpu"`; default its kind. */
  label?: string;
  /** Wait for response headers and the first body byte. A cold load can take minutes: default 300 s. */
  firstByteTimeoutMs?: number;
  /** A started stream that sends nothing this long is cut. Default 60 s. */
  idleTimeoutMs?: number;
  /** Answer text above this many bytes is cut (kind `too-large`). Default 1 MiB. */
  maxAnswerBytes?: number;
  /** Bound for the small calls (`/running`, `/v1/models`, `/api/version`, unload). Default 5 s. */
  requestTimeoutMs?: number;
}

/** Which server answers at the address; learnt from its answers (`/running`, `/models`). */
export type ServerKind = 'llama-swap' | 'llama-server router' | 'llama-server (single model)';

/** What a poll reads: the server's kind and its models that are not stopped. */
export interface ServerStatus extends CoreStatus {
  kind: ServerKind;
}

// Any state string is read: a state a newer llama-swap adds is listed, but not warm (see parseRunning).
const RunningEntry = z.object({ model: z.string().check(z.minLength(1)), state: z.string() });
const SWAP_STATE: Record<string, RunningModel['state'] | undefined> = { starting: 'starting', ready: 'ready', stopping: 'stopping' };
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

export class LlamaSwapClient implements ModelServer {
  readonly id: 'llama-swap' | 'llama-server';
  /** The server as shown to the user. */
  readonly address: string;
  private readonly http: HttpClient;
  /** Which server answers: llama-swap, llama-server in router mode, or a single-model llama-server. */
  private flavor: keyof typeof FLAVOR_KIND | undefined;
  private readonly firstByteMs: number;
  private readonly idleMs: number;
  private readonly maxAnswerBytes: number;

  constructor(options: LlamaSwapOptions) {
    this.id = options.kind ?? 'llama-swap';
    this.http = new HttpClient({
      baseUrl: options.baseUrl, apiKey: options.apiKey, requestTimeoutMs: options.requestTimeoutMs,
      naming: { kind: options.label ?? this.id, fix: options.fix ?? `start it or fix ${SETTING_NAMES.llamaSwapUrl}` },
    });
    this.address = this.http.address;
    this.firstByteMs = options.firstByteTimeoutMs ?? 300_000;
    this.idleMs = options.idleTimeoutMs ?? 60_000;
    this.maxAnswerBytes = options.maxAnswerBytes ?? 1024 * 1024;
  }

  private get errors() {
    return this.http.errors;
  }

  get server(): string {
    return this.http.errors.server;
  }

  chat(req: ChatRequest): Promise<ChatResult> {
    return openAiChat(this.http, req, { firstByteMs: this.firstByteMs, idleMs: this.idleMs, maxAnswerBytes: this.maxAnswerBytes });
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
    if (this.flavor !== 'router' && this.flavor !== 'single' && this.id !== 'llama-server') {
      const [res, loaded] = await Promise.all([
        this.small({ method: 'GET', path: 'running', subject: 'GET /running', signal }),
        // Optional knowledge: an older server without `status`, or a failure here, only hides loading.
        this.loadedIds(signal).catch(() => [] as string[]),
      ]);
      if (res.status !== 404 || this.flavor === 'llama-swap') {
        if (res.status !== 200) throw this.errors.status('GET /running', res.status, res.text);
        this.flavor = 'llama-swap';
        const { running, listed } = this.parseRunning(parseJson(res.text), res.text);
        for (const id of loaded) if (!listed.has(id)) running.push({ model: id, state: 'starting' });
        return { kind: FLAVOR_KIND['llama-swap'], models: running, answersAnyModel: false };
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
    return { kind: FLAVOR_KIND[this.flavor], models, answersAnyModel: this.flavor === 'single' };
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

  /**
   * The models in a known state, and every model listed at all: one in a state this code does not know (a newer
   * llama-swap's) is neither warm nor, by the `/v1/models` rule above, taken for starting. A malformed entry is skipped.
   */
  private parseRunning(json: unknown, text: string): { running: RunningModel[]; listed: Set<string> } {
    const parsed = RunningBody.safeParse(json);
    if (json === undefined || !parsed.success) throw this.errors.notJson('GET /running', text);
    const running: RunningModel[] = [];
    const listed = new Set<string>();
    for (const entry of parsed.data.running ?? []) {
      const ok = RunningEntry.safeParse(entry);
      if (!ok.success) continue;
      listed.add(ok.data.model);
      const state = SWAP_STATE[ok.data.state];
      if (state) running.push({ model: ok.data.model, state });
    }
    return { running, listed };
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
   * Loads a model through llama-swap's `GET /upstream/<model>/health`; resolves once it answered. `/health` is the
   * path llama-swap itself waits on (its default checkEndpoint), so every upstream it starts serves it; `/` (what
   * llama-swap's UI asks) is llama-server's web UI, a 404 where the build has none or runs with --no-webui.
   * In llama-server's router mode, `POST /models/load` (it returns at once; `/models` says `loading`);
   * a single-model llama-server has nothing to load.
   */
  async preload(model: string, signal?: AbortSignal): Promise<void> {
    // Each kind loads differently: learn which one answers first (a failure here is the preload's own to report).
    if (this.flavor === undefined) await this.status(signal).catch(() => undefined);
    if (this.flavor === 'single') return; // its one model is always loaded
    if (this.flavor === 'router') return this.routerAction('load', model, signal);
    const exchange: Exchange = {
      method: 'GET', path: `upstream/${encodeURIComponent(model)}/health`, subject: `Preloading ${model}`, model, signal,
      firstByteMs: this.firstByteMs, idleMs: this.idleMs,
    };
    const res = await this.http.run(exchange, async (r, guard) => {
      const ok = r.statusCode >= 200 && r.statusCode <= 399;
      // The page itself is of no use: drain it so the request ends, keep only an error body.
      return { status: r.statusCode, text: await this.http.readText(r, guard, exchange, ok ? 0 : MAX_ERROR_BODY, 'truncate') };
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

  close(): Promise<void> {
    return this.http.close();
  }

  /** Closes the connections once the requests in flight have finished; later calls fail. */
  retire(): Promise<void> {
    return this.http.retire();
  }

  private getJson(path: string, subject: string, signal?: AbortSignal): Promise<unknown> {
    return this.http.getJson(path, subject, signal);
  }

  private small(x: SmallExchange): Promise<{ status: number; text: string }> {
    return this.http.small(x);
  }
}
