// How a run's clients are made from the settings snapshot: the implicit llama-swap at hyperguild.llamaSwapUrl, each
// named server (hyperguild.servers) and Anthropic. Shared by the editor's EngineHost (which caches them across runs)
// and the command line (one set per run). No editor import.
import type { Settings } from '../core/setup/settings';
import type { ServerSpec } from '../core/engine/servers';
import type { ChatBackend, ModelServer } from '../core/types';
import { AnthropicBackend } from './anthropic';
import { LlamaSwapClient } from './llamaSwap';
import { createServerClient } from './serverClient';

export type ClientSettings = Pick<Settings, 'llamaSwapUrl' | 'firstByteTimeoutMs' | 'idleTimeoutMs'>;
export type ServersSettings = ClientSettings & Pick<Settings, 'servers'>;
export type Client = ChatBackend & Partial<ModelServer>;

/** The client for hyperguild.llamaSwapUrl (chain entries that name no server). */
export function defaultLlamaSwap(settings: ClientSettings, apiKey?: string): LlamaSwapClient {
  return new LlamaSwapClient({
    baseUrl: settings.llamaSwapUrl,
    firstByteTimeoutMs: settings.firstByteTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    ...(apiKey && { apiKey }),
  });
}

/** The client for a named server, with the key stored for it (if any). */
export function namedServer(spec: ServerSpec, settings: ClientSettings, apiKey?: string): Client {
  return createServerClient(spec, { firstByteTimeoutMs: settings.firstByteTimeoutMs, idleTimeoutMs: settings.idleTimeoutMs, ...(apiKey && { apiKey }) });
}

/**
 * The cloud backend. Its address comes from ANTHROPIC_BASE_URL only (never from a setting: a workspace must not
 * redirect the key); `getApiKey` is asked on every request.
 */
export function anthropicBackend(getApiKey: () => Promise<string | undefined>, settings: Pick<Settings, 'idleTimeoutMs'>, baseUrl: string | undefined): AnthropicBackend {
  return new AnthropicBackend({ getApiKey, baseUrl: baseUrl?.trim() || undefined, idleTimeoutMs: settings.idleTimeoutMs });
}

/** Where the keys come from, for a set made once (the command line). */
export interface BackendKeys {
  anthropic: () => Promise<string | undefined>;
  anthropicBaseUrl?: string;
  llamaSwap?: (url: string) => string | undefined;
  server?: (spec: ServerSpec) => string | undefined;
}

/** Every backend one run may use, by backendKey(tier), and a way to close them all. */
export interface BackendSet {
  backends: Record<string, Client>;
  close(): Promise<void>;
}

/** One run's backends, made afresh (the command line runs once and exits). */
export function createBackendSet(settings: ServersSettings, keys: BackendKeys): BackendSet {
  const backends: Record<string, Client> = {
    anthropic: anthropicBackend(keys.anthropic, settings, keys.anthropicBaseUrl),
    'llama-swap': defaultLlamaSwap(settings, keys.llamaSwap?.(settings.llamaSwapUrl)),
  };
  for (const spec of settings.servers.values()) backends[`@${spec.name}`] = namedServer(spec, settings, keys.server?.(spec));
  return {
    backends,
    close: async () => {
      await Promise.all(Object.values(backends).map((b) => b.close?.() ?? Promise.resolve()));
    },
  };
}
