import type * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { LlamaSwapClient } from '../backends/llamaSwap';
import { AnthropicBackend } from '../backends/anthropic';
import type { BackendId, ChatBackend } from '../core/types';
import type { Settings } from './settings';
import type { StoredKey } from './secretKeys';

type ClientSettings = Pick<Settings, 'llamaSwapUrl' | 'firstByteTimeoutMs' | 'idleTimeoutMs'>;

/** The backends one run uses, held open until the run releases them. */
export interface BackendLease {
  backends: Record<BackendId, ChatBackend>;
  release(): void;
}

/**
 * Creates and keeps the backends. A llama-swap client is kept per address, timeouts and key, so a run in
 * flight keeps the client it started with when the settings change under it; once no setting in effect
 * and no run refers to a client, its connections are closed.
 */
export class EngineHost implements vscode.Disposable {
  private readonly clients = new Map<string, { client: LlamaSwapClient; leases: number }>();
  /** The client the settings in effect refer to; never retired. */
  private inEffect: string | undefined;
  private cloud: { id: string; backend: AnthropicBackend } | undefined;

  constructor(
    private readonly key: Pick<StoredKey, 'get'>,
    /** llama-swap's own key, when the user stored one; read synchronously as clients are built. */
    private readonly llamaSwapKey?: Pick<StoredKey, 'current'>,
  ) {}

  llamaSwap(settings: ClientSettings): LlamaSwapClient {
    return this.entry(settings).client;
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

  /** The backends for one run; its llama-swap client is not retired before release(). */
  lease(settings: Settings): BackendLease {
    const entry = this.entry(settings);
    entry.leases++;
    let released = false;
    return {
      backends: { 'llama-swap': entry.client, anthropic: this.anthropic(settings) },
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        this.retireUnused();
      },
    };
  }

  /** The settings in effect changed: clients that neither they nor a run refer to close their connections. */
  settingsInEffect(settings: ClientSettings): void {
    this.inEffect = this.idOf(settings);
    this.retireUnused();
  }

  dispose(): void {
    for (const { client } of this.clients.values()) void client.close();
    this.clients.clear();
  }

  private idOf(settings: ClientSettings): string {
    const apiKey = this.llamaSwapKey?.current;
    // A digest, not the key, identifies the client: the key itself stays out of long-lived strings.
    const keyId = apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 12) : '';
    return `${settings.llamaSwapUrl}|${settings.firstByteTimeoutMs}|${settings.idleTimeoutMs}|${keyId}`;
  }

  private entry(settings: ClientSettings): { client: LlamaSwapClient; leases: number } {
    const id = this.idOf(settings);
    let entry = this.clients.get(id);
    if (!entry) {
      const apiKey = this.llamaSwapKey?.current;
      entry = {
        client: new LlamaSwapClient({
          baseUrl: settings.llamaSwapUrl,
          firstByteTimeoutMs: settings.firstByteTimeoutMs,
          idleTimeoutMs: settings.idleTimeoutMs,
          ...(apiKey && { apiKey }),
        }),
        leases: 0,
      };
      this.clients.set(id, entry);
    }
    return entry;
  }

  private retireUnused(): void {
    if (this.inEffect === undefined) return;
    for (const [id, entry] of this.clients) {
      if (id === this.inEffect || entry.leases > 0) continue;
      this.clients.delete(id);
      // Graceful: a preload or menu action still in flight on it finishes first.
      void entry.client.retire();
    }
  }
}
