// The run history on disk: one JSON line per run (and one per later outcome) in the extension's global storage.
// Appends are single O_APPEND writes, so two VS Code windows appending at once interleave whole lines and lose
// nothing; a torn or foreign line is skipped and counted. The file is read a chunk at a time, never whole, and
// bounded by runs and by size: past 1.5 × either bound, one window compacts it (historyCompaction.ts says why no
// run is lost). The tooltip's figures and the run count are kept as lines are read, each line once, whichever
// window wrote it. No editor import.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { HistoryParser, line, parseLine, type HistoryLine, type Outcome, type RunRecord } from '../core/history/history';
import { DayTally } from '../core/history/historyReport';
import { compactHistory, legacyLeftover } from './historyCompaction';
import { readLines, writeAll } from './lines';

/** 32 MiB: about 35,000 runs without code; the file stays under 1.5 × this. */
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export interface HistoryFileOptions {
  maxBytes?: number;
  /** A compaction failed (the file is whole; the next run tries again). */
  onError?: (err: unknown) => void;
}

/** What this window has read of the file so far: where it stopped, the runs seen, today's figures. */
interface Tail {
  ino: number;
  dev: number;
  offset: number;
  size: number;
  ids: Set<string>;
  days: DayTally;
}
const emptyTail = (ino = -1, dev = -1): Tail => ({ ino, dev, offset: 0, size: 0, ids: new Set(), days: new DayTally() });

export class HistoryFile {
  private tail = emptyTail();
  private refreshing: Promise<void> = Promise.resolve();
  private leftoverChecked = false;
  /** After failed compactions, appends to let pass before the next try (a disk that stays full is not re-read each run). */
  private failedCompactions = 0;
  private compactIn = 0;
  /** Bytes read from the file so far (the tooltip's figures must not re-read it); for the debug log and tests. */
  bytesRead = 0;

  constructor(
    readonly file: string,
    private readonly maxRuns: () => number,
    private readonly options: HistoryFileOptions = {},
  ) {}

  async appendRun(run: RunRecord): Promise<void> {
    await this.append({ v: 1, type: 'run', run });
    await this.refresh();
    const maxBytes = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    const over = this.tail.ids.size > Math.ceil(this.maxRuns() * 1.5) || this.tail.size > maxBytes * 1.5;
    if (!over && !(await this.leftoverToMerge())) return;
    if (this.compactIn > 0) {
      this.compactIn--;
      return;
    }
    await this.compact();
  }

  appendOutcome(id: string, outcome: Outcome): Promise<void> {
    return this.append({ v: 1, type: 'outcome', id, outcome, at: new Date().toISOString() });
  }

  /** The newest runs first (maxRuns at most); `skipped` counts the lines that could not be read. */
  async read(limit?: number): Promise<{ runs: RunRecord[]; skipped: number }> {
    const parser = new HistoryParser(Math.min(limit ?? Infinity, this.maxRuns()));
    const handle = await this.open();
    if (handle) {
      try {
        this.bytesRead += (await readLines(handle, 0, (text) => parser.push(text))).read;
      } finally {
        await handle.close();
      }
    }
    const { runs, skipped } = parser.result();
    return { runs: runs.reverse(), skipped };
  }

  /** Today's line for the status bar's tooltip: reads only what was appended since the last time, by any window. */
  async todayLine(now: Date): Promise<string> {
    await this.refresh();
    return this.tail.days.line(now);
  }

  /** Keeps the newest runs within the bounds; false when another window is compacting. Never throws. */
  async compact(): Promise<boolean> {
    try {
      const done = await compactHistory(this.file, { maxRuns: this.maxRuns(), maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES });
      this.failedCompactions = 0;
      return done;
    } catch (err) {
      this.failedCompactions++;
      this.compactIn = Math.min(2 ** (this.failedCompactions - 1) - 1, 1024);
      this.options.onError?.(err);
      return false;
    }
  }

  async clear(): Promise<void> {
    await fs.rm(this.file, { force: true });
    await this.refresh();
  }

  /** One O_APPEND write of the whole line; again if a compaction replaced the file before the write landed. */
  private async append(l: HistoryLine): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const data = Buffer.from(line(l), 'utf8');
    for (let tries = 0; tries < 3; tries++) {
      const handle = await fs.open(this.file, 'a');
      try {
        await writeAll(handle, data);
        const [wrote, now] = await Promise.all([handle.stat(), fs.stat(this.file).catch(() => undefined)]);
        // Gone (the user cleared the history) or the same file: done. Replaced: the line may be in the old one only.
        if (!now || (now.ino === wrote.ino && now.dev === wrote.dev)) return;
      } finally {
        await handle.close();
      }
    }
  }

  /** Reads what was appended since the last refresh (by any window); after a compaction, the new file from its start. */
  private refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.readTail(), () => this.readTail());
    return this.refreshing;
  }

  private async readTail(): Promise<void> {
    const handle = await this.open();
    if (!handle) {
      this.tail = emptyTail();
      return;
    }
    try {
      const stat = await handle.stat();
      if (stat.ino !== this.tail.ino || stat.dev !== this.tail.dev || stat.size < this.tail.offset) this.tail = emptyTail(stat.ino, stat.dev);
      const tail = this.tail;
      const { end, read } = await readLines(handle, tail.offset, (text) => {
        const parsed = parseLine(text);
        if (parsed?.type !== 'run' || tail.ids.has(parsed.run.id)) return;
        tail.ids.add(parsed.run.id);
        tail.days.add(parsed.run);
      });
      this.bytesRead += read;
      tail.offset = end;
      tail.size = Math.max(stat.size, end);
    } finally {
      await handle.close();
    }
  }

  /** A `.compacting` file an earlier version left behind: the next compaction merges it back. Checked once. */
  private async leftoverToMerge(): Promise<boolean> {
    if (this.leftoverChecked) return false;
    this.leftoverChecked = true;
    return fs.stat(legacyLeftover(this.file)).then(() => true, () => false);
  }

  private open(): Promise<FileHandle | undefined> {
    return fs.open(this.file, 'r').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  }
}
