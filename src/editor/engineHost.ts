import type * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { LlamaSwapClient } from '../backends/llamaSwap';
import { AnthropicBackend } from '../backends/anthropic';
import type { BackendId, ChatBackend } from '../core/types';
import type { Settings } from './settings';
import type { StoredKey } from './secretKeys';

/**
 * Creates and keeps the backends. A llama-swap client is kept per address and timeouts, so a
 * run in flight keeps the client it started with when the settings change under it.
 */
export class EngineHost implements vscode.Disposable {
  private readonly clients = new Map<string, LlamaSwapClient>();
  private cloud: { id: string; backend: AnthropicBackend } | undefined;

  constructor(
    private readonly key: Pick<StoredKey, 'get'>,
    /** llama-swap's own key, when the user stored one; read synchronously as clients are built. */
    private readonly llamaSwapKey?: Pick<StoredKey, 'current'>,
  ) {}

  llamaSwap(settings: Pick<Settings, 'llamaSwapUrl' | 'firstByteTimeoutMs' | 'idleTimeoutMs'>): LlamaSwapClient {
    const apiKey = this.llamaSwapKey?.current;
    // A digest, not the key, identifies the client: the key itself stays out of long-lived strings.
    const keyId = apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 12) : '';
    const id = `${settings.llamaSwapUrl}|${settings.firstByteTimeoutMs}|${settings.idleTimeoutMs}|${keyId}`;
    let client = this.clients.get(id);
    if (!client) {
      client = new LlamaSwapClient({
        baseUrl: settings.llamaSwapUrl,
        firstByteTimeoutMs: settings.firstByteTimeoutMs,
        idleTimeoutMs: settings.idleTimeoutMs,
        ...(apiKey && { apiKey }),
      });
      this.clients.set(id, client);
    }
    return client;
  }

  anthropic(settings: Pick<Settings, 'idleTimeoutMs'>): AnthropicBackend {
    // The address comes from the environment only (read per run, never from a setting): a workspace
    // must not redirect the key. A run keeps the backend it started with, as with llama-swap.
    const baseUrl = process.env.ANTHROPIC_BASE_URL?.trim() || undefined;
    const id = `${baseUrl ?? ''}|${settings.idleTimeoutMs}`;
    if (this.cloud?.id !== id) {
      this.cloud = { id, backend: new AnthropicBackend({ getApiKey: () => this.key.get(), baseUrl, idleTimeoutMs: settings.idleTimeoutMs }) };
    }
    return this.cloud.backend;
  }

  backends(settings: Settings): Record<BackendId, ChatBackend> {
    return { 'llama-swap': this.llamaSwap(settings), anthropic: this.anthropic(settings) };
  }

  dispose(): void {
    for (const c of this.clients.values()) void c.close();
    this.clients.clear();
  }
}
