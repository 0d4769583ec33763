import * as vscode from 'vscode';

// Composition root (placeholder while the editor layer is built): log channel first.
export interface HyperguildApi {
  getWarmState(): { server: 'online' | 'offline' | 'unknown'; models: { id: string; state: 'ready' | 'starting' | 'stopping' }[] };
}

export function activate(context: vscode.ExtensionContext): HyperguildApi {
  const log = vscode.window.createOutputChannel('Hyperguild', { log: true });
  context.subscriptions.push(log);
  const ids = [
    'hyperguild.runSkill', 'hyperguild.applyProposal', 'hyperguild.discardProposal', 'hyperguild.cancel',
    'hyperguild.setAnthropicKey', 'hyperguild.clearAnthropicKey', 'hyperguild.checkSetup', 'hyperguild.warmModelMenu',
  ];
  for (const id of ids) {
    context.subscriptions.push(vscode.commands.registerCommand(id, () => log.info(`${id}: not built yet`)));
  }
  context.subscriptions.push(vscode.commands.registerCommand('hyperguild.showLog', () => log.show(true)));
  return { getWarmState: () => ({ server: 'unknown', models: [] }) };
}

export function deactivate(): void {}
