// The editor's side of the diagnostics worker: started on the first check (never at activation), kept while checks
// come (so its language services stay warm across runs), ended after a while without any. A worker that dies or
// fails a request makes that check not-checked; the next request starts a new one.
import { Worker } from 'node:worker_threads';
import type { Diag } from './diagnosticDiff';
import type { WorkerReply, WorkerRequest } from './tsProtocol';

export interface TsAnswer {
  diagnostics: Diag[];
  version: string;
}

export type TsQuestion = Omit<WorkerRequest, 'id' | 'cancel'>;

interface Pending {
  resolve: (a: TsAnswer) => void;
  reject: (e: Error) => void;
}

export class TsClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;

  /** `script`: the worker's file (dist/ts-worker.js); `idleMs`: how long it stays without a request. */
  constructor(private readonly script: string, private readonly idleMs = 15 * 60_000) {}

  /** The file's diagnostics with `text` in place; the signal cancels the check in the worker. */
  ask(question: TsQuestion, signal?: AbortSignal): Promise<TsAnswer> {
    const cancel = new SharedArrayBuffer(4);
    const id = this.nextId++;
    const worker = this.running();
    return new Promise<TsAnswer>((resolve, reject) => {
      const onAbort = () => {
        Atomics.store(new Int32Array(cancel), 0, 1);
        this.pending.delete(id);
        reject(new Error('cancelled'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, { resolve: (a) => (done(), resolve(a)), reject: (e) => (done(), reject(e)) });
      worker.postMessage({ ...question, id, cancel } satisfies WorkerRequest);
    });
  }

  dispose(): void {
    clearTimeout(this.idle);
    void this.worker?.terminate();
    this.fail(new Error('the diagnostics worker was stopped'));
    this.worker = undefined;
  }

  private running(): Worker {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.dispose(), this.idleMs);
    this.idle.unref();
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    // The editor may close while a check runs: the worker never keeps the process alive.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.fail(new Error(`the diagnostics worker stopped (exit code ${code})`));
    });
    return (this.worker = worker);
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.diagnostics) p.resolve({ diagnostics: reply.diagnostics, version: reply.version ?? '?' });
    else p.reject(new Error(reply.cancelled ? 'cancelled' : reply.error ?? 'no answer'));
  }

  private fail(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
