// The status-bar item that shows which chain model llama-swap has warm. It also decides when the tracker
// polls: only while this window is focused and the chain has a local tier.
import * as vscode from 'vscode';
import type { ServerWarmState, WarmTracker } from '../core/warmTracker';

export interface WarmStatusContext {
  localModels: string[];
  serverUrl: string;
  /** `npm start`'s demo server answers: say so. */
  demo?: boolean;
  /** Today's runs from the history, for the tooltip. */
  today?: string;
}

type ModelState = 'ready' | 'starting' | 'stopping' | undefined;

/** Text and icon for the item; exported for tests. */
export function warmStatusText(state: ServerWarmState, localModels: readonly string[], stateOf: (model: string) => ModelState): string {
  if (state.server === 'offline') return '$(debug-disconnect) llama-swap offline';
  if (state.server === 'unknown') return '$(circle-outline) llama-swap…';
  const ready = localModels.find((m) => stateOf(m) === 'ready');
  if (ready) return `$(flame) ${ready}`;
  const starting = localModels.find((m) => stateOf(m) === 'starting');
  if (starting) return `$(loading~spin) loading ${starting}`;
  // Name a warm model outside the chain: the next run will pay a swap.
  const other = state.models.find((m) => m.state === 'ready');
  return other ? `$(circle-outline) cold · ${other.id}` : '$(circle-outline) cold';
}

function describe(state: ModelState, server: ServerWarmState['server']): string {
  if (server !== 'online') return server === 'offline' ? 'unknown (server offline)' : 'unknown';
  return state === 'starting' ? 'loading' : (state ?? 'cold');
}

export class WarmStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private context: WarmStatusContext;

  constructor(
    private readonly tracker: WarmTracker,
    private readonly getContext: () => WarmStatusContext,
  ) {
    this.context = getContext();
    this.item = vscode.window.createStatusBarItem('hyperguild.warmModel', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Hyperguild: Warm Model';
    this.item.command = 'hyperguild.warmModelMenu';
    this.disposables.push(
      this.item,
      tracker.onDidChange(() => this.render()),
      vscode.window.onDidChangeWindowState(() => this.updateActive()),
    );
    this.render();
    this.updateActive();
  }

  /** Call when the chain or the address changed. */
  refreshContext(): void {
    this.context = this.getContext();
    this.render();
    this.updateActive();
  }

  dispose(): void {
    this.tracker.setActive(false);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private updateActive(): void {
    this.tracker.setActive(vscode.window.state.focused && this.context.localModels.length > 0);
  }

  private render(): void {
    const { localModels, serverUrl } = this.context;
    if (localModels.length === 0) {
      this.item.hide();
      return;
    }
    const state = this.tracker.state;
    const stateOf = (m: string) => this.tracker.stateOf(m);
    this.item.text = warmStatusText(state, localModels, stateOf) + (this.context.demo ? ' · demo' : '');
    this.item.accessibilityInformation = { label: `Hyperguild warm model: ${this.item.text.replace(/\$\([^)]*\)\s*/g, '')}` };

    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown('**Hyperguild: local models**\n\n');
    for (const model of localModels) {
      tip.appendMarkdown('- ');
      tip.appendText(`${model}: ${describe(stateOf(model), state.server)}`);
      tip.appendMarkdown('\n');
    }
    const chainIds = new Set(localModels.map((m) => this.tracker.idOf(m)));
    for (const m of state.models.filter((o) => !chainIds.has(o.id))) {
      tip.appendMarkdown('- ');
      tip.appendText(`${m.id} (not in the chain): ${describe(m.state, state.server)}`);
      tip.appendMarkdown('\n');
    }
    tip.appendMarkdown('\n');
    tip.appendText(`llama-swap${state.server === 'offline' ? ' (offline)' : ''} at ${serverUrl}`);
    if (this.context.today) {
      tip.appendMarkdown('\n\n');
      tip.appendText(this.context.today);
    }
    tip.appendMarkdown('\n\nClick to preload or unload a model.');
    this.item.tooltip = tip;
    this.item.show();
  }
}
