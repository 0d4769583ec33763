// Keys bound to the address they were stored for, and the demo's own secret storage. No runtime editor import
// (types only), so the binding rules are unit-tested in plain Node; secretKeys.ts adds the prompts.
import type * as vscode from 'vscode';

/** The part of the editor's SecretStorage that keys use. */
export type Secrets = Pick<vscode.SecretStorage, 'get' | 'store' | 'delete' | 'onDidChange'>;

/** What is stored for a key that may go to one address only: the key and the origin it was stored for. */
export interface BoundKey {
  origin: string;
  key: string;
}

/** The Anthropic key's entry in secret storage. */
export const ANTHROPIC_SECRET = 'hyperguild.anthropicApiKey';

export const originOf = (url: string): string => new URL(url).origin;

export function parseBound(raw: string | undefined): BoundKey | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<BoundKey>;
    return typeof value.origin === 'string' && typeof value.key === 'string' && value.key ? { origin: value.origin, key: value.key } : undefined;
  } catch {
    return undefined;
  }
}

/** A key in secret storage, else the environment variable (read per call: keys change). */
export async function readKey(secrets: Pick<Secrets, 'get'>, secret: string, envVar: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return (await secrets.get(secret)) || (envVar ? env[envVar] || undefined : undefined);
}

/** Said where the key would be missing: a key stored by a version that did not record its address. */
export const UNRECORDED = 'an address that was not recorded (it was stored by an earlier version)';

/**
 * One key bound to the origin of the address it was stored for (llama-swap's: hyperguild.llamaSwapUrl at the
 * time), sent only there: a workspace that points the setting elsewhere gets no key. A key stored before keys
 * were bound has no address, so it is sent nowhere until it is set again.
 */
export class AddressBoundKey {
  private bound: BoundKey | undefined;
  private unbound = false;

  constructor(
    protected readonly secrets: Secrets,
    protected readonly secret: string,
  ) {}

  /** Reads the stored key into memory (keyFor is synchronous: clients are built without waiting). */
  async load(): Promise<void> {
    const raw = await this.secrets.get(this.secret);
    this.bound = parseBound(raw);
    this.unbound = Boolean(raw) && !this.bound;
  }

  keyFor(url: string): string | undefined {
    return this.bound && this.bound.origin === originOf(url) ? this.bound.key : undefined;
  }

  /** A key is stored, but for another address (or none recorded): where, to say so. */
  storedElsewhere(url: string): string | undefined {
    if (this.unbound) return UNRECORDED;
    return this.bound && this.bound.origin !== originOf(url) ? this.bound.origin : undefined;
  }

  async store(url: string, key: string): Promise<string> {
    const bound: BoundKey = { origin: originOf(url), key };
    await this.secrets.store(this.secret, JSON.stringify(bound));
    this.bound = bound;
    this.unbound = false;
    return bound.origin;
  }

  async remove(): Promise<void> {
    await this.secrets.delete(this.secret);
    this.bound = undefined;
    this.unbound = false;
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === this.secret) void this.load().then(listener);
    });
  }
}

/**
 * The secret storage of `npm start`'s demo: in memory and empty, so the demo's runs use only the demo's own
 * key (from the environment start.sh sets) and never a key the user stored for real servers.
 */
export class MemorySecrets implements Secrets {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<(e: vscode.SecretStorageChangeEvent) => unknown>();

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }

  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.fire(key);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.values.delete(key);
    this.fire(key);
    return Promise.resolve();
  }

  readonly onDidChange = (listener: (e: vscode.SecretStorageChangeEvent) => unknown): vscode.Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  private fire(key: string): void {
    for (const listener of this.listeners) listener({ key });
  }
}

/** `npm start`'s demo (scripts/start.sh sets HYPERGUILD_DEMO=1): its own secrets and its own history. */
export interface DemoIsolation {
  secrets: Secrets;
  /** A folder of the extension's global storage for the history, apart from the user's; undefined: the user's own. */
  historyFolder?: string;
}

export function demoIsolation(demo: boolean, userSecrets: Secrets): DemoIsolation {
  return demo ? { secrets: new MemorySecrets(), historyFolder: 'demo' } : { secrets: userSecrets };
}
