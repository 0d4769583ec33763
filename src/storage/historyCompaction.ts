// Keeping the history file within its bounds without losing a run, even when the compaction fails or its process
// dies, and while other windows append. No editor import.
//
// Why no line is lost. Appenders open the live file with O_APPEND, write one line, then check that the path still
// names the file they wrote to; if a compaction replaced it meanwhile, they write the line again to the new file.
// The compactor (one at a time, under a lock file):
//   1. reads the live file (the old file) to its end, keeping the newest runs;
//   2. writes them to a temporary file beside it, then copies the lines appended to the old file since step 1;
//   3. renames the temporary file over the live one (the old file is never renamed away: until this atomic step
//      the live file is whole, so a failure or a crash before it loses nothing and leaves only a temporary file);
//   4. copies the lines appended to the old file since step 2 to the end of the new live file.
// An append whose write reached the old file before step 4 read it is copied by step 4; one whose write came later
// checks the path after step 3 and writes itself again. A line can so be written twice: readers count it once.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { HistoryParser, line, type RunRecord } from '../core/history/history';
import { FileLock } from './fileLock';
import { copyLines, readLines, writeAll } from './lines';

export const LOCK_STALE_MS = 30_000;

export interface Bounds {
  maxRuns: number;
  maxBytes: number;
}

/** Where a version before this one could leave the whole history after a failed compaction. */
export const legacyLeftover = (file: string) => `${file}.compacting`;

/** Compacts `file` to its bounds; false when another window is at it. Throws when it fails (the file is then whole). */
export async function compactHistory(file: string, bounds: Bounds): Promise<boolean> {
  const lock = await FileLock.acquire(`${file}.lock`, LOCK_STALE_MS);
  if (!lock) return false;
  const tmp = `${file}.${process.pid}-${Date.now()}.compact.tmp`;
  let old: FileHandle | undefined;
  try {
    await removeDeadTemporaries(file);
    old = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    if (!old) return false;
    const parser = new HistoryParser(bounds.maxRuns);
    const leftover = await readLegacy(file, parser);
    const { end } = await readLines(old, 0, (text) => parser.push(text));
    const copied = await writeKept(tmp, keepWithin(parser.result().runs, bounds.maxBytes), old, end);
    await lock.touch();
    if (!(await lock.held())) throw new Error('another window took the history lock for stale');
    await fs.rename(tmp, file);
    await sweep(old, copied, file);
    if (leftover) await fs.rm(legacyLeftover(file), { force: true });
    return true;
  } finally {
    await old?.close();
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
}

/** The newest runs whose lines fit in maxBytes, as lines, oldest first (outcomes folded into their runs). */
function keepWithin(runs: readonly RunRecord[], maxBytes: number): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (let i = runs.length - 1; i >= 0; i--) {
    const text = line({ v: 1, type: 'run', run: runs[i] });
    bytes += Buffer.byteLength(text);
    if (bytes > maxBytes) break;
    kept.push(text);
  }
  return kept.reverse();
}

/** Step 2: the kept lines, then what was appended to the old file since it was read; returns how far it copied. */
async function writeKept(tmp: string, kept: string[], old: FileHandle, from: number): Promise<number> {
  const out = await fs.open(tmp, 'wx');
  try {
    for (let i = 0; i < kept.length; i += 1000) await writeAll(out, Buffer.from(kept.slice(i, i + 1000).join(''), 'utf8'));
    const copied = await copyLines(old, from, out);
    await out.sync();
    return copied;
  } finally {
    await out.close();
  }
}

/**
 * Step 4: lines that reached the old file after step 2, to the end of the live file. A line still being written there
 * is waited for briefly; if it never ends (its writer died), it is torn and left out.
 */
async function sweep(old: FileHandle, from: number, file: string): Promise<void> {
  const live = await fs.open(file, 'a');
  try {
    let copied = from;
    for (let tries = 0; tries < 5; tries++) {
      copied = await copyLines(old, copied, live);
      if ((await old.stat()).size === copied) break;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await live.close();
  }
}

/** The history an earlier version left in `.compacting` when its compaction failed: read first, as the oldest. */
async function readLegacy(file: string, parser: HistoryParser): Promise<boolean> {
  const handle = await fs.open(legacyLeftover(file), 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    await readLines(handle, 0, (text) => parser.push(text));
    return true;
  } finally {
    await handle.close();
  }
}

/** Temporary files of compactions whose process died (we hold the lock, so none is being written). */
async function removeDeadTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.compact.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true })));
}
