// CanItEdit's records (nuprl/CanItEdit): `before`, `after`, `tests`, `instruction_descriptive` / `instruction_lazy`.
// The whole `before` file is the range; the test is the record's python `tests` run after the candidate, in one
// module, as CanItEdit's own harness does.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EvalInputError, type EvalTask } from './evalTypes';
import { lineCount } from './taskFiles';

const TIMEOUT_MS = 60_000;
/** Runs the candidate and the tests as one module, as CanItEdit concatenates them. */
const RUNNER = [
  'import sys',
  "source = open('solution.py', encoding='utf-8').read() + '\\n\\n' + open('tests.py', encoding='utf-8').read()",
  "exec(compile(source, 'solution.py', 'exec'), {'__name__': '__main__'})",
  '',
].join('\n');

/** The records of a .jsonl file (one per line) or a .json list. */
export async function readCanItEdit(file: string): Promise<EvalTask[]> {
  const text = await fs.readFile(file, 'utf8');
  let records: unknown[];
  if (/\.jsonl$/i.test(file)) {
    records = text.split('\n').map((line, i) => ({ line, i })).filter(({ line }) => line.trim()).map(({ line, i }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new EvalInputError(`${file} line ${i + 1} is not valid JSON; each line must be one CanItEdit record.`);
      }
    });
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new EvalInputError(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
    }
    if (!Array.isArray(parsed)) throw new EvalInputError(`${file} must hold a JSON list of CanItEdit records.`);
    records = parsed;
  }
  return records.map((r, i) => canItEditTask(r, `${file} record ${i + 1}`, file, i));
}

function canItEditTask(raw: unknown, where: string, file: string, index: number): EvalTask {
  if (!raw || typeof raw !== 'object') throw new EvalInputError(`${where} must be an object with "before", "tests" and an instruction.`);
  const r = raw as Record<string, unknown>;
  for (const name of ['before', 'tests'] as const) {
    if (typeof r[name] !== 'string' || !(r[name] as string).trim()) throw new EvalInputError(`${where}: "${name}" must be a non-empty string.`);
  }
  const instruction = [r.instruction_descriptive, r.instruction_lazy].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (!instruction) throw new EvalInputError(`${where}: give "instruction_descriptive" or "instruction_lazy".`);
  const before = r.before as string;
  const name = typeof r.full_name === 'string' ? r.full_name : typeof r.name === 'string' ? r.name : String(r.id ?? index + 1);
  const after = typeof r.after === 'string' ? r.after : undefined;
  return {
    id: `canitedit/${name}`,
    source: `${path.resolve(file)}#${index + 1}`,
    file: 'solution.py',
    text: before,
    files: { 'tests.py': r.tests as string, 'run_tests.py': RUNNER, ...(after !== undefined && { 'reference.py': after }) },
    range: { start: 1, end: lineCount(before) },
    skill: 'custom',
    instruction,
    languageId: 'python',
    test: { command: 'python3 run_tests.py', timeoutMs: TIMEOUT_MS },
    original: 'fails',
    ...(after !== undefined && { reference: 'reference.py' }),
    hidden: ['reference.py'],
  };
}
