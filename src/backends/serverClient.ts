// Builds the client for one named server (hyperguild.servers) from its kind: one file per kind behind the
// ChatBackend seam, chosen here only. No editor import.
import type { ServerSpec } from '../core/engine/servers';
import type { ChatBackend, ModelServer } from '../core/types';
import { AnthropicBackend } from './anthropic';
import { LlamaSwapClient } from './llamaSwap';
import { LmStudioClient } from './lmStudio';
import { OllamaClient } from './ollama';
import { OpenAiCompatibleClient } from './openaiCompatible';
import { SETTING_NAMES } from '../core/settingKeys';

export interface ServerClientOptions {
  /** The key stored for this server (and for its address); undefined when none is. */
  apiKey?: string;
  /** Local servers: long enough for a cold load. Cloud servers use 60 s. */
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
}

const KIND_LABEL: Record<ServerSpec['kind'], string> = {
  'llama-swap': 'llama-swap', 'llama-server': 'llama-server', ollama: 'Ollama', lmstudio: 'LM Studio',
  'openai-compatible': 'OpenAI-compatible server', anthropic: 'Anthropic',
};

/** "Ollama \"laptop\"": the kind and the user's name for it, as sentences say it. */
export function serverLabel(spec: Pick<ServerSpec, 'kind' | 'name'>): string {
  return `${KIND_LABEL[spec.kind]} "${spec.name}"`;
}

export function createServerClient(spec: ServerSpec, options: ServerClientOptions): ChatBackend & Partial<ModelServer> {
  const label = serverLabel(spec);
  const fix = `start it or fix ${SETTING_NAMES.servers}.${spec.name}.url`;
  const firstByteTimeoutMs = spec.cloud ? Math.min(60_000, options.firstByteTimeoutMs) : options.firstByteTimeoutMs;
  const common = { baseUrl: spec.url, firstByteTimeoutMs, idleTimeoutMs: options.idleTimeoutMs, fix, ...(options.apiKey && { apiKey: options.apiKey }) };
  switch (spec.kind) {
    case 'llama-swap':
    case 'llama-server':
      return new LlamaSwapClient({ ...common, kind: spec.kind, label });
    case 'ollama':
      return new OllamaClient({ ...common, label });
    case 'lmstudio':
      return new LmStudioClient({ ...common, label });
    case 'openai-compatible':
      return new OpenAiCompatibleClient({ ...common, kindLabel: label });
    case 'anthropic':
      return new AnthropicBackend({ getApiKey: () => Promise.resolve(options.apiKey), baseUrl: spec.url, idleTimeoutMs: options.idleTimeoutMs });
  }
}
