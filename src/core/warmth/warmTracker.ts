// core/warmth: which model is warm on each local server (warmTracker, warmBoard) and the preload of a cold one.
// May import only core/types.
//
// Which llama-swap model is warm, from polling `/running`. No editor import: the status bar, the API and the
// engine's WarmthSource all read this one cache, so the run never probes warmth on its critical path.
import type { RunningModel, WarmState } from '../types';

/** (contract) The shape of the API's getWarmState(). */
export interface ServerWarmState {
  server: 'online' | 'offline' | 'unknown';
  models: { id: string; state: 'ready' | 'starting' | 'stopping' }[];
}

/**
 * What a poll reads. `answersAnyModel`: the server serves one model whatever a request names (a single-model
 * llama-server), so every chain model is as warm as that one.
 */
export interface PolledModels {
  models: RunningModel[];
  answersAnyModel?: boolean;
}
export type FetchRunning = (signal: AbortSignal) => Promise<RunningModel[] | PolledModels>;
/** Configured ids and their aliases (`/v1/models`), so a chain may name a model by an alias. */
export type FetchAliases = (signal: AbortSignal) => Promise<{ id: string; aliases: string[] }[]>;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WarmTrackerOptions {
  fetchRunning: FetchRunning;
  fetchAliases?: FetchAliases;
  intervalMs: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  requestTimeoutMs?: number;
  clock?: Clock;
}

const FRESH_SLACK_MS = 50;
const UNKNOWN: ServerWarmState = Object.freeze({ server: 'unknown', models: [] });

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function sameState(a: ServerWarmState, b: ServerWarmState): boolean {
  return a.server === b.server && a.models.length === b.models.length
    && a.models.every((m, i) => m.id === b.models[i].id && m.state === b.models[i].state);
}

/** Rejects when the signal fires, even if the fetcher ignores it: a hung request must not stall polling. */
function bounded<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const normalize = (read: RunningModel[] | PolledModels): PolledModels => (Array.isArray(read) ? { models: read } : read);

