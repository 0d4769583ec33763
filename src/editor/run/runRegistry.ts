import * as vscode from 'vscode';
import { Disposable } from '../disposable';

/** Runs in flight, so that "Cancel" stops all of them; keeps the `hyperguild.running` context key. */
export class RunRegistry extends Disposable {
  private readonly runs = new Set<AbortController>();

  start(): AbortController {
    const controller = new AbortController();
    this.runs.add(controller);
    this.update();
    return controller;
  }

  end(controller: AbortController): void {
    this.runs.delete(controller);
    this.update();
  }

  cancelAll(): number {
    const n = this.runs.size;
    for (const c of this.runs) c.abort();
    return n;
  }

  get count(): number {
    return this.runs.size;
  }

  private update(): void {
    void vscode.commands.executeCommand('setContext', 'hyperguild.running', this.runs.size > 0);
  }

  override dispose(): void {
    this.cancelAll();
    super.dispose();
  }
}
