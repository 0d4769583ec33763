// A lock file shared by processes (VS Code windows): created with O_EXCL, it holds its owner's pid and a token.
// A lock whose owner died (its pid is gone, or it was not touched for `staleMs`) is removed by the next window that
// finds it, which then leaves the work to a later try. No editor import.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';

export class FileLock {
  private constructor(
    private readonly file: string,
    private readonly token: string,
  ) {}

  /** The lock, or undefined when another live process holds it. */
  static async acquire(file: string, staleMs: number): Promise<FileLock | undefined> {
    const token = `${process.pid} ${randomUUID()}`;
    try {
      await fs.writeFile(file, token, { flag: 'wx' });
      return new FileLock(file, token);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(file, staleMs)) await fs.rm(file, { force: true });
      return undefined;
    }
  }

  /** Says the owner is alive (a long piece of work keeps its lock from looking stale). */
  touch(): Promise<void> {
    const now = new Date();
    return fs.utimes(this.file, now, now);
  }

  /** Still ours: another process did not take it for stale meanwhile. */
  async held(): Promise<boolean> {
    return (await fs.readFile(this.file, 'utf8').catch(() => '')) === this.token;
  }

  async release(): Promise<void> {
    if (await this.held()) await fs.rm(this.file, { force: true });
  }
}

async function isStale(file: string, staleMs: number): Promise<boolean> {
  const [stat, text] = await Promise.all([fs.stat(file).catch(() => undefined), fs.readFile(file, 'utf8').catch(() => '')]);
  if (!stat) return false;
  if (Date.now() - stat.mtimeMs > staleMs) return true;
  const pid = Number(text.split(' ')[0]);
  return Number.isInteger(pid) && pid > 0 && !alive(pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // it exists, owned by another user
  }
}
