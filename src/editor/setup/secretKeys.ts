import * as vscode from 'vscode';
import type { ServerSpec, ServerTable } from '../../core/engine/servers';
import { ANTHROPIC_SECRET, AddressBoundKey, originOf, parseBound, readKey, type BoundKey, type Secrets } from './boundKeys';
import { SETTING_NAMES } from '../../core/settingKeys';

interface KeySpec {
  /** The SecretStorage entry. */
  secret: string;
  /** The environment variable used when nothing is stored. */
  envVar?: string;
  /** "Anthropic API Key", as the input box and messages say it. */
  name: string;
  placeHolder: string;
}

/** A key in the editor's secret storage (the environment as fallback). Never logged, never in settings. */
export class StoredKey {
  constructor(
    private readonly secrets: Secrets,
    private readonly spec: KeySpec,
  ) {}

  get(): Promise<string | undefined> {
    return readKey(this.secrets, this.spec.secret, this.spec.envVar);
  }

  /** Fires when this key changes in secret storage (also from another window). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === this.spec.secret) listener();
    });
  }

  async promptAndStore(): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Hyperguild: {0}', this.spec.name),
      prompt: vscode.l10n.t('Stored in the editor\'s secret storage, never in settings or logs.'),
      placeHolder: this.spec.placeHolder,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the key, or press Escape to cancel.')),
    });
    if (!value?.trim()) return false;
    await this.secrets.store(this.spec.secret, value.trim());
    void vscode.window.showInformationMessage(vscode.l10n.t('Hyperguild: {0} saved in secret storage.', this.spec.name));
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(this.spec.secret);
    const envVar = this.spec.envVar && process.env[this.spec.envVar] ? this.spec.envVar : undefined;
    void vscode.window.showInformationMessage(envVar
      ? vscode.l10n.t('Hyperguild: {0} removed from secret storage. {1} from the environment is still used.', this.spec.name, envVar)
      : vscode.l10n.t('Hyperguild: {0} removed from secret storage.', this.spec.name));
  }
}

/** The Anthropic key: secret storage, else ANTHROPIC_API_KEY. Sent only to the Anthropic endpoint. */
export const anthropicKey = (secrets: Secrets) =>
  new StoredKey(secrets, { secret: ANTHROPIC_SECRET, envVar: 'ANTHROPIC_API_KEY', name: vscode.l10n.t('Anthropic API Key'), placeHolder: 'sk-ant-…' });

/**
 * llama-swap's own key (its `apiKeys` setting), sent as `Authorization: Bearer` only to the origin that
 * hyperguild.llamaSwapUrl had when the user stored it, like the named servers' keys.
 */
export class LlamaSwapKey extends AddressBoundKey {
  constructor(secrets: Secrets) {
    super(secrets, 'hyperguild.llamaSwapApiKey');
  }

  /** Asks for the key and binds it to the origin of `url` (hyperguild.llamaSwapUrl in effect). */
  async promptAndStore(url: string): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Hyperguild: llama-swap API Key'),
      prompt: vscode.l10n.t('Sent only to {0}. Stored in the editor\'s secret storage, never in settings or logs.', originOf(url)),
      placeHolder: vscode.l10n.t('the key from llama-swap\'s apiKeys'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the key, or press Escape to cancel.')),
    });
    if (!value?.trim()) return false;
    const origin = await this.store(url, value.trim());
    void vscode.window.showInformationMessage(vscode.l10n.t('Hyperguild: the llama-swap API key is saved in secret storage and will be sent only to {0}.', origin));
    return true;
  }

  async clear(): Promise<void> {
    await this.remove();
    void vscode.window.showInformationMessage(vscode.l10n.t('Hyperguild: the llama-swap API key is removed from secret storage.'));
  }
}

const SERVER_KEY_PREFIX = 'hyperguild.serverKey.';

/**
 * One key per named server (hyperguild.servers), in secret storage, bound to the origin the server had when the
 * user stored it: sent only there. A workspace that points the same name at another address gets no key, so it
 * can never attach a stored key to an address of its choosing.
 */
export class ServerKeys {
  private readonly cache = new Map<string, BoundKey>();

