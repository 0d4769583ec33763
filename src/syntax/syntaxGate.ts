// The syntax gate: a proposal spliced into the document must not add parse errors. Tree-sitter (the WASM
// grammars VS Code itself uses) parses the document once per run, in the background while the model answers,
// and each proposal incrementally, which takes well under a millisecond on a 2,000-line file. No editor import:
// the grammars' folder is passed in (dist/tree-sitter in the extension, the package's folder in tests).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as TreeSitter from '@vscode/tree-sitter-wasm';
import { GRAMMARS } from './grammars';

export interface SyntaxVerdict {
  /** One phrase for the next tier and the user, e.g. `the proposal does not parse: line 3, missing "}"`. */
  problem?: string;
  /** For the log: what was checked, or why the gate was skipped. */
  note: string;
}

/** One run's gate: the document as it was at run start, with the selected range a proposal replaces. */
export interface ProposalGate {
  check(proposal: string): Promise<SyntaxVerdict>;
  dispose(): void;
}

type Module = typeof TreeSitter;

interface Problem {
  row: number;
  what: string;
}

/** Error and missing nodes, in document order (only subtrees that contain one are walked). */
function problemsOf(root: TreeSitter.Node): Problem[] {
  const found: Problem[] = [];
  const visit = (node: TreeSitter.Node): void => {
    if (node.isMissing) {
      found.push({ row: node.startPosition.row, what: `missing "${node.type}"` });
      return;
    }
    if (node.isError) {
      const text = node.text.split('\n')[0].trim();
      found.push({ row: node.startPosition.row, what: text ? `unexpected "${text.length > 30 ? `${text.slice(0, 30)}…` : text}"` : 'a syntax error' });
    }
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (child && (child.hasError || child.isMissing)) visit(child);
    }
  };
  if (root.hasError) visit(root);
  return found;
}

function pointAt(text: string, index: number): TreeSitter.Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** Loads the Tree-sitter runtime once and each grammar on first use. */
export class SyntaxChecker {
  private runtime: Promise<Module> | undefined;
  private readonly languages = new Map<string, Promise<TreeSitter.Language>>();

  constructor(private readonly wasmDir: string) {}

  /** The grammar for a VS Code language, or undefined: that language skips the gate. */
  static grammarFor(languageId: string): string | undefined {
    return GRAMMARS[languageId];
  }

  /**
   * Starts parsing the document now (off the run's critical path) and returns the gate for proposals that
   * replace [start, end). Never rejects: a failure to load or parse skips the gate, with a note for the log.
   */
  prepare(languageId: string, text: string, start: number, end: number): ProposalGate {
    const grammar = SyntaxChecker.grammarFor(languageId);
    if (!grammar) return { check: () => Promise.resolve({ note: `syntax gate skipped: no grammar for ${languageId}` }), dispose: () => undefined };
    const prepared = this.parser(grammar).then((parser) => ({ parser, tree: parser.parse(text) }));
    prepared.catch(() => undefined); // reported by check()
    let disposed = false;
    return {
      check: async (proposal) => {
        let base: { parser: TreeSitter.Parser; tree: TreeSitter.Tree | null };
        try {
          base = await prepared;
        } catch (err) {
          return { note: `syntax gate skipped: the ${grammar} grammar did not load (${err instanceof Error ? err.message : String(err)})` };
        }
        if (disposed || !base.tree) return { note: 'syntax gate skipped: the document could not be parsed' };
        const started = performance.now();
        const problem = this.compare(base.parser, base.tree, text, start, end, proposal);
        const note = `syntax gate: ${grammar}, ${(performance.now() - started).toFixed(1)} ms`;
        return problem ? { problem, note } : { note };
      },
      dispose: () => {
        disposed = true;
        void prepared.then(({ parser, tree }) => {
          tree?.delete();
          parser.delete();
        }, () => undefined);
      },
    };
  }

  /** The first parse problem the proposal adds, as the phrase for the feedback; undefined when it adds none. */
  private compare(parser: TreeSitter.Parser, original: TreeSitter.Tree, text: string, start: number, end: number, proposal: string): string | undefined {
    const next = text.slice(0, start) + proposal + text.slice(end);
    const edited = original.copy();
    edited.edit({
      startIndex: start, oldEndIndex: end, newEndIndex: start + proposal.length,
      startPosition: pointAt(text, start), oldEndPosition: pointAt(text, end), newEndPosition: pointAt(next, start + proposal.length),
    });
    const tree = parser.parse(next, edited);
    edited.delete();
    if (!tree) return undefined;
    try {
      const before = problemsOf(original.rootNode);
      const after = problemsOf(tree.rootNode);
      // Error recovery may move the errors the file already had; only more errors than before is the proposal's.
      if (after.length <= before.length) return this.standalone(parser, text.slice(start, end), proposal);
      const firstRow = pointAt(next, start).row;
      const lastRow = pointAt(next, start + proposal.length).row;
      const shift = lastRow - pointAt(text, end).row;
      const known = new Set(before.map((p) => `${p.row < firstRow ? p.row : p.row + shift}:${p.what}`));
      const added = after.find((p) => !known.has(`${p.row}:${p.what}`)) ?? after[after.length - 1];
      // A missing closer is often found only after the proposal: it is still the proposal's last line's fault.
      const line = Math.min(Math.max(added.row, firstRow), Math.max(firstRow, lastRow - (proposal.endsWith('\n') ? 1 : 0))) - firstRow + 1;
      return `the proposal does not parse: line ${line}, ${added.what}`;
    } finally {
      tree.delete();
    }
  }

  /**
   * In a file that is already broken, error recovery can swallow a new error into an old one. When the selected
   * code parses cleanly on its own, the proposal must as well.
   */
  private standalone(parser: TreeSitter.Parser, selection: string, proposal: string): string | undefined {
    const parse = (code: string) => {
      const tree = parser.parse(code);
      const found = tree ? problemsOf(tree.rootNode) : [];
      tree?.delete();
      return found;
    };
    if (parse(selection).length > 0) return undefined;
    const first = parse(proposal)[0];
    return first && `the proposal does not parse: line ${first.row + 1}, ${first.what}`;
  }

  private parser(grammar: string): Promise<TreeSitter.Parser> {
    let language = this.languages.get(grammar);
    if (!language) {
      language = this.load().then((ts) => ts.Language.load(path.join(this.wasmDir, `tree-sitter-${grammar}.wasm`)));
      this.languages.set(grammar, language);
      language.catch(() => this.languages.delete(grammar)); // try again on the next run
    }
    return Promise.all([this.load(), language]).then(([ts, lang]) => {
      const parser = new ts.Parser();
      parser.setLanguage(lang);
      return parser;
    });
  }

  /** The runtime, required from the grammars' folder on first use: activation never loads it. */
  private load(): Promise<Module> {
    this.runtime ??= (async () => {
      const ts = createRequire(__filename)(path.join(this.wasmDir, 'tree-sitter.js')) as Module;
      await ts.Parser.init({ locateFile: (file: string) => path.join(this.wasmDir, file) });
      return ts;
    })();
    this.runtime.catch(() => (this.runtime = undefined));
    return this.runtime;
  }
}
