// Which Tree-sitter grammar (from @vscode/tree-sitter-wasm, the ones VS Code itself uses) parses which VS Code
// language. A language not listed skips the syntax gate. The list is JSON so that esbuild.mjs ships exactly these.
import grammars from './grammars.json';

/** VS Code languageId → grammar name (file `tree-sitter-<name>.wasm`). */
export const GRAMMARS: Readonly<Record<string, string>> = grammars;
