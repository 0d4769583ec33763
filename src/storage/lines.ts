// Reading and copying a line-per-record file a chunk at a time, so its size never matters (a whole-file readFile
// grows with it and throws past ~512 MB). Only complete lines count: a line still being written by another process,
// or torn by one that died, is left for later. No editor import.
import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Calls `onLine` for each complete line from `start` (without its newline). Returns where the last complete line
 * ends (the next read starts there) and how many bytes were read.
 */
export async function readLines(handle: FileHandle, start: number, onLine: (text: string) => void): Promise<{ end: number; read: number }> {
  const buffer = Buffer.alloc(CHUNK);
  let pos = start;
  let end = start;
  let read = 0;
  let pending: Buffer[] = [];
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK, pos);
    if (!bytesRead) break;
    read += bytesRead;
    const chunk = buffer.subarray(0, bytesRead);
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      onLine(Buffer.concat([...pending, chunk.subarray(from, nl)]).toString('utf8'));
      pending = [];
      from = nl + 1;
      end = pos + from;
    }
    if (from < bytesRead) pending.push(Buffer.from(chunk.subarray(from)));
    pos += bytesRead;
  }
  return { end, read };
}

/** Appends the complete lines of `source` from `start` to `target`; returns where the copied lines end in `source`. */
export async function copyLines(source: FileHandle, start: number, target: FileHandle): Promise<number> {
  const buffer = Buffer.alloc(CHUNK);
  let pos = start;
  let copied = start;
  let held: Buffer[] = [];
  for (;;) {
    const { bytesRead } = await source.read(buffer, 0, CHUNK, pos);
    if (!bytesRead) return copied;
    const chunk = buffer.subarray(0, bytesRead);
    pos += bytesRead;
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      held.push(Buffer.from(chunk));
      continue;
    }
    await writeAll(target, Buffer.concat([...held, chunk.subarray(0, last + 1)]));
    held = last + 1 < bytesRead ? [Buffer.from(chunk.subarray(last + 1))] : [];
    copied = pos - (bytesRead - last - 1);
  }
}

/** One write where the system takes it whole (a line appended with O_APPEND lands whole); the rest, if any, after. */
export async function writeAll(target: FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await target.write(data, done, data.length - done)).bytesWritten;
}
