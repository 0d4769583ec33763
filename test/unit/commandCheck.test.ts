import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asProjectPaths, commandChecks, expandPlaceholders, shellQuote, tailOf, type CommandCheckDeps } from '../../src/checks/commandCheck';
import { makeShadow, ShadowTooBig } from '../../src/checks/shadowCopy';
import { commandApprover, type AnswerStore } from '../../src/checks/commandApproval';
import type { CheckCommand } from '../../src/core/engine/checkCommands';
import type { CheckTarget, CodeCheck } from '../../src/core/engine/checks';

/** Every path under a folder with its content's hash (links as their target, never followed). */
function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = join(rel, name);
    const st = lstatSync(join(dir, r));
    if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(join(dir, r))}`;
    else if (st.isDirectory()) Object.assign(out, { [r]: 'dir' }, snapshot(dir, r));
    else out[r] = createHash('sha256').update(readFileSync(join(dir, r))).digest('hex');
  }
  return out;
}

const ORIGINAL = 'export const a = 1;\nexport const b = 2;\n';
/** A small project: the changed file two folders down, siblings, dependencies, a repository, a link. */
function project(base: string): { root: string; file: string } {
  const root = join(base, 'app');
  mkdirSync(join(root, 'src', 'lib'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'src', 'lib', 'a.ts'), ORIGINAL);
  writeFileSync(join(root, 'src', 'lib', 'b.ts'), "import { a } from './a';\n");
  writeFileSync(join(root, 'src', 'main.ts'), "import { b } from './lib/a';\n");
  writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(root, 'docs', 'notes.md'), '# notes\n');
  writeFileSync(join(root, 'check.js'), [
    "const fs = require('fs'), path = require('path');",
    'const file = path.resolve(process.argv[2]);',
    "if (fs.readFileSync(file, 'utf8').includes('bad')) { console.log(file + ':2: contains bad'); process.exit(1); }",
  ].join('\n'));
  symlinkSync('src/main.ts', join(root, 'main-link.ts'));
  return { root, file: join(root, 'src', 'lib', 'a.ts') };
}

function command(cmd: string, extra: Partial<CheckCommand> = {}): CheckCommand {
  return { languageId: 'typescript', name: cmd, command: cmd, timeoutMs: 5_000, fromWorkspace: false, ...extra };
}

describe('command checks: the shadow copy', function () {
  this.timeout(10_000);
  let base: string;
  let tmp: string;
  const savedTmp = process.env.TMPDIR;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'hg-cmd-'));
    // The copies go to a private temp folder, so the test sees each one and that it is gone.
    tmp = join(base, 'tmp');
    mkdirSync(tmp);
    process.env.TMPDIR = tmp;
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(base, { recursive: true, force: true });
  });

  it('holds the proposal in the changed file, copies the sources, links dependencies, leaves the repository out; the real tree is byte-for-byte unchanged, also after removal', async () => {
    const { root, file } = project(base);
    const before = snapshot(root);
    const shadow = await makeShadow(root, file);
    assert.ok(shadow.root.startsWith(tmp), 'in the temp folder');
    await shadow.write('export const a = 42;\n');
    assert.equal(readFileSync(join(shadow.root, 'src', 'lib', 'a.ts'), 'utf8'), 'export const a = 42;\n');
    assert.equal(readFileSync(file, 'utf8'), ORIGINAL);
    assert.equal(lstatSync(join(shadow.root, 'src', 'lib', 'b.ts')).isFile(), true, 'a sibling source is a copy, not a link');
    assert.equal(lstatSync(join(shadow.root, 'node_modules')).isSymbolicLink(), true, 'dependencies are linked');
    assert.equal(existsSync(join(shadow.root, '.git')), false, 'the repository is left out');
    assert.equal(readlinkSync(join(shadow.root, 'main-link.ts')), 'src/main.ts', 'a link is kept as it is');
    assert.deepEqual(shadow.stats.links, 1);
    await shadow.dispose();
    assert.deepEqual(readdirSync(tmp), [], 'the copy is removed');
    assert.deepEqual(snapshot(root), before, 'the real tree is unchanged');
  });

  it('a changed file inside a linked folder: its folders are real down to the file, their other entries links', async () => {
    const { root } = project(base);
    const inside = join(root, 'node_modules', 'dep', 'index.js');
    const before = snapshot(root);
    const shadow = await makeShadow(root, inside);
    await shadow.write('module.exports = 2;\n');
    assert.equal(lstatSync(join(shadow.root, 'node_modules', 'dep')).isDirectory(), true);
    assert.equal(readFileSync(inside, 'utf8'), 'module.exports = 1;\n', 'the real file is not written through a link');
    await shadow.dispose();
    assert.deepEqual(snapshot(root), before);
  });

  it('a folder with more files than the limit is not copied (and nothing is left behind)', async () => {
    const { root, file } = project(base);
    await assert.rejects(makeShadow(root, file, { maxFiles: 2, maxBytes: 1e9 }), ShadowTooBig);
    assert.deepEqual(readdirSync(tmp), []);
  });

  describe('a run of commands', () => {
    const checks = (target: CheckTarget, list: CheckCommand[], deps: Partial<CommandCheckDeps> = {}) =>
      commandChecks(target, list, { trusted: () => true, approve: async (cmds) => new Set(cmds.map((c) => c.command)), ...deps });
    const targetOf = (root: string, file: string): CheckTarget => {
      const start = ORIGINAL.indexOf('1');
      return { path: file, root, languageId: 'typescript', text: ORIGINAL, start, end: start + 1 };
    };
    const runAll = async (list: CodeCheck[], proposal: string) => {
      const out = [];
      for (const c of list) out.push(await c.run(proposal, new AbortController().signal));
      return out;
    };

    it('exit 0 passes; a failing command fails with its output, the copy\'s paths shown as the project\'s', async () => {
      const { root, file } = project(base);
      const before = snapshot(root);
      const list = checks(targetOf(root, file), [command(`"${process.execPath}" check.js {file}`, { name: 'no bad' })]);
      const [good] = await runAll(list, '2');
      assert.equal(good.status, 'passed');
      const [bad] = await runAll(list, '"bad"');
      assert.equal(bad.status, 'failed');
      assert.match(bad.feedback ?? '', /^The check command `.* check\.js src\/lib\/a\.ts` failed \(exit code 1\):\nsrc\/lib\/a\.ts:2: contains bad$/);
      assert.ok(!(bad.feedback ?? '').includes(tmp), `no temp path in: ${bad.feedback}`);
      assert.match(bad.note ?? '', /^no bad: exit code 1 in \d+ ms$/);
      await Promise.all(list.map(async (c) => c.dispose?.()));
      assert.deepEqual(readdirSync(tmp), [], 'the copy is removed once the run is over');
      assert.deepEqual(snapshot(root), before, 'nothing written into the project');
    });

    it('a hanging command is cut off at its bound, its process gone, and says not-checked', async () => {
      const { root, file } = project(base);
      const pidFile = join(base, 'pid');
      const list = checks(targetOf(root, file), [command(`sleep 60 & echo $! > '${pidFile}'; wait`, { name: 'hangs', timeoutMs: 300 })]);
      const started = Date.now();
      const [r] = await runAll(list, '2');
      assert.ok(Date.now() - started < 3_000);
      assert.deepEqual(r, { status: 'not-checked', note: 'hangs: cut off at its bound of 0.3 s' });
      const pid = Number(readFileSync(pidFile, 'utf8'));
      const until = Date.now() + 2_000;
      const dead = () => {
        try {
          process.kill(pid, 0);
          return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        } catch {
          return true;
        }
      };
      while (!dead() && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
      assert.ok(dead(), 'the sleep is gone');
      await list[0].dispose?.();
    });

    it('untrusted workspace: no command runs and no copy is made; the check says not-checked', async () => {
      const { root, file } = project(base);
      const marker = join(base, 'ran');
      const list = checks(targetOf(root, file), [command(`touch '${marker}'`)], { trusted: () => false });
      const [r] = await runAll(list, '2');
      assert.deepEqual(r, { status: 'not-checked', note: `touch '${marker}': not run, the workspace is not trusted` });
      assert.equal(existsSync(marker), false);
      assert.deepEqual(readdirSync(tmp), []);
    });

    it('a workspace\'s command asks once per run, naming it; declined, it does not run; the user\'s own never asks', async () => {
      const { root, file } = project(base);
      const marker = join(base, 'ran');
      const asked: string[][] = [];
      const list = checks(targetOf(root, file), [command(`touch '${marker}'`, { fromWorkspace: true }), command('true'), command('exit 0', { fromWorkspace: true })], {
        approve: async (cmds) => (asked.push(cmds.map((c) => c.command)), new Set(['exit 0'])),
      });
      const first = await runAll(list, '2');
      await runAll(list, '3');
      assert.deepEqual(asked, [[`touch '${marker}'`, 'exit 0']]);
      assert.equal(first[0].status, 'not-checked');
      assert.equal(first[2].status, 'passed', 'the one approved runs');
      assert.match(first[0].note ?? '', /you chose not to run this workspace's command/);
      assert.equal(first[1].status, 'passed');
      assert.equal(existsSync(marker), false);
      await Promise.all(list.map(async (c) => c.dispose?.()));
    });

    it('a command that cannot be found or run (exit 127, 126) says not-checked: a missing tool is not the answer\'s fault', async () => {
      const { root, file } = project(base);
      const list = checks(targetOf(root, file), [command('hg-no-such-tool-xyz {file}'), command('./docs/notes.md')]);
      const [missing, notExecutable] = await runAll(list, '2');
      assert.equal(missing.status, 'not-checked');
      assert.match(missing.note ?? '', /^hg-no-such-tool-xyz \{file\}: not run \(exit code 127\): .*not found$/);
      assert.equal(notExecutable.status, 'not-checked');
      assert.match(notExecutable.note ?? '', /exit code 126/);
      await Promise.all(list.map(async (c) => c.dispose?.()));
    });

    it('an untitled file (no folder) says not-checked', async () => {
      const list = checks({ languageId: 'typescript', text: 'x', start: 0, end: 1 }, [command('true')]);
      const [r] = await runAll(list, 'y');
      assert.match(r.note ?? '', /not saved in a workspace folder/);
    });
  });
});

describe('command checks: placeholders and feedback', () => {
  it('{file} and {root} are replaced, quoted for the shell only when they need it', () => {
    assert.equal(expandPlaceholders('ruff check {file} --config {root}/ruff.toml', 'src/a.py', '/tmp/x/app'), 'ruff check src/a.py --config /tmp/x/app/ruff.toml');
    assert.equal(expandPlaceholders('mypy {file}', "my dir/it's.py", '.'), `mypy 'my dir/it'\\''s.py'`);
    assert.equal(shellQuote('a b.py', 'win32'), '"a b.py"');
    assert.equal(expandPlaceholders('echo {other}', 'a', '.'), 'echo {other}', 'other braces are the shell\'s');
  });

  it('the copy\'s folder reads as the project\'s relative paths', () => {
    const out = asProjectPaths('/tmp/hg-x/app/src/a.ts:3: error\nin /tmp/hg-x/app\n/tmp/hg-x/apple/b.ts', '/tmp/hg-x/app');
    assert.equal(out, 'src/a.ts:3: error\nin .\n/tmp/hg-x/apple/b.ts');
  });

  it('a long output is cut to its last 40 lines within 4 KB, saying how much was cut', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const tail = tailOf(lines.join('\n'));
    assert.equal(tail.split('\n')[0], '… (60 earlier lines cut)');
    assert.equal(tail.split('\n').at(-1), 'line 99');
    const wide = tailOf(Array.from({ length: 10 }, () => 'x'.repeat(1000)).join('\n'));
    assert.ok(Buffer.byteLength(wide) < 4200);
  });

  it('realpath of the temp folder is rewritten too (macOS /private/var)', () => {
    const real = realpathSync(tmpdir());
    assert.equal(asProjectPaths(`${real}/app/x.py:1`, `${real}/app`), 'x.py:1');
  });
});

