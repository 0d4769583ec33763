import { createHash } from 'node:crypto';
import type { LlamaSwapClient } from '../../backends/llamaSwap';
import type { AnthropicBackend } from '../../backends/anthropic';
import { anthropicBackend, defaultLlamaSwap, namedServer, type Client, type ClientSettings, type ServersSettings } from '../../backends/backendSet';
import type { ServerSpec } from '../../core/engine/servers';
import type { ChatBackend } from '../../core/types';
import type { Settings } from '../settings';
import type { StoredKey } from '../setup/secretKeys';
import { Disposable } from '../disposable';

/** The backends one run uses, held open until the run releases them. */
export interface BackendLease {
  /** By backendKey(tier): 'llama-swap', 'anthropic', and `@<name>` for each named server. */
  backends: Record<string, ChatBackend>;
  release(): void;
}

/** The key stored for a named server, given only for the address it was stored for. */
export interface ServerKeySource {
  keyFor(spec: ServerSpec): string | undefined;
}

/** llama-swap's key, given only for the address it was stored for (see AddressBoundKey). */
export interface UrlKeySource {
  keyFor(url: string): string | undefined;
}

/** A digest, not the key, identifies a client: the key itself stays out of long-lived strings. */
const digest = (key: string | undefined) => (key ? createHash('sha256').update(key).digest('hex').slice(0, 12) : '');

/**
 * Creates and keeps the backends. A client is kept per server, address, timeouts and key, so a run in flight
 * keeps the clients it started with when the settings change under it; once no setting in effect and no run
 * refers to a client, its connections are closed.
 */
export class EngineHost extends Disposable {
  private readonly clients = new Map<string, { client: Client; leases: number }>();
  /** The clients the settings in effect refer to; never retired. */
  private inEffect = new Set<string>();
  private cloud: { id: string; backend: AnthropicBackend } | undefined;

  constructor(
    private readonly key: Pick<StoredKey, 'get'>,
    /** llama-swap's own key, when the user stored one; read synchronously as clients are built. */
    private readonly llamaSwapKey?: UrlKeySource,
    private readonly serverKeys?: ServerKeySource,
  ) {
    super();
  }

  /** The client for hyperguild.llamaSwapUrl (chain entries that name no server). */
  llamaSwap(settings: ClientSettings): LlamaSwapClient {
    return this.entry(this.defaultId(settings), () => this.makeDefault(settings)).client as LlamaSwapClient;
  }

  /** The client for a named server (hyperguild.servers). */
  server(spec: ServerSpec, settings: ClientSettings): Client {
    const apiKey = this.serverKeys?.keyFor(spec);
    return this.entry(this.serverId(spec, settings, apiKey), () => namedServer(spec, settings, apiKey)).client;
  }

  anthropic(settings: Pick<Settings, 'idleTimeoutMs'>): AnthropicBackend {
    // The address comes from the environment only (read per run, never from a setting): a workspace
    // must not redirect the key. A run keeps the backend it started with, as with llama-swap.
    const baseUrl = process.env.ANTHROPIC_BASE_URL?.trim() || undefined;
    const id = `${baseUrl ?? ''}|${settings.idleTimeoutMs}`;
    if (this.cloud?.id !== id) {
      this.cloud = { id, backend: anthropicBackend(() => this.key.get(), settings, baseUrl) };
    }
    return this.cloud.backend;
  }

  /** The backends for one run; its clients are not retired before release(). */
  lease(settings: ServersSettings): BackendLease {
    const held: { leases: number }[] = [];
    const backends: Record<string, ChatBackend> = { anthropic: this.anthropic(settings) };
    const hold = (key: string, id: string, make: () => Client) => {
      const entry = this.entry(id, make);
      entry.leases++;
      held.push(entry);
      backends[key] = entry.client;
    };
    hold('llama-swap', this.defaultId(settings), () => this.makeDefault(settings));
    for (const spec of settings.servers.values()) {
      const apiKey = this.serverKeys?.keyFor(spec);
      hold(`@${spec.name}`, this.serverId(spec, settings, apiKey), () => namedServer(spec, settings, apiKey));
    }
    let released = false;
    return {
      backends,
      release: () => {
        if (released) return;
        released = true;
        for (const entry of held) entry.leases--;
        this.retireUnused();
      },
    };
  }

  /** The settings in effect changed: clients that neither they nor a run refer to close their connections. */
  settingsInEffect(settings: ServersSettings): void {
    this.inEffect = new Set([this.defaultId(settings), ...[...settings.servers.values()].map((s) => this.serverId(s, settings, this.serverKeys?.keyFor(s)))]);
    this.retireUnused();
  }

  override dispose(): void {
    for (const { client } of this.clients.values()) void client.close?.();
    this.clients.clear();
    super.dispose();
  }

  private defaultId(settings: ClientSettings): string {
    return `default|${settings.llamaSwapUrl}|${settings.firstByteTimeoutMs}|${settings.idleTimeoutMs}|${digest(this.llamaSwapKey?.keyFor(settings.llamaSwapUrl))}`;
  }

  private serverId(spec: ServerSpec, settings: ClientSettings, apiKey: string | undefined): string {
    return `@${spec.name}|${spec.kind}|${spec.url}|${spec.cloud}|${settings.firstByteTimeoutMs}|${settings.idleTimeoutMs}|${digest(apiKey)}`;
  }

  private makeDefault(settings: ClientSettings): LlamaSwapClient {
    return defaultLlamaSwap(settings, this.llamaSwapKey?.keyFor(settings.llamaSwapUrl));
  }

  private entry(id: string, make: () => Client): { client: Client; leases: number } {
    let entry = this.clients.get(id);
    if (!entry) {
      entry = { client: make(), leases: 0 };
      this.clients.set(id, entry);
    }
    return entry;
  }

  private retireUnused(): void {
    if (this.inEffect.size === 0) return;
    for (const [id, entry] of this.clients) {
      if (this.inEffect.has(id) || entry.leases > 0) continue;
      this.clients.delete(id);
      // Graceful: a preload or menu action still in flight on it finishes first.
      void entry.client.retire?.();
    }
  }
}
