import * as vscode from 'vscode';

const SECRET = 'hyperguild.anthropicApiKey';

/** The Anthropic key: the editor's secret storage first, the environment as fallback. Never logged. */
export class AnthropicKey {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    return (await this.secrets.get(SECRET)) || process.env.ANTHROPIC_API_KEY || undefined;
  }

  async promptAndStore(): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: 'Hyperguild: Anthropic API Key',
      prompt: 'Stored in the editor\'s secret storage, never in settings or logs.',
      placeHolder: 'sk-ant-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Paste the key, or press Escape to cancel.'),
    });
    if (!value?.trim()) return false;
    await this.secrets.store(SECRET, value.trim());
    void vscode.window.showInformationMessage('Hyperguild: Anthropic API key saved in secret storage.');
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET);
    const env = process.env.ANTHROPIC_API_KEY ? ' ANTHROPIC_API_KEY from the environment is still used.' : '';
    void vscode.window.showInformationMessage(`Hyperguild: Anthropic API key removed from secret storage.${env}`);
  }
}
