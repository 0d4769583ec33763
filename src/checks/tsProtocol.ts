// The messages between the editor's thread and the diagnostics worker (tsWorker.ts).
import type { Diag } from './diagnosticDiff';

export interface WorkerRequest {
  id: number;
  /** The typescript.js to check with (the workspace's own, or the bundled one). */
  typescript: string;
  /** The nearest tsconfig.json/jsconfig.json; absent: the file alone, with default options. */
  configPath?: string;
  file: string;
  text: string;
  /** A run's first request: re-read the config and the disk (later ones reuse what it read). */
  fresh: boolean;
  /** One Int32: set to 1 to cancel the check in flight. */
  cancel: SharedArrayBuffer;
}

export interface WorkerReply {
  id: number;
  diagnostics?: Diag[];
  /** The TypeScript version that checked. */
  version?: string;
  cancelled?: boolean;
  error?: string;
}
