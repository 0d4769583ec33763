// The VS Code language id of a file on disk, by its extension: for the prompt and the syntax gate when there is no
// editor to say it (the command line, eval's tasks). Pure.
import * as path from 'node:path';

const LANGUAGES: Record<string, string> = {
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescriptreact',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.py': 'python', '.go': 'go', '.rs': 'rust', '.java': 'java', '.cs': 'csharp',
  '.cpp': 'cpp', '.cc': 'cpp', '.cxx': 'cpp', '.hpp': 'cpp', '.h': 'c', '.c': 'c',
  '.rb': 'ruby', '.php': 'php', '.sh': 'shellscript', '.bash': 'shellscript', '.css': 'css',
  '.ps1': 'powershell', '.ini': 'ini', '.json': 'json', '.md': 'markdown', '.html': 'html', '.yaml': 'yaml', '.yml': 'yaml',
};

/** The language id VS Code would give the file; `plaintext` when the extension is not known. */
export function languageOf(file: string): string {
  return LANGUAGES[path.extname(file).toLowerCase()] ?? 'plaintext';
}
