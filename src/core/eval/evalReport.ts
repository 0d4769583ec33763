// Writes an eval's three reports side by side: Markdown, a self-contained HTML page with charts, and the JSON of
// every attempt (which --verifier-only replays).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EvalResult } from './evalTypes';
import { evalMarkdown } from './reportMarkdown';
import { evalHtml } from './reportHtml';

export { evalMarkdown } from './reportMarkdown';
export { evalHtml, escapeHtml } from './reportHtml';

export async function writeEvalReports(result: EvalResult, outDir: string): Promise<{ markdown: string; html: string; json: string }> {
  await fs.mkdir(outDir, { recursive: true });
  const paths = { markdown: path.join(outDir, 'eval-report.md'), html: path.join(outDir, 'eval-report.html'), json: path.join(outDir, 'eval-attempts.json') };
  await fs.writeFile(paths.markdown, evalMarkdown(result));
  await fs.writeFile(paths.html, evalHtml(result, randomBytes(16).toString('base64')));
  await fs.writeFile(paths.json, `${JSON.stringify(result, null, 2)}\n`);
  return paths;
}
