// Warmth for every local server in the chain: one WarmTracker per server that can tell what is loaded, in chain
// order. The first local tier's server is the primary: the status-bar item, getWarmState() and the walkthrough
// follow it; the tooltip and the menu cover them all. No editor import.
import type { ServerWarmState, FetchAliases, FetchRunning, WarmTrackerOptions } from './warmTracker';
import { WarmTracker } from './warmTracker';
import type { WarmState } from '../types';

/** One local server the chain uses. */
export interface WatchedServer {
  /** backendKey of its tiers: 'llama-swap' (hyperguild.llamaSwapUrl) or `@<name>`. */
  key: string;
  /** "Ollama \"laptop\" at http://127.0.0.1:11434". */
  label: string;
  /** Its chain models, in chain order. */
  models: string[];
  /** The client: when it is another (a new address or key), the tracker starts afresh. */
  source: unknown;
  /** Absent when the server cannot tell what is loaded (warmth unknown). */
  fetchRunning?: FetchRunning;
  fetchAliases?: FetchAliases;
}

export interface BoardEntry {
  server: WatchedServer;
  tracker?: WarmTracker;
}

const UNKNOWN: ServerWarmState = Object.freeze({ server: 'unknown', models: [] });

export class WarmBoard {
  private entries: BoardEntry[] = [];
  private active = false;
  private readonly listeners = new Set<(state: ServerWarmState) => void>();
  private readonly anyListeners = new Set<() => void>();

  constructor(private readonly options: Omit<WarmTrackerOptions, 'fetchRunning' | 'fetchAliases'>) {}

  /** The servers to watch, in chain order. A tracker whose server and client are unchanged keeps its state. */
  setServers(servers: readonly WatchedServer[]): void {
    const before = this.primaryState;
    const old = new Map(this.entries.map((e) => [e.server.key, e]));
    this.entries = servers.map((server) => {
      const previous = old.get(server.key);
      old.delete(server.key);
      if (previous?.tracker && server.fetchRunning) {
        if (previous.server.source !== server.source) previous.tracker.setSource(server.fetchRunning, server.fetchAliases);
        return { server, tracker: previous.tracker };
      }
      previous?.tracker?.dispose();
      return { server, tracker: server.fetchRunning ? this.track(server) : undefined };
    });
    for (const gone of old.values()) gone.tracker?.dispose();
    for (const e of this.entries) e.tracker?.setActive(this.active);
    if (this.primaryState !== before) this.firePrimary();
    this.fireAny();
  }

  get all(): readonly BoardEntry[] {
    return this.entries;
  }

  get primary(): BoardEntry | undefined {
    return this.entries[0];
  }

  tracker(key: string): WarmTracker | undefined {
    return this.entries.find((e) => e.server.key === key)?.tracker;
  }

  /** (contract shape) The primary server's state. */
  get primaryState(): ServerWarmState {
    return this.primary?.tracker?.state ?? UNKNOWN;
  }

  /** For the engine: the server's state read now; `unknown` for a server that cannot tell. */
  readWarmth(model: string, key: string): Promise<WarmState> {
    return this.tracker(key)?.readWarmth(model) ?? Promise.resolve('unknown');
  }

  cachedWarmth(model: string, key: string): WarmState {
    return this.tracker(key)?.cachedWarmth(model) ?? 'unknown';
  }

  setActive(active: boolean): void {
    this.active = active;
    for (const e of this.entries) e.tracker?.setActive(active);
  }

  setIntervalMs(ms: number): void {
    for (const e of this.entries) e.tracker?.setIntervalMs(ms);
  }

  /** The primary server's state changed. */
  onDidChangePrimary(listener: (state: ServerWarmState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Any server's state changed, or the servers did. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.anyListeners.add(listener);
    return { dispose: () => this.anyListeners.delete(listener) };
  }

  dispose(): void {
    for (const e of this.entries) e.tracker?.dispose();
    this.entries = [];
    this.listeners.clear();
    this.anyListeners.clear();
  }

  private track(server: WatchedServer): WarmTracker {
    const tracker = new WarmTracker({ ...this.options, fetchRunning: server.fetchRunning as FetchRunning, ...(server.fetchAliases && { fetchAliases: server.fetchAliases }) });
    tracker.onDidChange(() => {
      if (this.primary?.tracker === tracker) this.firePrimary();
      this.fireAny();
    });
    return tracker;
  }

  private firePrimary(): void {
    const state = this.primaryState;
    for (const l of [...this.listeners]) l(state);
  }

  private fireAny(): void {
    for (const l of [...this.anyListeners]) l();
  }
}
