// editor/setup: getting a user running, the walkthrough, the keys in secret storage (secretKeys, boundKeys) and
// Check Setup. May import the core and the editor's shared files; never another editor folder.
//
// "Get started with Hyperguild" (contributes.walkthroughs): each step completes on the real event, through a
// context key this module sets once (a server answered, a chain was set, a key is stored, a run finished).
import * as vscode from 'vscode';
import type { WarmBoard } from '../../core/warmth/warmBoard';
import type { StoredKey } from './secretKeys';
import { currentScope } from '../settings';
import { SECTION, SETTING_KEYS, SETTING_NAMES } from '../../core/settingKeys';

export const WALKTHROUGH_ID = 'hyperguild.hyperguild#getStarted';
const SHOWN_KEY = 'hyperguild.walkthroughShown';

export type WalkthroughEvent = 'serverAnswered' | 'chainSet' | 'keyStored' | 'ranSkill';

export class WalkthroughProgress {
  private readonly done = new Set<WalkthroughEvent>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Marks a step's event; the walkthrough ticks the step off. Idempotent. */
  mark(event: WalkthroughEvent): void {
    if (this.done.has(event)) return;
    this.done.add(event);
    this.log.debug(`walkthrough: ${event}`);
    void vscode.commands.executeCommand('setContext', `hyperguild.walkthrough.${event}`, true);
  }

  /** A key may also come from the environment, which raises no event: checked again at moments like a run's end. */
  checkKey(key: Pick<StoredKey, 'get'>): void {
    void key.get().then((k) => k && this.mark('keyStored'), () => undefined);
  }

  /** Listens for the steps' events (a run's end is marked by the runSkill command). */
  follow(deps: { board: Pick<WarmBoard, 'onDidChangePrimary'>; key: Pick<StoredKey, 'get' | 'onDidChange'>; chainValid: () => boolean }): vscode.Disposable[] {
    const chain = () => {
      const inspected = vscode.workspace.getConfiguration(SECTION, currentScope()).inspect(SETTING_KEYS.chain);
      // The chain the user chose (any scope), not the default.
      const chosen = inspected?.globalValue ?? inspected?.workspaceValue ?? inspected?.workspaceFolderValue;
      if (chosen !== undefined && deps.chainValid()) this.mark('chainSet');
    };
    const key = () => this.checkKey(deps.key);
    chain();
    key();
    return [
      deps.board.onDidChangePrimary((state) => state.server === 'online' && this.mark('serverAnswered')),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTING_NAMES.chain) && chain()),
      deps.key.onDidChange(key),
    ];
  }
}

export function openWalkthrough(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
}

/** Opens the walkthrough the first time the extension runs on this machine. */
export function openOnFirstInstall(state: vscode.Memento): void {
  if (state.get<boolean>(SHOWN_KEY)) return;
  void state.update(SHOWN_KEY, true);
  void openWalkthrough();
}

const SAMPLE = [
  '// A sample to try Hyperguild on: select a function and press Ctrl+Alt+H (Cmd+Alt+H on macOS).',
  '',
  'export function average(values: number[]): number {',
  '  let total = 0;',
  '  for (let i = 0; i < values.length; i++) {',
  '    total = total + values[i];',
  '  }',
  '  return values.length == 0 ? 0 : total / values.length;',
  '}',
  '',
].join('\n');

/** An untitled TypeScript sample with its function selected, ready for a skill. */
export async function openSample(): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: SAMPLE });
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(2, 0, 8, 1);
  return editor;
}
