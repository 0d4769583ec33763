// The task readers (ours, CanItEdit's records, Aider's polyglot layout) on samples written in those shapes, their
// one-sentence errors, and the soundness of our own task set (eval/tasks): each original fails or passes its test
// as the task declares, and each reference answer passes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTasks } from '../../src/core/eval/tasks';
import { EvalInputError, type EvalTask } from '../../src/core/eval/evalTypes';
import { runTaskTest, testPool } from '../../src/core/eval/taskTest';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';

// Compiled to out/test/unit; the task set and the fixtures stay in the repository.
const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/eval');
const TASKS = path.join(ROOT, 'eval/tasks');

async function reference(task: EvalTask): Promise<string> {
  if (task.files?.[task.reference!] !== undefined) return task.files[task.reference!];
  return fs.readFile(path.join(task.dir!, task.reference!), 'utf8');
}

async function rejects(paths: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(loadTasks(paths), (err: unknown) => {
    assert.ok(err instanceof EvalInputError, String(err));
    assert.match(err.message, pattern);
    assert.equal(err.message.split(/(?<=\.) (?=[A-Z])/).length, 1, `one sentence: ${err.message}`);
    return true;
  });
}

describe('eval task readers', function () {
  // A python3 behind a pyenv shim takes seconds to start on a loaded machine; pytest more.
  this.timeout(90_000);

  it('reads CanItEdit records: the whole file is the range, the instruction the descriptive one (else the lazy one), the tests run after the candidate', async () => {
    const tasks = await loadTasks([path.join(FIXTURES, 'canitedit.jsonl')]);
    assert.deepEqual(tasks.map((t) => t.id), ['canitedit/1_add_one', 'canitedit/2_greet']);
    const [one, two] = tasks;
    assert.deepEqual(one.range, { start: 1, end: 2 });
    assert.equal(one.instruction, 'Fix add_one so that it adds one, not two.');
    assert.match(two.instruction!, /punctuation parameter/);
    assert.equal(one.languageId, 'python');
    for (const t of tasks) {
      assert.equal((await runTaskTest(t, t.text)).passed, false, `${t.id}: before fails`);
      assert.equal((await runTaskTest(t, await reference(t))).passed, true, `${t.id}: after passes`);
    }
  });

  it("reads Aider's polyglot layout: solution, test and example from .meta/config.json, the instruction from .docs, a test command per language", async () => {
    const tasks = await loadTasks([path.join(FIXTURES, 'polyglot')]);
    assert.deepEqual(tasks.map((t) => t.id), ['javascript/leap', 'python/two-fer']);
    const [js, py] = tasks;
    assert.equal(js.file, 'leap.js');
    assert.match(js.test.command, /^node --test leap\.test\.js$/);
    assert.match(py.test.command, /then python3 -m pytest -q two_fer_test\.py; else python3 -m unittest two_fer_test; fi$/);
    assert.match(py.instruction!, /One for name, one for me[\s\S]*optional argument[\s\S]*two_fer\.py/);
    assert.deepEqual(py.range, { start: 1, end: 2 });
    await Promise.all(tasks.map(async (t) => {
      const [before, after] = await Promise.all([runTaskTest(t, t.text), reference(t).then((text) => runTaskTest(t, text))]);
      assert.equal(before.passed, false, `${t.id}: the stub fails`);
      assert.equal(after.passed, true, `${t.id}: the example passes: ${after.tail}`);
    }));
  });

  it('reads our task.json and runs the test in a temporary copy: the task folder itself is never written', async () => {
    const dir = path.join(TASKS, 'js-fix-sum-to');
    const [task] = await loadTasks([dir]);
    assert.deepEqual(task.range, { start: 4, end: 8 });
    assert.equal(task.skill, 'fix');
    assert.equal(task.languageId, 'javascript');
    const before = await fs.readdir(dir);
    const original = await fs.readFile(path.join(dir, 'sum.js'), 'utf8');
    const result = await runTaskTest(task, await reference(task));
    assert.equal(result.passed, true, result.tail);
    assert.deepEqual(await fs.readdir(dir), before);
    assert.equal(await fs.readFile(path.join(dir, 'sum.js'), 'utf8'), original);
  });

  it('says in one sentence which path or field to fix', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'hg-eval-bad-'));
    try {
      await rejects([path.join(tmp, 'missing')], /missing does not exist/);
      await rejects([tmp], /holds no task/);
      const task = path.join(tmp, 'bad');
      await fs.mkdir(task);
      await fs.writeFile(path.join(task, 'a.js'), 'x\ny\n');
      await fs.writeFile(path.join(task, 'task.json'), JSON.stringify({ file: 'a.js', skill: 'fix', range: '2-9', test: { command: 'true' } }));
      await rejects([task], /task\.json: "range" 2-9 is outside the file's 2 lines\./);
      await fs.writeFile(path.join(task, 'task.json'), JSON.stringify({ file: 'a.js', skill: 'fix' }));
      await rejects([task], /task\.json: "test" must be/);
      await fs.writeFile(path.join(task, 'task.json'), '{ nope');
      await rejects([task], /task\.json is not valid JSON/);
      await fs.writeFile(path.join(tmp, 'bad.jsonl'), '{"before": "x"}\n');
      await rejects([path.join(tmp, 'bad.jsonl')], /bad\.jsonl record 1: "tests" must be a non-empty string\./);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });

  it('bounds a test: past its timeout the process group is killed and the result says timed out', async () => {
    const [task] = await loadTasks([path.join(TASKS, 'js-fix-sum-to')]);
    const started = Date.now();
    const r = await runTaskTest({ ...task, test: { command: 'sleep 30 & sleep 30', timeoutMs: 300 } }, task.text);
    assert.equal(r.timedOut, true);
    assert.equal(r.passed, false);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('eval task set (eval/tasks)', function () {
  this.timeout(60_000);

  it('holds at least 40 tasks in JavaScript, TypeScript and Python across the built-in skills, each with a bounded test and a reference', async () => {
    const tasks = await loadTasks([TASKS]);
    assert.ok(tasks.length >= 40, `${tasks.length} tasks`);
    const skills = new Set(tasks.map((t) => t.skill));
    for (const s of ['fix', 'refactor', 'simplify', 'add-types', 'document']) assert.ok(skills.has(s), `a ${s} task`);
    for (const t of tasks) assert.ok(BUILT_IN_SKILLS.some((s) => s.id === t.skill), `${t.id}: built-in skill`);
    assert.deepEqual([...new Set(tasks.map((t) => t.languageId))].sort(), ['javascript', 'python', 'typescript']);
    for (const t of tasks) {
      assert.ok(t.reference, `${t.id}: a reference answer`);
      assert.ok(t.test.timeoutMs <= 30_000, `${t.id}: a bound`);
      assert.equal(t.original, t.skill === 'fix' ? 'fails' : 'passes', `${t.id}: the original's declared result`);
    }
  });

  it('is sound: every original fails or passes its test as its task declares, and every reference passes', async () => {
    const started = Date.now();
    const tasks = await loadTasks([TASKS]);
    const pool = testPool(4);
    const problems = (await Promise.all(tasks.map(async (t) => {
      const [original, ref] = await Promise.all([pool(() => runTaskTest(t, t.text)), reference(t).then((text) => pool(() => runTaskTest(t, text)))]);
      const out: string[] = [];
      if ((original.passed ? 'passes' : 'fails') !== t.original) out.push(`${t.id}: the original ${original.passed ? 'passes' : 'fails'}, declared ${t.original}: ${original.tail}`);
      if (!ref.passed) out.push(`${t.id}: the reference fails: ${ref.tail}`);
      return out;
    }))).flat();
    assert.deepEqual(problems, []);
    assert.ok(Date.now() - started < 60_000);
  });
});
