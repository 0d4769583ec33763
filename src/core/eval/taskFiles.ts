// What the readers of every task format share: a file's language id and its line count.
export { languageOf } from '../engine/languages';

/** The lines of a text, a final newline not counting as an empty last line. */
export function lineCount(text: string): number {
  const lines = text.split('\n');
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

