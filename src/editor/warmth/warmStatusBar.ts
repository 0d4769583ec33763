// editor/warmth: which model is warm, the status bar, its menu (load, unload) and the local servers it watches.
// May import the core, the editor's shared files, run (the engine host) and setup (keys); nothing imports it
// but the composition root.
//
// The status-bar item that shows which chain model is warm on the first local tier's server; its tooltip lists
// every local server of the chain and each of its chain models. It also decides when the trackers poll: only
// while this window is focused and the chain has a local tier.
import * as vscode from 'vscode';
import type { ServerWarmState } from '../../core/warmth/warmTracker';
import type { BoardEntry, WarmBoard } from '../../core/warmth/warmBoard';
import { Disposable } from '../disposable';

export interface WarmStatusContext {
  /** `npm start`'s demo server answers: say so. */
  demo?: boolean;
  /** Today's runs from the history, for the tooltip. */
  today?: string;
}

type ModelState = 'ready' | 'starting' | 'stopping' | undefined;

/** Text and icon for the item; exported for tests. `serverName` names the server when it is offline. */
export function warmStatusText(state: ServerWarmState, localModels: readonly string[], stateOf: (model: string) => ModelState, serverName = 'llama-swap'): string {
  if (state.server === 'offline') return vscode.l10n.t('$(debug-disconnect) {0} offline', serverName);
  if (state.server === 'unknown') return `$(circle-outline) ${serverName}…`;
  const ready = localModels.find((m) => stateOf(m) === 'ready');
  if (ready) return `$(flame) ${ready}`;
  const starting = localModels.find((m) => stateOf(m) === 'starting');
  if (starting) return vscode.l10n.t('$(loading~spin) loading {0}', starting);
  // Name a warm model outside the chain: the next run will pay a swap.
  const other = state.models.find((m) => m.state === 'ready');
  return other ? vscode.l10n.t('$(circle-outline) cold · {0}', other.id) : vscode.l10n.t('$(circle-outline) cold');
}

function describe(state: ModelState, server: ServerWarmState['server']): string {
  if (server !== 'online') return server === 'offline' ? vscode.l10n.t('unknown (server offline)') : vscode.l10n.t('unknown');
  return state === 'starting' ? vscode.l10n.t('loading') : (state ?? vscode.l10n.t('cold'));
}

/** The short name of a board entry: 'llama-swap' for hyperguild.llamaSwapUrl, else the user's name. */
export function shortName(entry: BoardEntry): string {
  return entry.server.key === 'llama-swap' ? 'llama-swap' : entry.server.key.slice(1);
}

export class WarmStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private context: WarmStatusContext;

  constructor(
    private readonly board: WarmBoard,
    private readonly getContext: () => WarmStatusContext,
  ) {
    super();
    this.context = getContext();
    this.item = vscode.window.createStatusBarItem('hyperguild.warmModel', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('Hyperguild: Warm Model');
    this.item.command = 'hyperguild.warmModelMenu';
    for (const d of [
      this.item,
      board.onDidChange(() => this.refreshContext()),
      vscode.window.onDidChangeWindowState(() => this.updateActive()),
    ]) this.register(d);
    this.render();
    this.updateActive();
  }

  /** Call when the chain, a server or today's line changed. */
  refreshContext(): void {
    this.context = this.getContext();
    this.render();
    this.updateActive();
  }

  override dispose(): void {
    this.board.setActive(false);
    super.dispose();
  }

  private updateActive(): void {
    this.board.setActive(vscode.window.state.focused && this.board.all.length > 0);
  }

  private render(): void {
    const primary = this.board.primary;
    if (!primary) {
      this.item.hide();
      return;
    }
    this.item.text = this.context.demo ? vscode.l10n.t('{0} · demo', this.itemText(primary)) : this.itemText(primary);
    this.item.accessibilityInformation = { label: vscode.l10n.t('Hyperguild warm model: {0}', this.item.text.replace(/\$\([^)]*\)\s*/g, '')) };

    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${vscode.l10n.t('Hyperguild: local models')}**\n\n`);
    for (const entry of this.board.all) this.appendServer(tip, entry, this.board.all.length > 1);
    if (this.context.today) {
      tip.appendMarkdown('\n\n');
      tip.appendText(this.context.today);
    }
    tip.appendMarkdown(`\n\n${vscode.l10n.t('Click to preload or unload a model.')}`);
    this.item.tooltip = tip;
    this.item.show();
  }

  private itemText(entry: BoardEntry): string {
    const { tracker, server } = entry;
    if (!tracker) return vscode.l10n.t('$(circle-outline) {0} · warmth unknown', server.models[0]);
    return warmStatusText(tracker.state, server.models, (m) => tracker.stateOf(m), shortName(entry));
  }

  private appendServer(tip: vscode.MarkdownString, entry: BoardEntry, headed: boolean): void {
    const { tracker, server } = entry;
    const state = tracker?.state;
    if (headed) {
      tip.appendMarkdown('**');
      tip.appendText(shortName(entry));
      tip.appendMarkdown('**\n\n');
    }
    for (const model of server.models) {
      tip.appendMarkdown('- ');
      tip.appendText(`${model}: ${tracker && state ? describe(tracker.stateOf(model), state.server) : vscode.l10n.t('unknown (this server cannot tell)')}`);
      tip.appendMarkdown('\n');
    }
    if (tracker && state) {
      const chainIds = new Set(server.models.map((m) => tracker.idOf(m)));
      for (const m of state.models.filter((o) => !chainIds.has(o.id))) {
        tip.appendMarkdown('- ');
        tip.appendText(vscode.l10n.t('{0} (not in the chain): {1}', m.id, describe(m.state, state.server)));
        tip.appendMarkdown('\n');
      }
    }
    tip.appendMarkdown('\n');
    tip.appendText(state?.server === 'offline' ? vscode.l10n.t('{0} (offline)', server.label) : server.label);
    tip.appendMarkdown('\n\n');
  }
}
