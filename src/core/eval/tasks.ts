// Reading task sets: our folders (task.json), CanItEdit's records (JSONL or a JSON list) and Aider's polyglot
// layout (Exercism folders with .meta/config.json). Every problem is an EvalInputError naming the path or field.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EvalInputError, type EvalTask } from './evalTypes';
import { readCanItEdit } from './canItEdit';
import { readExercise } from './polyglot';
import { languageOf, lineCount } from './taskFiles';

export { languageOf, lineCount } from './taskFiles';

const DEFAULT_TIMEOUT_MS = 60_000;
/** How deep a folder of tasks is searched (polyglot: <language>/exercises/practice/<exercise>). */
const MAX_DEPTH = 4;

/** Reads every task the paths name; ids are unique in the result. */
export async function loadTasks(paths: string[]): Promise<EvalTask[]> {
  if (!paths.length) throw new EvalInputError('Name at least one task folder or task file to evaluate.');
  const tasks: EvalTask[] = [];
  for (const p of paths) tasks.push(...(await loadPath(path.resolve(p), MAX_DEPTH)));
  const seen = new Map<string, string>();
  for (const t of tasks) {
    const other = seen.get(t.id);
    if (other) throw new EvalInputError(`Two tasks are named "${t.id}" (${other} and ${t.source}); rename one of them.`);
    seen.set(t.id, t.source);
  }
  return tasks;
}

async function loadPath(p: string, depth: number): Promise<EvalTask[]> {
  const stat = await fs.stat(p).catch(() => undefined);
  if (!stat) throw new EvalInputError(`${p} does not exist; name a task folder, a folder of tasks, or a CanItEdit .jsonl/.json file.`);
  if (stat.isFile()) {
    if (/\.jsonl?$/i.test(p)) return readCanItEdit(p);
    throw new EvalInputError(`${p} is not a task set; name a task folder, a folder of tasks, or a CanItEdit .jsonl/.json file.`);
  }
  const found = await searchFolder(p, depth);
  if (!found.length) throw new EvalInputError(`${p} holds no task (no task.json, no Exercism .meta/config.json, no .jsonl); see eval/README.md for the format.`);
  return found;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

async function searchFolder(dir: string, depth: number): Promise<EvalTask[]> {
  if (await exists(path.join(dir, 'task.json'))) return [await readTaskFolder(dir)];
  if (await exists(path.join(dir, '.meta', 'config.json'))) return [await readExercise(dir)];
  if (depth <= 0) return [];
  const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const tasks: EvalTask[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name.startsWith('_') || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) tasks.push(...(await searchFolder(full, depth - 1)));
    else if (e.isFile() && /\.jsonl$/i.test(e.name)) tasks.push(...(await readCanItEdit(full)));
  }
  return tasks;
}

/** "7-13", "7", or {start, end}: 1-based inclusive lines within the file's `lines`. */
export function parseRange(raw: unknown, lines: number, where: string): { start: number; end: number } {
  let start: number | undefined;
  let end: number | undefined;
  if (typeof raw === 'string') {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(raw);
    if (m) [start, end] = [Number(m[1]), Number(m[2] ?? m[1])];
  } else if (raw && typeof raw === 'object' && 'start' in raw && 'end' in raw) {
    const r = raw as { start: unknown; end: unknown };
    if (Number.isInteger(r.start) && Number.isInteger(r.end)) [start, end] = [r.start as number, r.end as number];
  } else if (raw === undefined) {
    return { start: 1, end: lines };
  }
  if (start === undefined || end === undefined) throw new EvalInputError(`${where}: "range" must be lines like "7-13" or {"start": 7, "end": 13}.`);
  if (start < 1 || end < start || end > lines) throw new EvalInputError(`${where}: "range" ${start}-${end} is outside the file's ${lines} lines.`);
  return { start, end };
}

function field<T>(json: Record<string, unknown>, name: string, where: string, check: (v: unknown) => v is T, what: string): T {
  const v = json[name];
  if (!check(v)) throw new EvalInputError(`${where}: "${name}" must be ${what}.`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isOptString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

/** Our format: a folder with task.json and its files (eval/README.md). */
export async function readTaskFolder(dir: string): Promise<EvalTask> {
  const where = path.join(dir, 'task.json');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await fs.readFile(where, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new EvalInputError(`${where} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new EvalInputError(`${where} must hold one JSON object.`);
  const file = field(json, 'file', where, isString, 'the path of the file to edit, relative to the task folder');
  const text = await fs.readFile(path.join(dir, file), 'utf8').catch(() => {
    throw new EvalInputError(`${where}: "file" names ${file}, which is not in ${dir}.`);
  });
  const skill = field(json, 'skill', where, isString, 'a skill id such as "fix", "refactor", "simplify", "add-types", "document" or "custom"');
  const instruction = field(json, 'instruction', where, isOptString, 'a string');
  const test = json.test as Record<string, unknown> | undefined;
  if (!test || typeof test !== 'object') throw new EvalInputError(`${where}: "test" must be {"command": "…", "timeoutMs": 20000}.`);
  const command = field(test, 'command', `${where} test`, isString, 'the shell command that runs the test');
  const timeoutMs = test.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : test.timeoutMs;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new EvalInputError(`${where}: "test.timeoutMs" must be a positive number of milliseconds.`);
  const original = json.original;
  if (original !== undefined && original !== 'fails' && original !== 'passes') throw new EvalInputError(`${where}: "original" must be "fails" or "passes".`);
  const reference = await findReference(dir, file);
  return {
    id: path.basename(dir), source: dir, dir, file, text,
    range: parseRange(json.range, lineCount(text), where),
    skill, ...(instruction && { instruction }),
    languageId: field(json, 'language', where, isOptString, 'a VS Code language id') ?? languageOf(file),
    test: { command, timeoutMs },
    ...(original && { original }),
    ...(reference && { reference }),
    hidden: ['task.json', ...(reference ? [reference] : [])],
  };
}

async function findReference(dir: string, file: string): Promise<string | undefined> {
  const name = `reference${path.extname(file)}`;
  return (await exists(path.join(dir, name))) ? name : undefined;
}
