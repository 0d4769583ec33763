// The manifest as VS Code shows it: package.json with each "%key%" replaced from package.nls.json, the way
// VS Code's extension scanner and vsce do (plain Node: no editor import). Tests that read a manifest string
// use readManifest(); the real editor's `packageJSON` is already substituted.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root, from out/test/support. */
export const ROOT = resolve(__dirname, '../../..');

/** A key vsce accepts (its own pattern; VS Code takes any `%…%`). */
export const NLS_KEY = /^%([\w.]+)%$/;

/** A string VS Code treats as a placeholder: it starts and ends with `%`. */
export const looksLikePlaceholder = (value: string): boolean => value.length > 1 && value.startsWith('%') && value.endsWith('%');

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Every string anywhere in `value` that VS Code would take for a placeholder. */
export function placeholders(value: Json): string[] {
  if (typeof value === 'string') return looksLikePlaceholder(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(placeholders);
  return value && typeof value === 'object' ? Object.values(value).flatMap(placeholders) : [];
}

/** package.json exactly as written, placeholders and all. */
export function readRawManifest(): { [key: string]: Json } {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { [key: string]: Json };
}

/** package.nls.json: the English text of each key ({} when there is none yet, so the checks can name what is missing). */
export function readNls(): Record<string, string> {
  const path = join(ROOT, 'package.nls.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

/** A copy of `value` with each `%key%` string replaced by its text; an unknown key stays as written. */
export function localize(value: Json, nls: Record<string, string>): Json {
  if (typeof value === 'string') return looksLikePlaceholder(value) ? (nls[value.slice(1, -1)] ?? value) : value;
  if (Array.isArray(value)) return value.map((v) => localize(v, nls));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localize(v, nls)]));
  return value;
}

/** package.json as VS Code loads it: every placeholder replaced by its English text. */
export function readManifest<T>(): T {
  return localize(readRawManifest(), readNls()) as T;
}
