import type * as vscode from 'vscode';
import { LlamaSwapClient } from '../backends/llamaSwap';
import { AnthropicBackend } from '../backends/anthropic';
import type { BackendId, ChatBackend } from '../core/types';
import type { Settings } from './settings';
import type { AnthropicKey } from './anthropicKey';

/**
 * Creates and keeps the backends. A llama-swap client is kept per address and timeouts, so a
 * run in flight keeps the client it started with when the settings change under it.
 */
export class EngineHost implements vscode.Disposable {
  private readonly clients = new Map<string, LlamaSwapClient>();
  private cloud: AnthropicBackend | undefined;

  constructor(private readonly key: AnthropicKey) {}

  llamaSwap(settings: Pick<Settings, 'llamaSwapUrl' | 'firstByteTimeoutMs' | 'idleTimeoutMs'>): LlamaSwapClient {
    const id = `${settings.llamaSwapUrl}|${settings.firstByteTimeoutMs}|${settings.idleTimeoutMs}`;
    let client = this.clients.get(id);
    if (!client) {
      client = new LlamaSwapClient({
        baseUrl: settings.llamaSwapUrl,
        firstByteTimeoutMs: settings.firstByteTimeoutMs,
        idleTimeoutMs: settings.idleTimeoutMs,
      });
      this.clients.set(id, client);
    }
    return client;
  }

  anthropic(settings: Pick<Settings, 'idleTimeoutMs'>): AnthropicBackend {
    // The address comes from the environment only: a workspace must not redirect the key.
    this.cloud ??= new AnthropicBackend({
      getApiKey: () => this.key.get(),
      baseUrl: process.env.ANTHROPIC_BASE_URL || undefined,
      idleTimeoutMs: settings.idleTimeoutMs,
    });
    return this.cloud;
  }

  backends(settings: Settings): Record<BackendId, ChatBackend> {
    return { 'llama-swap': this.llamaSwap(settings), anthropic: this.anthropic(settings) };
  }

  dispose(): void {
    for (const c of this.clients.values()) void c.close();
    this.clients.clear();
  }
}
