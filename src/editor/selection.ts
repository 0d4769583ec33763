import * as vscode from 'vscode';

/** Symbols worth running a skill on when nothing is selected. */
const BLOCK_KINDS = new Set([
  vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor,
  vscode.SymbolKind.Class, vscode.SymbolKind.Interface, vscode.SymbolKind.Enum, vscode.SymbolKind.Struct,
]);

/** Whole lines: a skill rewrites lines, and whole lines keep indentation unambiguous. */
export function wholeLines(document: vscode.TextDocument, range: vscode.Range): vscode.Range {
  let endLine = range.end.line;
  if (endLine > range.start.line && range.end.character === 0) endLine--;
  return new vscode.Range(range.start.line, 0, endLine, document.lineAt(endLine).range.end.character);
}

async function enclosingSymbol(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Range | undefined> {
  // Bounded: a slow or missing language server must not hold up the command.
  const symbols = await Promise.race([
    Promise.resolve(vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', document.uri)).catch(() => undefined),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 1500)),
  ]);
  let best: vscode.Range | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[] | undefined) => {
    for (const s of list ?? []) {
      if (!s.range || !s.range.contains(position)) continue;
      if (BLOCK_KINDS.has(s.kind)) best = s.range;
      visit(s.children);
    }
  };
  visit(symbols);
  return best;
}

export type Target = { range: vscode.Range; note?: string } | { error: string };

/**
 * The code a skill works on: the selection (extended to whole lines); with no selection, the
 * innermost function or class around the cursor, else the cursor's line.
 */
export async function resolveTarget(editor: vscode.TextEditor): Promise<Target> {
  const { document, selection } = editor;
  if (!selection.isEmpty) return { range: wholeLines(document, selection) };
  const symbol = await enclosingSymbol(document, selection.active);
  if (symbol) return { range: wholeLines(document, symbol), note: 'no selection: using the function or class around the cursor' };
  const line = document.lineAt(selection.active.line);
  if (line.isEmptyOrWhitespace) return { error: vscode.l10n.t('Select the code to change; the cursor is on an empty line and nothing is selected.') };
  return { range: line.range, note: 'no selection: using the line at the cursor' };
}

/** Up to `lines` lines above and below the range, for context. */
export function surroundings(document: vscode.TextDocument, range: vscode.Range, lines: number): { before: string; after: string } {
  const startLine = Math.max(0, range.start.line - lines);
  const endLine = Math.min(document.lineCount - 1, range.end.line + lines);
  const before = lines && range.start.line > 0 ? document.getText(new vscode.Range(startLine, 0, range.start.line, 0)).replace(/\r?\n$/, '') : '';
  const after = lines && range.end.line < document.lineCount - 1
    ? document.getText(new vscode.Range(range.end.line + 1, 0, endLine, document.lineAt(endLine).range.end.character))
    : '';
  return { before, after };
}

/** The document's line ending, which an answer is fitted with (a one-line selection has none of its own). */
export const eolOf = (document: vscode.TextDocument): '\n' | '\r\n' => (document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
