// The eval engine as the command line calls it. Until src/core/eval lands, eval says it is not in this build.
import type { EvalApi } from './evalCommand';
import { UsageError } from './usage';

const missing = (): never => {
  throw new UsageError('hyperguild eval is not in this build yet; use hyperguild run.');
};

export const EVAL_API: EvalApi = {
  loadTasks: () => Promise.resolve(missing()),
  runEval: () => Promise.resolve(missing()),
  writeEvalReports: () => Promise.resolve(missing()),
  isInputError: (err): err is Error => err instanceof UsageError,
  summary: () => [],
};
