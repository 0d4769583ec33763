export class Emitter {
  listeners = new Map();

  on(event, fn) {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    return () => this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
  }

  emit(event, payload) {
    const list = this.listeners.get(event) ?? [];
    for (const fn of list) fn(payload);
    return list.length;
  }
}
