// The menu behind the warm-model status item: preload or unload a local model, open the log, check setup.
import * as vscode from 'vscode';
import { BackendError, type ModelServer } from '../../core/types';
import type { WarmTracker } from '../../core/warmth/warmTracker';
import type { WarmBoard } from '../../core/warmth/warmBoard';
import { showError } from '../notify';
import { shortName } from './warmStatusBar';

/** One server's part of the menu: its client's preload and unload, where its kind has them. */
interface ServerMenu {
  client: Partial<Pick<ModelServer, 'preload' | 'unload'>>;
  tracker: WarmTracker;
  localModels: string[];
  log: vscode.LogOutputChannel;
  /** Its short name, shown beside each item when the chain uses several servers. */
  name?: string;
  /** It serves one model, always loaded (a single-model llama-server): nothing to unload. */
  singleModel?: boolean;
}

export interface WarmMenuDeps {
  board: WarmBoard;
  clientOf: (key: string) => (Partial<Pick<ModelServer, 'preload' | 'unload'>> & { kind?: string }) | undefined;
  log: vscode.LogOutputChannel;
}

interface MenuItem extends vscode.QuickPickItem {
  run?: () => void;
}

/** One sentence for the user (the client's own, naming the model and server), the detail for the log. */
function reportError(log: vscode.LogOutputChannel, fallback: string, err: unknown): void {
  if (err instanceof BackendError) showError(log, err.message, err.detail);
  else showError(log, fallback, err instanceof Error ? err.stack : String(err));
}

function preload(deps: Omit<ServerMenu, 'client'> & { client: Required<Pick<ModelServer, 'preload'>> }, model: string): void {
  deps.log.info(`Preloading ${model}…`);
  const started = Date.now();
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading {0}…', model) }, async () => {
    // The load can take minutes; the status bar shows "loading" meanwhile through the tracker's polling.
    void deps.tracker.refresh();
    try {
      await deps.client.preload(model);
      deps.log.info(`${model} is loaded (${((Date.now() - started) / 1000).toFixed(1)} s).`);
    } catch (err) {
      reportError(deps.log, vscode.l10n.t('Could not preload {0}.', model), err);
    } finally {
      await deps.tracker.refresh();
    }
  });
}

function unload(deps: Omit<ServerMenu, 'client'> & { client: Required<Pick<ModelServer, 'unload'>> }, model: string): void {
  deps.log.info(`Unloading ${model}…`);
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Unloading {0}…', model) }, async () => {
    try {
      await deps.client.unload(model);
    } catch (err) {
      reportError(deps.log, vscode.l10n.t('Could not unload {0}.', model), err);
    } finally {
      await deps.tracker.refresh();
    }
  });
}

function serverItems(deps: ServerMenu): MenuItem[] {
  const { tracker, client } = deps;
  const state = tracker.state;
  const where = deps.name ? ` · ${deps.name}` : '';
  const result: MenuItem[] = [];
  const canPreload = client.preload && { ...deps, client: { preload: client.preload.bind(client) } };
  for (const model of canPreload ? new Set(deps.localModels) : []) {
    const current = tracker.stateOf(model);
    if (current === 'ready' || !canPreload) continue;
    const detail = state.server === 'offline' ? vscode.l10n.t('server offline') : current === 'starting' ? vscode.l10n.t('loading') : current ?? vscode.l10n.t('cold');
    result.push({ label: vscode.l10n.t('$(flame) Preload {0}', model), description: detail + where, run: () => preload(canPreload, model) });
  }
  const canUnload = client.unload && !deps.singleModel && { ...deps, client: { unload: client.unload.bind(client) } };
  for (const m of canUnload ? state.models : []) {
    if (canUnload) result.push({ label: vscode.l10n.t('$(debug-stop) Unload {0}', m.id), description: m.state + where, run: () => unload(canUnload, m.id) });
  }
  return result;
}

function items(deps: WarmMenuDeps): MenuItem[] {
  const result: MenuItem[] = [];
  const several = deps.board.all.length > 1;
  for (const entry of deps.board.all) {
    const client = deps.clientOf(entry.server.key);
    if (!entry.tracker || !client) continue;
    result.push(...serverItems({
      client, tracker: entry.tracker, localModels: entry.server.models, log: deps.log,
      ...(several && { name: shortName(entry) }), singleModel: client.kind === 'llama-server (single model)',
    }));
  }
  result.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  result.push({ label: vscode.l10n.t('$(output) Open Log'), run: () => void vscode.commands.executeCommand('hyperguild.showLog') });
  result.push({ label: vscode.l10n.t('$(checklist) Check Setup'), run: () => void vscode.commands.executeCommand('hyperguild.checkSetup') });
  return result;
}

/** Shows the menu; the chosen preload or unload runs in the background (a load can take minutes). */
export async function showWarmMenu(deps: WarmMenuDeps): Promise<void> {
  const picked = await vscode.window.showQuickPick(items(deps), {
    title: vscode.l10n.t('Hyperguild: Local Models'),
    placeHolder: vscode.l10n.t('Preload or unload a local model'),
  });
  picked?.run?.();
}
