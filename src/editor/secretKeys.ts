import * as vscode from 'vscode';

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
  private cached: string | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly spec: KeySpec,
  ) {}

  async get(): Promise<string | undefined> {
    this.cached = (await this.secrets.get(this.spec.secret)) || undefined;
    return this.cached ?? (this.spec.envVar ? process.env[this.spec.envVar] || undefined : undefined);
  }

  /** The last value read with get(): for code that cannot wait (building a client). */
  get current(): string | undefined {
    return this.cached ?? (this.spec.envVar ? process.env[this.spec.envVar] || undefined : undefined);
  }

  /** Fires when this key changes in secret storage (also from another window). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === this.spec.secret) void this.get().then(listener);
    });
  }

  async promptAndStore(): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: `Hyperguild: ${this.spec.name}`,
      prompt: 'Stored in the editor\'s secret storage, never in settings or logs.',
      placeHolder: this.spec.placeHolder,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Paste the key, or press Escape to cancel.'),
    });
    if (!value?.trim()) return false;
    await this.secrets.store(this.spec.secret, value.trim());
    this.cached = value.trim();
    void vscode.window.showInformationMessage(`Hyperguild: ${this.spec.name} saved in secret storage.`);
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(this.spec.secret);
    this.cached = undefined;
    const env = this.spec.envVar && process.env[this.spec.envVar] ? ` ${this.spec.envVar} from the environment is still used.` : '';
    void vscode.window.showInformationMessage(`Hyperguild: ${this.spec.name} removed from secret storage.${env}`);
  }
}

/** The Anthropic key: secret storage, else ANTHROPIC_API_KEY. Sent only to the Anthropic endpoint. */
export const anthropicKey = (secrets: vscode.SecretStorage) =>
  new StoredKey(secrets, { secret: 'hyperguild.anthropicApiKey', envVar: 'ANTHROPIC_API_KEY', name: 'Anthropic API Key', placeHolder: 'sk-ant-…' });

/** llama-swap's own key (its `apiKeys` setting), sent as `Authorization: Bearer` to llama-swap only. */
export const llamaSwapKey = (secrets: vscode.SecretStorage) =>
  new StoredKey(secrets, { secret: 'hyperguild.llamaSwapApiKey', name: 'llama-swap API Key', placeHolder: 'the key from llama-swap\'s apiKeys' });
