// The import check `npm test` runs (npm run check:imports): no import cycle among src/'s files, type-only imports
// included, and the layering docs/architecture.md describes: the pure core imports only the core; backends, storage
// and syntax never import the editor (core/eval alone may run a command through src/checks/boundedCommand.ts); none
// of them imports 'vscode' at run time (`import type` is fine); the command line (src/cli) imports neither the editor
// nor 'vscode', not even a type; nothing imports the composition root. It reads the TypeScript sources, since the
// compiled files drop type-only imports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export interface Edge {
  /** A file under src/ ('src/core/x.ts') or a package name ('vscode'). */
  to: string;
  /** Erased when compiled: `import type`, or every name imported with `type`. */
  typeOnly: boolean;
}

/** Each file under src/ (relative to the repository, with '/') and what it imports. */
export type ImportGraph = Map<string, Edge[]>;

/** A layering rule: what a file in `from` must not import, and why. */
interface Rule {
  from: RegExp;
  forbids: (e: Edge, file: string) => boolean;
  why: string;
}

/** The one import of another pure layer the core makes: the eval runs a task's test as a command check does. */
const coreMayImport = (file: string, to: string) => file.startsWith('src/core/eval/') && to === 'src/checks/boundedCommand.ts';

const LAYERS: Rule[] = [
  { from: /^src\/core\//, forbids: (e, file) => e.to.startsWith('src/') && !e.to.startsWith('src/core/') && !coreMayImport(file, e.to), why: 'the pure core imports only the core' },
  { from: /^src\/(backends|storage|syntax|checks)\//, forbids: (e) => e.to.startsWith('src/editor/'), why: 'backends, storage, syntax and checks never import the editor' },
  { from: /^src\/(core|backends|storage|syntax|checks)\//, forbids: (e) => e.to === 'vscode' && !e.typeOnly, why: "the pure layers never import 'vscode' at run time (use `import type`)" },
  // The command line runs in plain Node: not even a type from the editor or 'vscode'.
  { from: /^src\/cli\//, forbids: (e) => e.to.startsWith('src/editor/') || e.to === 'vscode', why: "the command line never imports the editor nor 'vscode'" },
  { from: /^src\//, forbids: (e) => e.to === 'src/extension.ts', why: 'nothing imports the composition root' },
  // The feature folders, as their main files' headers say: each builds only on those before it.
  ...folderRule('core/warmth', /^src\/core\/(?!types\.ts$)/, 'core/warmth imports only core/types'),
  ...folderRule('core/engine', /^src\/core\/(review|history|warmth|setup|eval|adaptive)\//, "core/engine imports none of core's feature folders"),
  ...folderRule('core/eval', /^src\/core\/(review|history|warmth|setup|adaptive)\//, 'core/eval imports only core/engine and core/types'),
  ...folderRule('core/adaptive', /^src\/core\/(review|warmth|setup|eval)\//, 'core/adaptive imports only the engine and the history'),
  ...folderRule('editor/adaptive', /^src\/editor\/(run|review|chat|warmth|setup|eval)\//, 'editor/adaptive imports only history of the editor folders'),
  ...folderRule('editor/setup', /^src\/editor\/(run|review|chat|history|warmth|adaptive|eval)\//, 'editor/setup imports no other editor folder'),
  ...folderRule('editor/review', /^src\/editor\/(run|chat|history|warmth|setup|adaptive|eval)\//, 'editor/review imports no other editor folder'),
  ...folderRule('editor/history', /^src\/editor\/(run|chat|warmth|setup|adaptive|eval)\//, 'editor/history imports only review of the editor folders'),
  ...folderRule('editor/run', /^src\/editor\/(chat|warmth|eval)\//, 'editor/run never imports chat, warmth or eval, which build on it'),
  ...folderRule('editor/eval', /^src\/editor\/(review|history|chat|warmth|setup|adaptive)\//, 'editor/eval imports only run of the editor folders'),
];

function folderRule(folder: string, forbidden: RegExp, why: string): Rule[] {
  const own = `src/${folder}/`;
  return [{ from: new RegExp(`^${own}`), forbids: (e) => forbidden.test(e.to) && !e.to.startsWith(own), why }];
}

/** One line per import cycle and per layering breach; none: the graph is sound. */
export function importProblems(graph: ImportGraph): string[] {
  const problems = cycles(graph).map((c) => `import cycle: ${[...c, c[0]].join(' → ')}`);
  for (const [file, edges] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    for (const rule of LAYERS) {
      if (!rule.from.test(file)) continue;
      for (const edge of edges.filter((e) => rule.forbids(e, file))) problems.push(`${file} imports ${edge.to}: ${rule.why}.`);
    }
  }
  return problems;
}

/** Each cycle once, as the files on it (Tarjan's strongly connected components, then one path round each). */
export function cycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const next = (file: string) => [...new Set((graph.get(file) ?? []).map((e) => e.to).filter((to) => graph.has(to)))];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const to of next(file)) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(file, Math.min(low.get(file)!, index.get(to)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || next(file).includes(file)) found.push(pathRound(component, next));
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return found;
}

/** A path from the component's first file (by name) back to itself, through the component only. */
function pathRound(component: string[], next: (file: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const came = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const to of next(file).filter((t) => members.has(t))) {
      if (to === start) {
        const round = [file];
        while (round[0] !== start) round.unshift(came.get(round[0])!);
        return round;
      }
      if (!came.has(to)) {
        came.set(to, file);
        queue.push(to);
      }
    }
  }
  return [start];
}

/** The import graph of every .ts file under `root`/src. */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(path.join(root, 'src'))) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    graph.set(rel, importsOf(source).map(({ specifier, typeOnly }) => ({ to: resolve(root, rel, specifier), typeOnly })));
  }
  return graph;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return tsFiles(full);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** A relative specifier as the file it names (tried as .ts, then /index.ts); a package as its name. */
function resolve(root: string, from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`].find((f) => fs.existsSync(path.join(root, f))) ?? base;
}

function importsOf(source: ts.SourceFile): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: importIsTypeOnly(node.importClause) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || allTypes(named) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && isLoader(node.expression) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `import()` or `require()`. */
function isLoader(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

function importIsTypeOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import 'x'`: run for its effect
  if (clause.isTypeOnly) return true;
  if (clause.name || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) return false;
  return allTypes(clause.namedBindings.elements);
}

function allTypes(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier> | undefined): boolean {
  return !!elements && elements.length > 0 && elements.every((e) => e.isTypeOnly);
}

if (require.main === module) {
  const root = path.resolve(__dirname, '../../..');
  const graph = readImportGraph(root);
  const problems = importProblems(graph);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`check:imports: ${problems.length} problem(s); see docs/architecture.md for what each folder may import.`);
    process.exit(1);
  }
  console.log(`check:imports: ${graph.size} files under src/, no import cycle, layering holds`);
}
