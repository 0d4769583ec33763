// The menu behind the warm-model status item: preload or unload a local model, open the log, check setup.
import * as vscode from 'vscode';
import type { LlamaSwapClient } from '../backends/llamaSwap';
import { BackendError } from '../core/types';
import type { WarmTracker } from '../core/warmTracker';
import { showError } from './notify';

export interface WarmMenuDeps {
  client: Pick<LlamaSwapClient, 'preload' | 'unload' | 'kind'>;
  tracker: WarmTracker;
  localModels: string[];
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

function preload(deps: WarmMenuDeps, model: string): void {
  deps.log.info(`Preloading ${model}…`);
  const started = Date.now();
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Loading ${model}…` }, async () => {
    // The load can take minutes; the status bar shows "loading" meanwhile through the tracker's polling.
    void deps.tracker.refresh();
    try {
      await deps.client.preload(model);
      deps.log.info(`${model} is loaded (${((Date.now() - started) / 1000).toFixed(1)} s).`);
    } catch (err) {
      reportError(deps.log, `Could not preload ${model}.`, err);
    } finally {
      await deps.tracker.refresh();
    }
  });
}

function unload(deps: WarmMenuDeps, model: string): void {
  deps.log.info(`Unloading ${model}…`);
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Unloading ${model}…` }, async () => {
    try {
      await deps.client.unload(model);
    } catch (err) {
      reportError(deps.log, `Could not unload ${model}.`, err);
    } finally {
      await deps.tracker.refresh();
    }
  });
}

function items(deps: WarmMenuDeps): MenuItem[] {
  const { tracker } = deps;
  const state = tracker.state;
  const result: MenuItem[] = [];
  for (const model of new Set(deps.localModels)) {
    const current = tracker.stateOf(model);
    if (current === 'ready') continue;
    const detail = state.server === 'offline' ? 'llama-swap offline' : current === 'starting' ? 'loading' : current ?? 'cold';
    result.push({ label: `$(flame) Preload ${model}`, description: detail, run: () => preload(deps, model) });
  }
  // A single-model llama-server cannot unload its one model.
  for (const m of deps.client.kind === 'llama-server (single model)' ? [] : state.models) {
    result.push({ label: `$(debug-stop) Unload ${m.id}`, description: m.state, run: () => unload(deps, m.id) });
  }
  result.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  result.push({ label: '$(output) Open Log', run: () => void vscode.commands.executeCommand('hyperguild.showLog') });
  result.push({ label: '$(checklist) Check Setup', run: () => void vscode.commands.executeCommand('hyperguild.checkSetup') });
  return result;
}

/** Shows the menu; the chosen preload or unload runs in the background (a load can take minutes). */
export async function showWarmMenu(deps: WarmMenuDeps): Promise<void> {
  const picked = await vscode.window.showQuickPick(items(deps), {
    title: 'Hyperguild: Local Models',
    placeHolder: 'Preload or unload a llama-swap model',
  });
  picked?.run?.();
}