  constructor(private readonly secrets: Secrets) {}

  /** Reads the keys of these servers into the cache (keyFor is synchronous: clients are built without waiting). */
  async load(names: Iterable<string>): Promise<void> {
    for (const name of names) {
      const raw = await this.secrets.get(SERVER_KEY_PREFIX + name);
      const bound = parseBound(raw);
      if (bound) this.cache.set(name, bound);
      else this.cache.delete(name);
    }
  }

  keyFor(spec: Pick<ServerSpec, 'name' | 'url'>): string | undefined {
    const bound = this.cache.get(spec.name);
    return bound && bound.origin === originOf(spec.url) ? bound.key : undefined;
  }

  /** A key is stored for this name, but for another address: where it was stored for, to say so. */
  storedElsewhere(spec: Pick<ServerSpec, 'name' | 'url'>): string | undefined {
    const bound = this.cache.get(spec.name);
    return bound && bound.origin !== originOf(spec.url) ? bound.origin : undefined;
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (!e.key.startsWith(SERVER_KEY_PREFIX)) return;
      void this.load([e.key.slice(SERVER_KEY_PREFIX.length)]).then(listener);
    });
  }

  /** Asks which server, then the key; stores it bound to that server's current origin. */
  async promptAndStore(servers: ServerTable, preset?: string): Promise<boolean> {
    const spec = preset !== undefined ? servers.get(preset) : await pickServer(servers);
    if (!spec) {
      if (preset !== undefined || servers.size === 0) {
        void vscode.window.showWarningMessage(servers.size === 0
          ? vscode.l10n.t('Hyperguild: {0} defines no server; add one in Settings before setting its key.', SETTING_NAMES.servers)
          : vscode.l10n.t('Hyperguild: {0} defines no server "{1}".', SETTING_NAMES.servers, String(preset)));
      }
      return false;
    }
    const origin = originOf(spec.url);
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Hyperguild: API key for server "{0}"', spec.name),
      prompt: vscode.l10n.t('Sent only to {0}. Stored in the editor\'s secret storage, never in settings or logs.', origin),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the key, or press Escape to cancel.')),
    });
    if (!value?.trim()) return false;
    const bound: BoundKey = { origin, key: value.trim() };
    await this.secrets.store(SERVER_KEY_PREFIX + spec.name, JSON.stringify(bound));
    this.cache.set(spec.name, bound);
    void vscode.window.showInformationMessage(vscode.l10n.t('Hyperguild: the key for server "{0}" is saved in secret storage and will be sent only to {1}.', spec.name, origin));
    return true;
  }

  /** Stores without the prompt: for the extension's tests only (ExtensionMode.Test), which cannot type into an input box. */
  async storeForTest(spec: Pick<ServerSpec, 'name' | 'url'>, key: string): Promise<void> {
    const bound: BoundKey = { origin: originOf(spec.url), key };
    await this.secrets.store(SERVER_KEY_PREFIX + spec.name, JSON.stringify(bound));
    this.cache.set(spec.name, bound);
  }

  async clear(servers: ServerTable, preset?: string): Promise<void> {
    const spec = preset !== undefined ? servers.get(preset) : await pickServer(servers, (s) => this.cache.has(s.name));
    if (!spec) return;
    await this.secrets.delete(SERVER_KEY_PREFIX + spec.name);
    this.cache.delete(spec.name);
    void vscode.window.showInformationMessage(vscode.l10n.t('Hyperguild: the key for server "{0}" is removed from secret storage.', spec.name));
  }
}

async function pickServer(servers: ServerTable, filter: (s: ServerSpec) => boolean = () => true): Promise<ServerSpec | undefined> {
  const specs = [...servers.values()].filter(filter);
  if (specs.length <= 1) return specs[0];
  const picked = await vscode.window.showQuickPick(
    specs.map((s) => ({ label: s.name, description: s.cloud ? vscode.l10n.t('{0} · cloud', s.kind) : s.kind, detail: s.url, spec: s })),
    { title: vscode.l10n.t('Hyperguild: which server?'), placeHolder: vscode.l10n.t('The key is sent only to the address shown') },
  );
  return picked?.spec;
}
