// What the readers of every task format share: a file's language id and its line count.
import * as path from 'node:path';

const LANGUAGES: Record<string, string> = {
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.ts': 'typescript', '.mts': 'typescript', '.py': 'python',
  '.go': 'go', '.rs': 'rust', '.java': 'java', '.cpp': 'cpp', '.cc': 'cpp', '.c': 'c', '.rb': 'ruby',
};

/** The language id VS Code would give the file. */
export function languageOf(file: string): string {
  return LANGUAGES[path.extname(file).toLowerCase()] ?? 'plaintext';
}

/** The lines of a text, a final newline not counting as an empty last line. */
export function lineCount(text: string): number {
  const lines = text.split('\n');
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

