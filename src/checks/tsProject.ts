// A TypeScript language service over one project (a tsconfig.json/jsconfig.json, or the file alone), with the
// checked file's text held in memory: the proposal is an overlay, never written anywhere; every other file is read
// from disk. Runs in the diagnostics worker (tsWorker.ts) with whichever `typescript` it was handed. The language
// service API loads no tsconfig plugins (only tsserver does), so a project's settings never run code here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TS from 'typescript';
import type { Diag } from './diagnosticDiff';

type Ts = typeof TS;

/** What the file is checked as when no tsconfig.json/jsconfig.json is found: close to VS Code's implicit project. */
function inferredOptions(ts: Ts): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler ?? ts.ModuleResolutionKind.NodeJs,
    allowJs: true, checkJs: false, jsx: ts.JsxEmit.Preserve, strictNullChecks: true, strictFunctionTypes: true,
    allowSyntheticDefaultImports: true, esModuleInterop: true, resolveJsonModule: true, skipLibCheck: true, allowNonTsExtensions: true, noEmit: true,
  };
}

/**
 * A text whose change from the text before it (same file) is the span between their common prefix and suffix, so
 * the service re-parses only that (the proposal's region) instead of the whole file.
 */
class Snapshot implements TS.IScriptSnapshot {
  constructor(private readonly ts: Ts, readonly text: string) {}
  getText(start: number, end: number): string {
    return this.text.substring(start, end);
  }
  getLength(): number {
    return this.text.length;
  }
  getChangeRange(old: TS.IScriptSnapshot): TS.TextChangeRange | undefined {
    if (!(old instanceof Snapshot)) return undefined;
    const [a, b] = [old.text, this.text];
    const max = Math.min(a.length, b.length);
    let head = 0;
    while (head < max && a.charCodeAt(head) === b.charCodeAt(head)) head++;
    let tail = 0;
    while (tail < max - head && a.charCodeAt(a.length - 1 - tail) === b.charCodeAt(b.length - 1 - tail)) tail++;
    return this.ts.createTextChangeRange(this.ts.createTextSpan(head, a.length - head - tail), b.length - head - tail);
  }
}

/** Thrown (by TypeScript, through the host's token) when a check is cancelled. */
export class Cancelled extends Error {}

/** One project's language service; `refresh()` at each run's start re-reads the config and what changed on disk. */
export class Project {
  private readonly overlay = new Map<string, { text: string; version: number; snapshot: Snapshot }>();
  /** Disk files' versions (mtimes) as seen since the last refresh: a run sees the disk as it was at its start. */
  private readonly versions = new Map<string, string>();
  private projectVersion = 0;
  private roots: string[] = [];
  private options: TS.CompilerOptions = {};
  private configStamp = '';
  private cancelled: () => boolean = () => false;
  private readonly service: TS.LanguageService;
  private readonly libDir: string;

  constructor(private readonly ts: Ts, private readonly configPath: string | undefined, registry: TS.DocumentRegistry) {
    this.libDir = path.dirname(ts.getDefaultLibFilePath({}));
    this.service = ts.createLanguageService(this.host(), registry);
  }

  /** Re-reads the tsconfig (when it changed) and forgets the disk files' versions and the last run's overlay. */
  refresh(): void {
    this.versions.clear();
    this.overlay.clear();
    this.projectVersion++;
    const stamp = this.configPath ? mtime(this.configPath) : 'none';
    if (stamp === this.configStamp) return;
    this.configStamp = stamp;
    if (!this.configPath) {
      this.options = inferredOptions(this.ts);
      this.roots = [];
      return;
    }
    const ts = this.ts;
    const read = ts.readConfigFile(this.configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, path.dirname(this.configPath), { noEmit: true }, this.configPath);
    this.options = { ...parsed.options, noEmit: true, allowNonTsExtensions: true };
    this.roots = parsed.fileNames;
  }

  /** The file's diagnostics with `text` as its content; `cancelled` is polled by the checker as it goes. */
  diagnostics(file: string, text: string, cancelled: () => boolean): Diag[] {
    if (this.overlay.get(file)?.text !== text) {
      // Versions are unique across files and runs, so the service never mistakes one text for another.
      this.overlay.set(file, { text, version: ++this.projectVersion, snapshot: new Snapshot(this.ts, text) });
    }
    this.cancelled = cancelled;
    try {
      const ts = this.ts;
      const found = [...this.service.getSyntacticDiagnostics(file), ...this.service.getSemanticDiagnostics(file), ...this.service.getSuggestionDiagnostics(file)];
      const source = this.service.getProgram()?.getSourceFile(file);
      return found.map((d) => ({
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        line: source && d.start !== undefined ? source.getLineAndCharacterOfPosition(d.start).line : 0,
        severity: d.category === ts.DiagnosticCategory.Error ? 'error' : d.category === ts.DiagnosticCategory.Warning ? 'warning' : 'suggestion',
      }));
    } catch (err) {
      if (err instanceof this.ts.OperationCanceledException) throw new Cancelled('cancelled');
      throw err;
    } finally {
      this.cancelled = () => false;
    }
  }

  /** Frees what only this project holds. */
  dispose(): void {
    this.service.dispose();
  }

  private version(file: string): string {
    const own = this.overlay.get(file);
    if (own) return `o${own.version}`;
    if (file.startsWith(this.libDir)) return 'lib';
    let v = this.versions.get(file);
    if (v === undefined) this.versions.set(file, (v = mtime(file)));
    return v;
  }

  private host(): TS.LanguageServiceHost {
    const ts = this.ts;
    return {
      getCompilationSettings: () => this.options,
      getProjectVersion: () => String(this.projectVersion),
      getScriptFileNames: () => [...new Set([...this.roots, ...this.overlay.keys()])],
      getScriptVersion: (f) => this.version(f),
      getScriptSnapshot: (f) => {
        const own = this.overlay.get(f);
        if (own) return own.snapshot;
        const text = ts.sys.readFile(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => (this.configPath ? path.dirname(this.configPath) : process.cwd()),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.overlay.has(f) || ts.sys.fileExists(f),
      readFile: (f, enc) => this.overlay.get(f)?.text ?? ts.sys.readFile(f, enc),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      getCancellationToken: () => ({ isCancellationRequested: () => this.cancelled() }),
    };
  }
}

function mtime(file: string): string {
  try {
    return String(fs.statSync(file).mtimeMs);
  } catch {
    return 'missing';
  }
}

/** The projects kept warm, most recently used last: a few, as each holds a whole program in memory. */
export class Projects {
  private readonly projects = new Map<string, Project>();
  private readonly registry: TS.DocumentRegistry;

  constructor(private readonly ts: Ts, private readonly capacity = 2) {
    this.registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames);
  }

  /** The project for a config (undefined: the file alone), made or moved to the front; `fresh` refreshes it. */
  get(configPath: string | undefined, file: string, fresh: boolean): Project {
    const key = configPath ?? `inferred:${file}`;
    let project = this.projects.get(key);
    if (project) this.projects.delete(key);
    else {
      project = new Project(this.ts, configPath, this.registry);
      fresh = true;
    }
    this.projects.set(key, project);
    if (fresh) project.refresh();
    for (const [k, old] of this.projects) {
      if (this.projects.size <= this.capacity) break;
      old.dispose();
      this.projects.delete(k);
    }
    return project;
  }
}
