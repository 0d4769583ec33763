// The eval engine (src/core/eval) as the command line calls it, and its result as a short table for a terminal.
import { runEval } from '../core/eval/evalRun';
import { writeEvalReports } from '../core/eval/evalReport';
import { EvalInputError, type EvalResult, type EvalTask, type GroupMetrics } from '../core/eval/evalTypes';
import { headline, pct, usd } from '../core/eval/reportText';
import { loadTasks } from '../core/eval/tasks';
import type { EvalApi } from './evalCommand';

/** Label/value rows as two aligned columns. */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

const tierRow = (g: GroupMetrics): string[] => [g.key, pct(g.accepted), pct(g.falseAccepts), pct(g.falseEscalations), String(g.cloudCalls), usd(g.costUsd)];

/** The headline numbers, then one row per tier: what `hyperguild eval` prints before the reports' paths. */
export function evalSummary(result: EvalResult): string[] {
  const lines = columns(headline(result));
  if (result.perTier.length) lines.push('', ...columns([['Tier', 'Accepted', 'False accepts', 'False escalations', 'Cloud calls', 'Cost'], ...result.perTier.map(tierRow)]));
  return lines;
}

export const EVAL_API: EvalApi<EvalTask, EvalResult> = {
  loadTasks,
  runEval,
  writeEvalReports,
  isInputError: (err): err is Error => err instanceof EvalInputError,
  summary: evalSummary,
};
