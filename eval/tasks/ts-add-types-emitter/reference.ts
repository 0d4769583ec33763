export type Listener = (payload: unknown) => void;

export class Emitter {
  listeners: Map<string, Listener[]> = new Map();

  on(event: string, fn: Listener): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    return () => this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
  }

  emit(event: string, payload?: unknown): number {
    const list = this.listeners.get(event) ?? [];
    for (const fn of list) fn(payload);
    return list.length;
  }
}
