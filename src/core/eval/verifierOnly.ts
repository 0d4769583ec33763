// --verifier-only: the answers recorded by an earlier eval (its JSON), replayed through a verifier, so the verdicts'
// quality is measured alone: no generation, no tests (the recorded test results are the truth).
import * as fs from 'node:fs/promises';
import { buildJudgeMessages, judge } from '../engine/verifier';
import type { Skill } from '../engine/skills';
import { EvalInputError, type EvalOptions, type EvalResult, type EvalTask } from './evalTypes';
import { judgeMetrics, summarize } from './evalMetrics';
import { promptTask, verifierBackend } from './taskPrompt';

async function readRecorded(file: string): Promise<EvalResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new EvalInputError(`${file} could not be read as an eval's attempts JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  const r = parsed as Partial<EvalResult>;
  if (!r || r.version !== 1 || !Array.isArray(r.tasks)) throw new EvalInputError(`${file} is not an eval's attempts JSON (the .json an eval writes beside its report).`);
  return r as EvalResult;
}

export async function replayVerifier(tasks: EvalTask[], skills: Skill[], options: EvalOptions): Promise<EvalResult> {
  const file = options.verifierOnly!;
  const recorded = await readRecorded(file);
  const model = options.verifierModel || options.tiers[0].model;
  const backend = verifierBackend(model, options);
  if (!backend) throw new EvalInputError(`No server is set up for the verifier model ${model}; add it to the chain or set the verifier model.`);
  const byId = new Map(tasks.map((t, i) => [t.id, { task: t, skill: skills[i] }]));
  const verdicts: NonNullable<EvalResult['verifier']>['verdicts'] = [];
  for (const outcome of recorded.tasks) {
    const entry = byId.get(outcome.id);
    if (!entry) continue;
    for (const a of outcome.attempts) {
      if (a.code === undefined || !a.test || options.signal?.aborted) continue;
      const v = await judge({ backend, model, signal: options.signal ?? new AbortController().signal, messages: buildJudgeMessages(entry.skill, promptTask(entry.task), a.code) });
      verdicts.push({ id: outcome.id, tierIndex: a.attempt.tierIndex, verdict: v.verdict, passed: a.test.passed, ...(v.feedback && { feedback: v.feedback }) });
      options.onEvent?.(`${outcome.id} tier ${a.attempt.tierIndex + 1}: ${v.verdict} (test ${a.test.passed ? 'passed' : 'failed'})`);
    }
  }
  if (!verdicts.length) throw new EvalInputError(`${file} holds no tested answer of the tasks given; run an eval of these tasks first.`);
  const kept = recorded.tasks.filter((t) => byId.has(t.id));
  const tiers = recorded.chain.map((c) => ({ ...c, backend: c.kind === 'cloud' ? 'anthropic' as const : 'llama-swap' as const }));
  return {
    ...summarize(kept, tiers, new Date().toISOString(), 'verifier-only', model),
    verifier: { model, judge: judgeMetrics(verdicts), verdicts },
    overheadMsPerTask: 0,
  };
}
