// Which diagnostics a proposal brings: the spliced document's against the original's, matched by code and message
// on the same line (lines after the replaced range shifted by the lines the proposal adds), so a file that was
// already broken stays comparable and only what the proposal changed counts. Pure: no TypeScript, no editor.

/** One diagnostic, as the checker reports it for one file. */
export interface Diag {
  code: number;
  message: string;
  /** 0-based line in the document checked. */
  line: number;
  severity: 'error' | 'warning' | 'suggestion';
}

/** The range a proposal replaces in the original, and the proposal's own length. */
export interface Splice {
  text: string;
  start: number;
  end: number;
  proposal: string;
}

export interface DiagDiff {
  errors: Diag[];
  warnings: Diag[];
}

const lineOf = (text: string, offset: number): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

const countLines = (s: string): number => s.split('\n').length - 1;

/**
 * The diagnostics of `after` (the spliced document) that `before` (the original) has not: a diagnostic above the
 * replaced range keeps its line, one below it moves by the lines the proposal adds, and any inside the range
 * matches any of the same code and message inside the proposal (the model may have moved the line).
 */
export function newDiagnostics(before: readonly Diag[], after: readonly Diag[], splice: Splice): DiagDiff {
  const firstLine = lineOf(splice.text, splice.start);
  const lastLine = firstLine + countLines(splice.text.slice(splice.start, splice.end));
  const shift = countLines(splice.proposal) - (lastLine - firstLine);
  const place = (line: number, inside: boolean) => (inside ? 'region' : String(line));
  const seen = new Map<string, number>();
  const keyOf = (d: Diag, where: string) => `${d.code}\u0000${d.message}\u0000${where}`;
  for (const d of before) {
    const where = d.line < firstLine ? String(d.line) : d.line > lastLine ? String(d.line + shift) : 'region';
    const k = keyOf(d, where);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const found: DiagDiff = { errors: [], warnings: [] };
  for (const d of after) {
    const k = keyOf(d, place(d.line, d.line >= firstLine && d.line <= lastLine + shift));
    const left = seen.get(k) ?? 0;
    if (left > 0) {
      seen.set(k, left - 1);
      continue;
    }
    (d.severity === 'error' ? found.errors : found.warnings).push(d);
  }
  return found;
}

const MAX_QUOTED = 5;

/** The line of the document a diagnostic is on, trimmed, for the feedback (a small model finds it by its text). */
function quoteLine(text: string, line: number): string {
  const s = (text.split('\n')[line] ?? '').trim();
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** One line per diagnostic: "line 12 (`let x = y;`): Cannot find name 'y'. ts(2304)", capped to a few. */
export function describeDiagnostics(diags: readonly Diag[], spliced: string, source: string): string {
  const lines = diags.slice(0, MAX_QUOTED).map((d) => {
    const code = quoteLine(spliced, d.line);
    return `line ${d.line + 1}${code ? ` (\`${code}\`)` : ''}: ${d.message.split('\n')[0]} ${source}(${d.code})`;
  });
  if (diags.length > MAX_QUOTED) lines.push(`(and ${diags.length - MAX_QUOTED} more)`);
  return lines.join('\n');
}

/** The spliced document: the original with the proposal in place of [start, end). */
export function spliced(s: Splice): string {
  return s.text.slice(0, s.start) + s.proposal + s.text.slice(s.end);
}
