// The diagnostics worker: a thread of the extension host that holds the TypeScript language services, so building a
// project's program (seconds on a large one) and checking a proposal never block the editor, and a check past its
// bound is cancelled through a shared flag the checker polls. Loads only the `typescript` each request names
// (the main thread chooses it, workspace trust included).
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type * as TS from 'typescript';
import { Cancelled, Projects } from './tsProject';
import type { WorkerReply, WorkerRequest } from './tsProtocol';

const load = createRequire(__filename);
const loaded = new Map<string, { ts: typeof TS; projects: Projects }>();

function answer(req: WorkerRequest): WorkerReply {
  const flag = new Int32Array(req.cancel);
  try {
    let entry = loaded.get(req.typescript);
    if (!entry) {
      const ts = load(req.typescript) as typeof TS;
      entry = { ts, projects: new Projects(ts) };
      loaded.set(req.typescript, entry);
    }
    const project = entry.projects.get(req.configPath, req.file, req.fresh);
    const diagnostics = project.diagnostics(req.file, req.text, () => Atomics.load(flag, 0) === 1);
    return { id: req.id, diagnostics, version: entry.ts.version };
  } catch (err) {
    if (err instanceof Cancelled) return { id: req.id, cancelled: true };
    return { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', (req: WorkerRequest) => parentPort?.postMessage(answer(req)));
