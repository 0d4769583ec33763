// `<file>:<start>-<end>`: the lines a run changes, read from disk into the engine's Task, as the extension builds it
// from an editor's selection (whole lines, the context lines around them, the file's line ending).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageOf } from '../core/engine/languages';
import type { Task } from '../core/engine/prompts';
import { UsageError } from './usage';

export interface TargetSpec {
  file: string;
  startLine: number;
  endLine: number;
}

/** Reads `src/a.ts:7-13` (or `src/a.ts:7`); lines are 1-based and inclusive. */
export function parseTarget(arg: string): TargetSpec {
  const m = /^(.+):(\d+)(?:-(\d+))?$/.exec(arg);
  if (!m) throw new UsageError(`Give the code to change as <file>:<start>-<end>, for example src/math.ts:7-13 (got "${arg}").`);
  const startLine = Number(m[2]);
  const endLine = Number(m[3] ?? m[2]);
  if (startLine < 1 || endLine < startLine) throw new UsageError(`The line range ${m[2]}-${m[3] ?? m[2]} is not valid; lines count from 1 and the end is not before the start.`);
  return { file: m[1], startLine, endLine };
}

export interface LoadedTarget {
  /** The absolute path, and the path the prompt, the log and the diff name (relative to the workspace). */
  absolute: string;
  display: string;
  /** The whole file as read, and the selection's offsets in it. */
  text: string;
  start: number;
  end: number;
  task: Task;
}

/** Where each line starts, and where its text ends (before its line break). */
function lineSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    spans.push({ start, end: nl > start && text[nl - 1] === '\r' ? nl - 1 : nl });
    start = nl + 1;
  }
  // The text after the last line break is a line unless it is empty (a file ending in a line break).
  if (start < text.length) spans.push({ start, end: text.length });
  return spans;
}

export function loadTarget(spec: TargetSpec, cwd: string, workspace: string, contextLines: number): LoadedTarget {
  const absolute = path.resolve(cwd, spec.file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `There is no file ${spec.file}.` : `The file ${spec.file} could not be read (${code ?? (err as Error).message}).`);
  }
  const lines = lineSpans(text);
  if (spec.endLine > lines.length) {
    throw new UsageError(`${spec.file} has ${lines.length} line${lines.length === 1 ? '' : 's'}, so the range ${spec.startLine}-${spec.endLine} is past its end.`);
  }
  const first = spec.startLine - 1;
  const last = spec.endLine - 1;
  const start = lines[first].start;
  const end = lines[last].end;
  const above = Math.max(0, first - contextLines);
  const below = Math.min(lines.length - 1, last + contextLines);
  const before = contextLines && first > 0 ? text.slice(lines[above].start, lines[first].start).replace(/\r?\n$/, '') : '';
  const after = contextLines && last < lines.length - 1 ? text.slice(lines[last + 1].start, lines[below].end) : '';
  const relative = path.relative(workspace, absolute);
  const display = (relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute).split(path.sep).join('/');
  const crlf = lines.length > 0 && text[lines[0].end] === '\r';
  return {
    absolute, display, text, start, end,
    task: { filePath: display, languageId: languageOf(absolute), selection: text.slice(start, end), before, after, eol: crlf ? '\r\n' : '\n' },
  };
}
