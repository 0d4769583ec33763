// The shadow copy a check command runs in: a temporary copy of the workspace folder in which only the changed file
// differs (it holds the proposal), so a command never sees, locks or writes the user's working tree.
//
// Why a copy and not links to the real files: a linked source file is resolved to its real path by the tools
// (tsc, node, pytest), whose relative imports then lead back into the real tree, so one file would be seen twice
// (tsc then reports "separate declarations" that are not in the proposal), and a tool that writes (an emit, a
// cache, a --fix) would write into the user's folder. A copy costs little for a source tree (measured in
// bench/commandGate.ts); what is big and only read is linked: dependency folders (node_modules, Python virtual
// environments) and files above 1 MB. Version-control metadata and Python caches are left out. It is made once
// per run (while the first tier answers); each proposal only rewrites the changed file.
import { promises as fs, rmSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ShadowLimits {
  /** Files copied at most (a folder with more is not copied: the check says not-checked). */
  maxFiles: number;
  /** Bytes copied at most. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: ShadowLimits = { maxFiles: 20_000, maxBytes: 200 * 1024 * 1024 };

/** Left out: version control (a command must not see or touch the repository) and caches a tool rebuilds. */
const SKIPPED = new Set(['.git', '.hg', '.svn', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache']);
/** Linked whole: dependencies, read by the tools and never part of a proposal. */
const LINKED = new Set(['node_modules']);
/** A file above this is linked, not copied (data, a bundle): big and only read. */
const LINK_ABOVE_BYTES = 1024 * 1024;
/** Copies in flight at once (enough to keep the disk busy, few enough for the open-file limit). */
const PARALLEL = 32;

export interface ShadowStats {
  files: number;
  bytes: number;
  links: number;
  ms: number;
}

export interface Shadow {
  /** The copy of the folder: where a command runs. */
  readonly root: string;
  /** The same folder as a tool that resolves links may print it (macOS's /var is /private/var). */
  readonly realRoot: string;
  /** The changed file in the copy. */
  readonly file: string;
  readonly stats: ShadowStats;
  /** Writes the changed file's text (the document with a proposal in place). */
  write(text: string): Promise<void>;
  /** Removes the copy (links are removed, never followed). */
  dispose(): Promise<void>;
}

export class ShadowTooBig extends Error {}

/** Shadows not yet disposed: removed when the process exits, so none outlives an editor that quits mid-run. */
const live = new Set<string>();
let exitHook = false;

function track(dir: string): void {
  live.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const d of live) rmSync(d, { recursive: true, force: true });
  });
}

/** Copies `root` (the workspace folder) to a new temporary folder; `file` (absolute, inside root) is the changed one. */
export async function makeShadow(root: string, file: string, limits: ShadowLimits = DEFAULT_LIMITS, signal?: AbortSignal): Promise<Shadow> {
  const started = performance.now();
  const relFile = path.relative(root, file);
  if (relFile.startsWith('..') || path.isAbsolute(relFile)) throw new Error(`${file} is not inside ${root}`);
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'hyperguild-check-'));
  track(dir);
  const shadowRoot = path.join(dir, path.basename(root) || 'root');
  const copier = new Copier(limits, new Set(ancestorsOf(relFile)), relFile, signal);
  const dispose = async () => {
    live.delete(dir);
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await copier.dir(root, shadowRoot, '', 'copy');
  } catch (err) {
    await dispose();
    throw err;
  }
  const stats = { ...copier.stats, ms: Math.round(performance.now() - started) };
  const shadowFile = path.join(shadowRoot, relFile);
  const realRoot = await fs.realpath(shadowRoot);
  return { root: shadowRoot, realRoot, file: shadowFile, stats, write: (text) => fs.writeFile(shadowFile, text), dispose };
}

/** The folders from the root down to the file's own: they are always real folders in the copy. */
function ancestorsOf(relFile: string): string[] {
  const parts = relFile.split(path.sep).slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join(path.sep));
}

type Mode = 'copy' | 'link';

class Copier {
  readonly stats = { files: 0, bytes: 0, links: 0 };
  private running = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly limits: ShadowLimits, private readonly ancestors: ReadonlySet<string>, private readonly relFile: string, private readonly signal?: AbortSignal) {}

  /** One folder: in `link` mode (inside a linked folder on the way to the file) every other entry is a link. */
  async dir(from: string, to: string, rel: string, mode: Mode): Promise<void> {
    if (this.signal?.aborted) throw new Error('cancelled');
    await fs.mkdir(to, { recursive: true });
    const entries = await this.slot(() => fs.readdir(from, { withFileTypes: true }));
    await Promise.all(entries.map((entry) => this.entry(entry, path.join(from, entry.name), path.join(to, entry.name), rel ? path.join(rel, entry.name) : entry.name, mode)));
  }

  private async entry(entry: Dirent, from: string, to: string, rel: string, mode: Mode): Promise<void> {
    if (rel === this.relFile) return; // written by Shadow.write
    if (this.ancestors.has(rel)) return this.dir(from, to, rel, mode === 'link' || LINKED.has(entry.name) || SKIPPED.has(entry.name) ? 'link' : 'copy');
    if (entry.isSymbolicLink()) return this.slot(async () => fs.symlink(await fs.readlink(from), to));
    if (entry.isDirectory()) {
      if (mode === 'link' || LINKED.has(entry.name) || await isVirtualEnv(from)) return this.link(from, to, 'dir');
      if (SKIPPED.has(entry.name)) return undefined;
      return this.dir(from, to, rel, 'copy');
    }
    if (!entry.isFile()) return undefined; // sockets, pipes: nothing a check reads
    if (mode === 'link') return this.link(from, to, 'file');
    return this.slot(() => this.copy(from, to));
  }

  private async copy(from: string, to: string): Promise<void> {
    const { size } = await fs.stat(from);
    if (size > LINK_ABOVE_BYTES) return this.link(from, to, 'file');
    this.stats.files++;
    this.stats.bytes += size;
    if (this.stats.files > this.limits.maxFiles || this.stats.bytes > this.limits.maxBytes) {
      throw new ShadowTooBig(`the folder holds more than ${this.limits.maxFiles} files or ${Math.round(this.limits.maxBytes / 1024 / 1024)} MB to copy`);
    }
    await fs.copyFile(from, to, fs.constants.COPYFILE_FICLONE);
  }

  private async link(from: string, to: string, kind: 'dir' | 'file'): Promise<void> {
    this.stats.links++;
    try {
      await fs.symlink(from, to, kind === 'dir' ? 'junction' : 'file');
    } catch (err) {
      // Windows without the right to make file links: a copy.
      if (kind === 'file') await fs.copyFile(from, to);
      else throw err;
    }
  }

  /** Runs `job` when fewer than PARALLEL are in flight. */
  private async slot<T>(job: () => Promise<T>): Promise<T> {
    while (this.running >= PARALLEL) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** A Python virtual environment (its pyvenv.cfg): thousands of files, only read. */
async function isVirtualEnv(dir: string): Promise<boolean> {
  try {
    await fs.access(path.join(dir, 'pyvenv.cfg'));
    return true;
  } catch {
    return false;
  }
}
