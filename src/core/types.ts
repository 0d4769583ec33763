// Shared vocabulary of the engine. Pure types: no runtime code, no editor import.

export type TierKind = 'local' | 'cloud';
/** The protocol a server speaks: `hyperguild.servers`' `kind`, and the two implicit servers' ('llama-swap', 'anthropic'). */
export type BackendId = 'llama-swap' | 'llama-server' | 'ollama' | 'lmstudio' | 'openai-compatible' | 'anthropic';
export const BACKEND_KINDS: readonly BackendId[] = ['llama-swap', 'llama-server', 'ollama', 'lmstudio', 'openai-compatible', 'anthropic'];
/** Warmth of a local model when its tier started (`unknown` for cloud tiers or when nobody knows). */
export type WarmState = 'ready' | 'starting' | 'cold' | 'unknown';
/** 'skipped': the tier was not asked (hyperguild.adaptive started past it); never a judgement of an answer. */
export type Verdict = 'accept' | 'escalate' | 'error' | 'skipped';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Asks for machine-readable output (the judge). Generation requests never carry it. */
export interface JsonSchemaFormat {
  name: string;
  schema: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  /** The first message may be a system message; backends map it to their own form. */
  messages: ChatMessage[];
  maxTokens: number;
  temperature?: number;
  jsonSchema?: JsonSchemaFormat;
  /**
   * A tighter bound on the wait for the first byte than the backend's own (which allows for a cold
   * load), for a caller that knows the model is loaded: the self-verifying judge.
   */
  firstByteTimeoutMs?: number;
  signal: AbortSignal;
  /** Answer text as it is generated (never loading-state text). */
  onText?: (delta: string) => void;
  /** llama-swap's loading-state progress (`sendLoadingState`), e.g. "llama-swap loading model: qwen-7b". */
  onLoading?: (message: string) => void;
  /** A thinking model is reasoning (text that is not the answer). */
  onThinking?: () => void;
}

export type FinishReason = 'stop' | 'length' | 'other';

export interface ChatResult {
  text: string;
  finishReason: FinishReason;
  inputTokens?: number;
  outputTokens?: number;
  /** Set when the server reported a cold load while we waited (loading-state chunks): how long it took. */
  loadMs?: number;
  /** From the request to the first token of the answer (or of its reasoning), when the backend measured it. */
  firstTokenMs?: number;
  /** llama-server's `timings`: prompt tokens evaluated afresh (`prompt_n`) and reused from its cache (`cache_n`). */
  promptEval?: { evaluated: number; cached: number };
}

/** Why a backend call failed; `message` is one sentence for the user naming the model and the server. */
export type BackendErrorKind =
  | 'unreachable' // connection refused / DNS / reset before any answer
  | 'http' // an error status before the stream started
  | 'timeout' // no first byte in time, or the stream went idle
  | 'stream' // an error event mid-stream, or a stream cut off
  | 'protocol' // malformed answer
  | 'too-large' // answer over the size cap
  | 'auth' // missing or rejected key
  | 'cancelled'; // the caller's AbortSignal fired

export class BackendError extends Error {
  constructor(
    readonly kind: BackendErrorKind,
    message: string,
    readonly status?: number,
    /** Extra detail for the log only (bodies, stack). Never shown as the user's sentence. */
    readonly detail?: string,
    /** The server never answered at all (refused, or no first byte in time), as opposed to failing mid-answer. */
    readonly serverSilent = kind === 'unreachable',
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/** Whether a failure means the server is not answering, so later tiers on it need not wait for it again. */
export function serverDidNotAnswer(err: unknown): boolean {
  return err instanceof BackendError && err.serverSilent;
}

export interface ChatBackend {
  readonly id: BackendId;
  /** The server as named in sentences, e.g. "llama-swap at http://127.0.0.1:8080". */
  readonly server?: string;
  /** Streams one answer. Rejects with BackendError (kind `cancelled` when `signal` fired). */
  chat(request: ChatRequest): Promise<ChatResult>;
}

/** One model as llama-swap's `/running` reports it. */
export interface RunningModel {
  model: string;
  state: 'starting' | 'ready' | 'stopping';
}

/** What a poll of a local server reads: what is loaded, and what kind of server says so. */
export interface ServerStatus {
  /** As the user reads it: "llama-swap", "llama-server router", "Ollama 0.6.2", "LM Studio". */
  kind: string;
  models: RunningModel[];
  /** It serves one model whatever a request names (a single-model llama-server): every chain model is as warm as that one. */
  answersAnyModel?: boolean;
}

/** A model a server can serve, with the other names it answers to. */
export interface ModelInfo {
  id: string;
  aliases: string[];
}

/**
 * A server with models (every kind but Anthropic): chat, the models it knows, and where its kind can tell or
 * do it, what is loaded, its version, preload and unload.
 */
export interface ModelServer extends ChatBackend {
  readonly server: string;
  models(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Absent when the kind cannot tell what is loaded (an OpenAI-compatible server: warmth unknown). */
  status?(signal?: AbortSignal): Promise<ServerStatus>;
  version?(signal?: AbortSignal): Promise<string | undefined>;
  /** Loads a model without generating; resolves once it is loaded (or the load is under way, where the kind says so at once). */
  preload?(model: string, signal?: AbortSignal): Promise<void>;
  unload?(model: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /** Closes the connections once the requests in flight have finished. */
  retire(): Promise<void>;
}
