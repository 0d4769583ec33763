import type * as vscode from 'vscode';

/**
 * The one way a long-lived editor object holds what it must release (emitters, listeners, registrations,
 * status-bar items): `register` each as it is made; `dispose` releases them once, newest first, so a thing is
 * released before what it was built on. A subclass with more to do overrides `dispose` and calls `super.dispose()`.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Holds `d` until dispose; registered after dispose, it is released at once (nothing outlives its owner). */
  protected register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.owned.splice(0).reverse()) d.dispose();
  }
}
