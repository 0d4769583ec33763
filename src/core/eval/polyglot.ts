// Aider's polyglot benchmark layout: Exercism exercises (<language>/exercises/practice/<name>/) whose
// .meta/config.json names files.solution, files.test and files.example. The solution stub is the file, its
// whole text the range; the instruction is .docs/instructions.md (+ instructions.append.md), as Aider asks it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EvalInputError, type EvalTask } from './evalTypes';
import { languageOf, lineCount } from './taskFiles';

const TIMEOUT_MS = 180_000;

/** The test command Aider's benchmark runs for the language, given the exercise's files. */
async function testCommand(dir: string, languageId: string, testFiles: string[]): Promise<string | undefined> {
  switch (languageId) {
    case 'python':
      // pytest when installed, else unittest on the same files.
      return `if python3 -c "import pytest" 2>/dev/null; then python3 -m pytest -q ${testFiles.join(' ')}; else python3 -m unittest ${testFiles.map((f) => f.replace(/\.py$/, '').replace(/\//g, '.')).join(' ')}; fi`;
    case 'javascript':
    case 'typescript': {
      const pkg = await fs.readFile(path.join(dir, 'package.json'), 'utf8').then((t) => JSON.parse(t) as { scripts?: { test?: string } }, () => undefined);
      return pkg?.scripts?.test ? 'npm test --silent' : `node --test ${testFiles.join(' ')}`;
    }
    case 'go': return 'go test ./...';
    case 'rust': return 'cargo test -q';
    case 'java': return 'gradle test -q';
    case 'cpp': return 'cmake -S . -B build -DEXERCISM_RUN_ALL_TESTS=1 >/dev/null && cmake --build build';
    default: return undefined;
  }
}

function names(config: Record<string, unknown>, key: string, where: string): string[] {
  const files = config.files as Record<string, unknown> | undefined;
  const list = files?.[key];
  if (!Array.isArray(list) || !list.length || !list.every((f) => typeof f === 'string')) {
    throw new EvalInputError(`${where}: "files.${key}" must list the exercise's ${key} file(s).`);
  }
  return list as string[];
}

export async function readExercise(dir: string): Promise<EvalTask> {
  const where = path.join(dir, '.meta', 'config.json');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await fs.readFile(where, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new EvalInputError(`${where} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  const solution = names(config, 'solution', where);
  const tests = names(config, 'test', where);
  const example = (config.files as Record<string, unknown>).example;
  const file = solution[0];
  const text = await fs.readFile(path.join(dir, file), 'utf8').catch(() => {
    throw new EvalInputError(`${where}: files.solution names ${file}, which is not in ${dir}.`);
  });
  const docs = path.join(dir, '.docs');
  const instructions = await fs.readFile(path.join(docs, 'instructions.md'), 'utf8').catch(() => {
    throw new EvalInputError(`${dir} has no .docs/instructions.md to say what to write.`);
  });
  const append = await fs.readFile(path.join(docs, 'instructions.append.md'), 'utf8').catch(() => '');
  const languageId = languageOf(file);
  const command = await testCommand(dir, languageId, tests);
  if (!command) throw new EvalInputError(`${dir}: no test command is known for ${languageId} exercises (${file}); use our task.json format to give one.`);
  const reference = Array.isArray(example) && typeof example[0] === 'string' ? example[0] : undefined;
  // <language>/exercises/practice/<exercise>: the language prefixes the id (the same exercise exists in several).
  const inPractice = path.basename(path.dirname(dir)) === 'practice';
  const language = inPractice ? path.basename(path.dirname(path.dirname(path.dirname(dir)))) : '';
  return {
    id: `${language ? `${language}/` : ''}${path.basename(dir)}`,
    source: dir, dir, file, text,
    range: { start: 1, end: Math.max(1, lineCount(text)) },
    skill: 'custom',
    instruction: `${instructions.trim()}${append.trim() ? `\n\n${append.trim()}` : ''}\n\nUse the above instructions to modify the supplied file ${path.basename(file)}. Keep the names of the functions and classes the tests use.`,
    languageId,
    test: { command, timeoutMs: TIMEOUT_MS },
    original: 'fails',
    ...(reference && { reference }),
    hidden: ['.meta'],
  };
}
