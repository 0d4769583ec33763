// Where a file's TypeScript project is and which `typescript` checks it. Reads the disk only, never writes, and
// in an untrusted workspace never points at code from the workspace: only the bundled TypeScript.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The languages the TypeScript language service checks, and the extension an untitled document is checked as. */
export const TS_LANGUAGES: Readonly<Record<string, string>> = { typescript: '.ts', typescriptreact: '.tsx', javascript: '.js', javascriptreact: '.jsx' };

/** The folders from the file's up to the root (the filesystem's, when the file is outside `root`). */
function ancestors(file: string, root?: string): string[] {
  const stop = root && !path.relative(root, file).startsWith('..') ? path.resolve(root) : undefined;
  const dirs: string[] = [];
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === stop || path.dirname(dir) === dir) return dirs;
  }
}

const isFile = (p: string) => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The nearest tsconfig.json or jsconfig.json (a JavaScript file prefers jsconfig.json in the same folder). */
export function findConfig(file: string, languageId: string, root?: string): string | undefined {
  const names = languageId.startsWith('javascript') ? ['jsconfig.json', 'tsconfig.json'] : ['tsconfig.json', 'jsconfig.json'];
  for (const dir of ancestors(file, root)) {
    for (const name of names) if (isFile(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The workspace's own node_modules/typescript, nearest the file, within the workspace folder. */
export function workspaceTypeScript(file: string, root: string): string | undefined {
  for (const dir of ancestors(file, root)) {
    const main = path.join(dir, 'node_modules', 'typescript', 'lib', 'typescript.js');
    if (isFile(main) && majorVersion(path.join(dir, 'node_modules', 'typescript', 'package.json')) >= 4) return main;
  }
  return undefined;
}

function majorVersion(packageJson: string): number {
  try {
    const version = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? Number.parseInt(version, 10) || 0 : 0;
  } catch {
    return 0;
  }
}

export interface TypeScriptChoice {
  path: string;
  from: 'workspace' | 'bundled';
}

/** Trusted: the workspace's TypeScript when it has one (the user's version); otherwise, and always when untrusted, the bundled one. */
export function chooseTypeScript(file: string, root: string | undefined, trusted: boolean, bundled: string): TypeScriptChoice {
  const own = trusted && root ? workspaceTypeScript(file, root) : undefined;
  return own ? { path: own, from: 'workspace' } : { path: bundled, from: 'bundled' };
}

/** The name an untitled document is checked under: a path nothing is ever written to, outside any project. */
export function untitledPath(languageId: string): string {
  return path.join(os.tmpdir(), 'hyperguild-untitled', `untitled${TS_LANGUAGES[languageId] ?? '.ts'}`);
}
