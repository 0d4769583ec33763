import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBoundedCommand } from '../../src/checks/boundedCommand';

/** Whether a process is dead: gone, or a zombie its new parent has not reaped yet (a container's init may be slow). */
function dead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Polled: killing takes a moment. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (dead(pid)) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('runBoundedCommand', function () {
  this.timeout(8_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hg-bounded-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a command via the shell in its folder, with its exit code and its stdout and stderr', async () => {
    const r = await runBoundedCommand('pwd; echo oops >&2; exit 3', { cwd: dir, timeoutMs: 5_000 });
    assert.equal(r.exitCode, 3);
    assert.equal(r.timedOut, false);
    assert.match(r.output, /hg-bounded-/);
    assert.match(r.output, /oops/);
    assert.ok(r.ms >= 0);
  });

  it('exit 0 passes the given environment', async () => {
    const r = await runBoundedCommand('echo "$HG_PROBE"', { cwd: dir, timeoutMs: 5_000, env: { ...process.env, HG_PROBE: 'probe-value' } });
    assert.equal(r.exitCode, 0);
    assert.equal(r.output.trim(), 'probe-value');
  });

  it('a hanging command is cut off at its bound, and its whole process group (a child `sleep 60`) is gone', async () => {
    const r = await runBoundedCommand('sleep 60 & echo $!; wait', { cwd: dir, timeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.ok(r.ms >= 290 && r.ms < 3_000, `cut off at its bound, took ${r.ms} ms`);
    const pid = Number(r.output.trim());
    assert.ok(pid > 0, `the child's pid was printed: ${r.output}`);
    assert.ok(await goneWithin(pid, 2_000), 'the sleep child was killed with the shell');
  });

  it('a command that exits leaves nothing running behind it (its backgrounded children are killed)', async () => {
    const r = await runBoundedCommand('sleep 60 & echo $!', { cwd: dir, timeoutMs: 5_000 });
    assert.equal(r.exitCode, 0);
    assert.ok(r.ms < 3_000, `did not wait for the background child, took ${r.ms} ms`);
    assert.ok(await goneWithin(Number(r.output.trim()), 2_000));
  });

  it('an aborted signal cuts the command off (and one aborted before the start never starts it)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await runBoundedCommand('sleep 60', { cwd: dir, timeoutMs: 5_000, signal: controller.signal });
    assert.equal(r.aborted, true);
    assert.equal(r.timedOut, false);
    assert.ok(r.ms < 3_000);
    const before = await runBoundedCommand(`touch ${join(dir, 'ran')}`, { cwd: dir, timeoutMs: 5_000, signal: AbortSignal.abort() });
    assert.equal(before.aborted, true);
    assert.equal(existsSync(join(dir, 'ran')), false, 'never started');
  });

  it('keeps only the tail of a long output, within the cap', async () => {
    const script = 'for (let i = 0; i < 20000; i++) console.log("line " + i)';
    const r = await runBoundedCommand(`"${process.execPath}" -e '${script}'`, { cwd: dir, timeoutMs: 5_000, maxOutputBytes: 1_000 });
    assert.equal(r.exitCode, 0);
    assert.equal(r.truncated, true);
    assert.ok(Buffer.byteLength(r.output) <= 1_000);
    assert.match(r.output, /line 19999\n$/);
  });

  it('never throws: a missing folder or an unknown command is a failure with the reason in its output', async () => {
    const missing = await runBoundedCommand('true', { cwd: join(dir, 'nope'), timeoutMs: 5_000 });
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.output, /ENOENT/);
    const unknown = await runBoundedCommand('hg-no-such-command-xyz', { cwd: dir, timeoutMs: 5_000 });
    assert.equal(unknown.exitCode, 127);
    assert.match(unknown.output, /not found/);
  });
});
