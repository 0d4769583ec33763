// Reads the extension's sources for the house-rule tests (plain Node): each file's code with comments blanked
// out, so a rule matches what runs, not what a comment says.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');

export interface SourceFile {
  /** Relative to the repository, with forward slashes. */
  path: string;
  /** The text with comments replaced by spaces (line breaks kept, so offsets and line numbers still hold). */
  code: string;
}

/** Every .ts file under `dir` (relative to the repository), comments blanked. */
export function sources(dir: string): SourceFile[] {
  const walk = (abs: string): string[] =>
    readdirSync(abs, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(abs, e.name)) : e.name.endsWith('.ts') ? [join(abs, e.name)] : []));
  return walk(join(ROOT, dir)).map((abs) => ({ path: relative(ROOT, abs).split('\\').join('/'), code: blankComments(readFileSync(abs, 'utf8')) }));
}

/** The 1-based line of an offset, for messages that point at the source. */
export function lineOf(code: string, offset: number): number {
  return code.slice(0, offset).split('\n').length;
}

/**
 * Comments become spaces; strings and template literals are kept whole. A small scanner rather than a regex,
 * so `//` inside 'http://…' stays. Regex literals are not recognised; none in src/ holds a quote and a comment.
 */
export function blankComments(text: string): string {
  let out = '';
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '\'' || c === '"' || c === '`') {
      const stop = stringEnd(text, i);
      out += text.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The offset just past the string or template literal starting at `start` (a template's `${…}` is skipped whole). */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (quote === '`' && depth === 0 && c === '$' && text[i + 1] === '{') { depth = 1; i++; continue; }
    if (depth > 0) {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '\'' || c === '"' || c === '`') i = stringEnd(text, i) - 1;
      continue;
    }
    if (c === quote) return i + 1;
    if (c === '\n' && quote !== '`') return i;
  }
  return text.length;
}

/** Every string and template literal in blanked code, with its offset (quotes included). */
export function literals(code: string): { text: string; offset: number }[] {
  const found: { text: string; offset: number }[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c !== '\'' && c !== '"' && c !== '`') continue;
    const stop = stringEnd(code, i);
    found.push({ text: code.slice(i, stop), offset: i });
    i = stop - 1;
  }
  return found;
}