/** Sorted: the server's order is not stable, and a reordering is not a change. */
function toState(polled: PolledModels): ServerWarmState {
  const models = polled.models.map((m) => ({ id: m.model, state: m.state })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { server: 'online', models };
}

export class WarmTracker {
  private fetchRunning: FetchRunning;
  private fetchAliases: FetchAliases | undefined;
  private intervalMs: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;
  private readonly requestTimeoutMs: number;
  private readonly clock: Clock;

  private current: ServerWarmState = UNKNOWN;
  private answersAnyModel = false;
  private aliasToId = new Map<string, string>();
  private aliasesKnown = false;
  private active = false;
  private disposed = false;
  private timer: unknown;
  /** When the last request ended; the next poll is due a delay later, across focus changes, so backoff is not bypassed. */
  private lastEndedAt = -Infinity;
  private backoffMs = 0;
  private lastSuccessAt = -Infinity;
  private inFlight: Promise<ServerWarmState> | undefined;
  private inFlightAbort: AbortController | undefined;
  /** Bumped by setSource/dispose so an answer from the old address is dropped. */
  private generation = 0;
  private readonly listeners = new Set<(state: ServerWarmState) => void>();

  constructor(options: WarmTrackerOptions) {
    this.fetchRunning = options.fetchRunning;
    this.fetchAliases = options.fetchAliases;
    this.intervalMs = Math.max(1, options.intervalMs);
    this.backoffMinMs = options.backoffMinMs ?? 5000;
    this.backoffMaxMs = Math.max(this.backoffMinMs, options.backoffMaxMs ?? 60_000);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.clock = options.clock ?? realClock;
  }

  get state(): ServerWarmState {
    return this.current;
  }

  /** Polls only while active (the editor: window focused and the chain has a local tier). */
  setActive(active: boolean): void {
    if (this.disposed || active === this.active) return;
    this.active = active;
    if (active) this.scheduleNext();
    else this.cancelTimer();
  }

  /** hyperguild.statusBarPollSeconds changed: takes effect from the last poll, not after the old interval. */
  setIntervalMs(intervalMs: number): void {
    this.intervalMs = Math.max(1, intervalMs);
    if (this.active && !this.inFlight) this.scheduleNext();
  }

  /** A new address: forget what the old one said and ask the new one at once (when active). */
  setSource(fetchRunning: FetchRunning, fetchAliases?: FetchAliases): void {
    if (this.disposed) return;
    this.generation++;
    this.inFlightAbort?.abort(new Error('the llama-swap address changed'));
    this.inFlight = undefined;
    this.inFlightAbort = undefined;
    this.fetchRunning = fetchRunning;
    this.fetchAliases = fetchAliases;
    this.aliasToId = new Map();
    this.aliasesKnown = false;
    this.answersAnyModel = false;
    this.backoffMs = 0;
    this.lastEndedAt = -Infinity;
    this.lastSuccessAt = -Infinity;
    this.update(UNKNOWN);
    if (this.active) this.schedule(0);
  }

  /** Asks the server now, joining a request already in flight. Never rejects: failure means offline. */
  refresh(): Promise<ServerWarmState> {
    if (this.disposed) return Promise.resolve(this.current);
    this.inFlight ??= this.poll();
    return this.inFlight;
  }

  onDidChange(listener: (state: ServerWarmState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The configured id for a model named by id or alias (as far as the aliases are known). */
  idOf(model: string): string {
    return this.aliasToId.get(model) ?? model;
  }

  /** The server's state of a model named by id or alias; undefined when it is not loaded (or unknown). */
  stateOf(model: string): 'ready' | 'starting' | 'stopping' | undefined {
    if (this.answersAnyModel && this.current.server === 'online') return this.current.models.length ? 'ready' : undefined;
    const id = this.idOf(model);
    return this.current.models.find((m) => m.id === id)?.state;
  }

  /** The cached state, for progress text only: it may predate an earlier tier's swap. */
  cachedWarmth(model: string): WarmState {
    // The slack absorbs timer jitter at the small intervals tests use.
    const fresh = this.current.server === 'online' && this.clock.now() - this.lastSuccessAt <= 2 * this.intervalMs + FRESH_SLACK_MS;
    return fresh ? this.warmthNow(model) : 'unknown';
  }

  /**
   * For the engine (WarmthSource): the server's state read now, by a request of its own (never one that
   * started before the call, which may predate an earlier tier's swap). Never rejects: unknown on failure.
   */
  async readWarmth(model: string): Promise<WarmState> {
    if (this.disposed) return 'unknown';
    const generation = this.generation;
    const abort = new AbortController();
    const timeout = this.clock.setTimeout(() => abort.abort(new Error('timed out')), this.requestTimeoutMs);
    try {
      const polled = await bounded(this.fetchRunning(abort.signal), abort.signal);
      if (!this.aliasesKnown && this.fetchAliases) await this.loadAliases(this.fetchAliases, abort.signal);
      if (generation !== this.generation) return 'unknown';
      this.accept(polled);
      return this.warmthNow(model);
    } catch {
      return 'unknown';
    } finally {
      this.clock.clearTimeout(timeout);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.active = false;
    this.generation++;
    this.cancelTimer();
    this.inFlightAbort?.abort(new Error('disposed'));
    this.listeners.clear();
  }

  private warmthNow(model: string): WarmState {
    const state = this.stateOf(model);
    // A model on its way out will need a fresh load: for the user it is cold.
    return state === 'ready' || state === 'starting' ? state : 'cold';
  }

  private async poll(): Promise<ServerWarmState> {
    const generation = this.generation;
    const abort = new AbortController();
    this.inFlightAbort = abort;
    const timeout = this.clock.setTimeout(() => abort.abort(new Error('timed out')), this.requestTimeoutMs);
    let next: ServerWarmState;
    let polled: PolledModels | undefined;
    try {
      const read = await bounded(this.fetchRunning(abort.signal), abort.signal);
      if (!this.aliasesKnown && this.fetchAliases) await this.loadAliases(this.fetchAliases, abort.signal);
      polled = normalize(read);
      next = toState(polled);
    } catch {
      next = { server: 'offline', models: [] };
    } finally {
      this.clock.clearTimeout(timeout);
    }
    if (generation !== this.generation) return this.current; // superseded by setSource or dispose
    this.inFlight = undefined;
    this.inFlightAbort = undefined;
    if (next.server === 'online') {
      this.lastSuccessAt = this.clock.now();
      this.backoffMs = 0;
      this.answersAnyModel = polled?.answersAnyModel === true;
    } else {
      this.backoffMs = this.backoffMs ? Math.min(this.backoffMs * 2, this.backoffMaxMs) : this.backoffMinMs;
    }
    this.lastEndedAt = this.clock.now();
    this.update(next);
    if (this.active) this.scheduleNext();
    return next;
  }

  /** A read outside the polling loop (readWarmth): the newest state, for the status bar too. */
  private accept(read: RunningModel[] | PolledModels): void {
    const polled = normalize(read);
    this.lastSuccessAt = this.clock.now();
    this.answersAnyModel = polled.answersAnyModel === true;
    this.update(toState(polled));
  }

  /** Aliases are optional knowledge: failing to read them must not mark the server offline. */
  private async loadAliases(fetchAliases: FetchAliases, signal: AbortSignal): Promise<void> {
    try {
      const models = await bounded(fetchAliases(signal), signal);
      const map = new Map<string, string>();
      for (const m of models) for (const alias of m.aliases) if (alias !== m.id) map.set(alias, m.id);
      this.aliasToId = map;
      this.aliasesKnown = true;
    } catch {
      // try again on the next poll
    }
  }

  private scheduleNext(): void {
    // Never poll faster offline than online.
    const delay = this.current.server === 'offline' ? Math.max(this.intervalMs, this.backoffMs) : this.intervalMs;
    this.schedule(Math.max(0, this.lastEndedAt + delay - this.clock.now()));
  }

  private schedule(delayMs: number): void {
    this.cancelTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.active) return;
      // A request already in flight reschedules when it ends.
      if (!this.inFlight) void this.refresh();
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private update(next: ServerWarmState): void {
    if (sameState(this.current, next)) return;
    this.current = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch {
        // one faulty listener must not stop the others or the polling
      }
    }
  }
}
