// The run history on disk: one JSON line per run (and one per later outcome) in the extension's global storage.
// Appends are single O_APPEND writes, so two VS Code windows appending at once interleave whole lines and lose
// nothing; a torn or foreign line is skipped and counted. The file is bounded: past 1.5 × maxRuns runs, one
// window (holding a lock file) rewrites it with the newest maxRuns. No editor import.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { line, parseHistory, type HistoryLine, type Outcome, type RunRecord } from '../core/history';

const LOCK_STALE_MS = 30_000;

export class HistoryFile {
  /** Runs in the file as far as this window knows (read once, then counted), to decide cheaply when to compact. */
  private knownRuns: number | undefined;
  private counting: Promise<number> | undefined;

  constructor(
    readonly file: string,
    private readonly maxRuns: () => number,
  ) {}

  async appendRun(run: RunRecord): Promise<void> {
    this.counting ??= this.knownRuns !== undefined ? Promise.resolve(this.knownRuns) : this.read().then((r) => r.runs.length, () => 0);
    await this.append({ v: 1, type: 'run', run });
    const counted = await this.counting;
    this.knownRuns = (this.knownRuns ?? counted) + 1;
    if (this.knownRuns > Math.ceil(this.maxRuns() * 1.5)) await this.compact();
  }

  appendOutcome(id: string, outcome: Outcome): Promise<void> {
    return this.append({ v: 1, type: 'outcome', id, outcome, at: new Date().toISOString() });
  }

  /** The newest runs first; `skipped` counts the lines that could not be read. */
  async read(limit?: number): Promise<{ runs: RunRecord[]; skipped: number }> {
    let text = '';
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const parsed = parseHistory(text);
    const newest = parsed.runs.reverse().slice(0, Math.min(limit ?? Infinity, this.maxRuns()));
    return { runs: newest, skipped: parsed.skipped };
  }

  async clear(): Promise<void> {
    await fs.rm(this.file, { force: true });
    this.knownRuns = 0;
    this.counting = undefined;
  }

  private async append(l: HistoryLine): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    // One write of the whole line with O_APPEND: another window's line lands before or after it, never inside.
    await fs.appendFile(this.file, line(l), { encoding: 'utf8', flag: 'a' });
  }

  /**
   * Keeps the newest maxRuns. The file is renamed away first, so other windows' appends from then on start a new
   * file, which is added back after the kept runs; a lock file makes one window do it at a time.
   */
  private async compact(): Promise<void> {
    const lock = `${this.file}.lock`;
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(lock, 'wx');
    } catch {
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > LOCK_STALE_MS) await fs.rm(lock, { force: true }); // a window that died
      return;
    }
    const old = `${this.file}.compacting`;
    try {
      await fs.rename(this.file, old);
      // An append that opened the file just before the rename still lands in `old`: give it a moment.
      await new Promise((r) => setTimeout(r, 50));
      const { runs } = parseHistory(await fs.readFile(old, 'utf8'));
      const kept = runs.slice(-this.maxRuns()).map((run) => line({ v: 1, type: 'run', run })).join('');
      const tmp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, kept);
      // Lines other windows appended meanwhile (a new file) go after the kept ones.
      const since = await fs.readFile(this.file, 'utf8').catch(() => '');
      if (since) await fs.appendFile(tmp, since);
      await fs.rename(tmp, this.file);
      await fs.rm(old, { force: true });
      this.knownRuns = undefined;
      this.counting = undefined;
    } finally {
      await handle.close();
      await fs.rm(lock, { force: true });
    }
  }
}