describe('command checks: asking before a workspace\'s command runs', () => {
  const spec = (cmd: string): CheckCommand => ({ languageId: 'python', name: cmd, command: cmd, timeoutMs: 1_000, fromWorkspace: true });
  function store(): AnswerStore & { data: Record<string, unknown> } {
    const data: Record<string, unknown> = {};
    return { data, get: <T>(k: string) => data[k] as T, update: async (k, v) => void (data[k] = v) };
  }

  it('asks once per command text, remembers the answer per workspace; a changed command asks again; a dismissed question asks again', async () => {
    const answers: ('run' | 'skip' | undefined)[] = ['run', 'skip', undefined, 'run'];
    const asked: string[][] = [];
    const approve = commandApprover(store(), async (cmds) => (asked.push([...cmds]), answers.shift()));
    assert.deepEqual([...await approve([spec('ruff check {file}')])], ['ruff check {file}']);
    assert.deepEqual([...await approve([spec('ruff check {file}')])], ['ruff check {file}'], 'remembered');
    assert.deepEqual([...await approve([spec('ruff check {file}'), spec('pytest -x')])], ['ruff check {file}'], 'declined');
    assert.deepEqual([...await approve([spec('pytest -x')])], [], 'a declined one is remembered too');
    assert.deepEqual([...await approve([spec('pytest -x -q')])], [], 'dismissed: not run');
    assert.deepEqual([...await approve([spec('pytest -x -q')])], ['pytest -x -q'], 'asked again after a dismissal');
    assert.deepEqual(asked, [['ruff check {file}'], ['pytest -x'], ['pytest -x -q'], ['pytest -x -q']]);
  });

  it('two runs at once ask one question', async () => {
    let asks = 0;
    const approve = commandApprover(store(), async () => (asks++, await new Promise((r) => setTimeout(r, 20)), 'run'));
    const [a, b] = await Promise.all([approve([spec('mypy .')]), approve([spec('mypy .')])]);
    assert.equal(asks, 1);
    assert.ok(a.has('mypy .') && b.has('mypy .'));
  });
});
