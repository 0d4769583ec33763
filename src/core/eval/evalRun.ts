// Runs a task set through the chain as the editor would (runChain, the same Job), tests every answer (accepted or
// not) in a temporary copy, and measures the cascade's decisions against the tests. The tests, not a model, are
// the ground truth; the baselines are the same tasks sent straight to the last tier, or the first tier taken as is.
import type { Tier } from '../engine/chain';
import { escalateByUser, runChain, type Attempt, type Resume, type RunResult } from '../engine/orchestrator';
import { extractCode, fitToSelection } from '../engine/prompts';
import type { Skill } from '../engine/skills';
import { isUnpriced } from '../engine/accounting';
import * as path from 'node:path';
import type { CheckTarget } from '../engine/checks';
import { EvalInputError, type TaskChecks, type AttemptOutcome, type BaselineOutcome, type EvalOptions, type EvalResult, type EvalTask, type RecoveryOutcome, type TaskOutcome } from './evalTypes';
import { applyProposal, isSyntaxFailure, runTaskTest, splitAtRange, testPool } from './taskTest';
import { promptTask, skillFor } from './taskPrompt';
import { summarize } from './evalMetrics';
import { replayVerifier } from './verifierOnly';

export type { EvalOptions } from './evalTypes';

export async function runEval(tasks: EvalTask[], options: EvalOptions): Promise<EvalResult> {
  if (!options.tiers.length) throw new EvalInputError('The chain is empty; give at least one model to evaluate.');
  const skills = tasks.map((t) => skillFor(t, options.skills));
  if (options.verifierOnly) return replayVerifier(tasks, skills, options);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const outcomes: TaskOutcome[] = [];
  const pool = testPool(options.testConcurrency ?? 2);
  let measured = 0;
  for (const [i, task] of tasks.entries()) {
    if (options.signal?.aborted) break;
    const outcome = await evalTask(task, skills[i], options, pool);
    measured += outcome.ms + outcome.testMs + (outcome.baselines?.cloudOnly?.ms ?? 0) + (outcome.baselines?.cloudOnly?.testMs ?? 0) + (outcome.recovery?.ms ?? 0);
    outcomes.push(outcome);
    options.onEvent?.(progressLine(i + 1, tasks.length, outcome));
  }
  const overheadMsPerTask = outcomes.length ? Math.max(0, performance.now() - started - measured) / outcomes.length : 0;
  return { ...summarize(outcomes, options.tiers, startedAt, 'cascade', options.verifierModel), overheadMsPerTask };
}

function progressLine(n: number, of: number, o: TaskOutcome): string {
  const where = o.accepted ? `accepted at ${o.accepted.model} (tier ${o.accepted.tierIndex + 1})` : o.status;
  const test = o.accepted ? (o.passed ? 'test passed' : 'test FAILED') : 'no answer to test';
  return `[${n}/${of}] ${o.id} (${o.skill}): ${where}, ${test}; ${o.attempts.length} attempt(s), ${(o.ms / 1000).toFixed(1)} s`;
}

/** What one run said, tier by tier: each tier's answer text (streamed) and whether its judge was asked. */
interface Heard {
  text: Map<number, string>;
  judged: Set<number>;
}

async function chain(tiers: Tier[], task: EvalTask, skill: Skill, options: EvalOptions, heard: Heard, resume?: Resume): Promise<{ result: RunResult; ms: number }> {
  const started = performance.now();
  const checks = skill.expectsCode ? options.checks?.(checkTarget(task)) : undefined;
  try {
    const result = await walk(tiers, task, skill, options, heard, resume, checks);
    return { result, ms: performance.now() - started };
  } finally {
    checks?.dispose();
  }
}

/** The task's file as the checks see it: where it lies in its folder, and the range an answer replaces. */
function checkTarget(task: EvalTask): CheckTarget {
  const { before, selection } = splitAtRange(task);
  return {
    ...(task.dir && { path: path.join(task.dir, task.file), root: task.dir }),
    languageId: task.languageId, text: task.text, start: before.length, end: before.length + selection.length,
  };
}

function walk(tiers: Tier[], task: EvalTask, skill: Skill, options: EvalOptions, heard: Heard, resume: Resume | undefined, checks: TaskChecks | undefined): Promise<RunResult> {
  return runChain({
    tiers, backends: options.backends, skill, task: promptTask(task), maxTokens: options.maxTokens,
    ...(resume && { resume }),
    ...(checks?.syntaxCheck && { syntaxCheck: checks.syntaxCheck }),
    ...(checks?.codeChecks.length && { codeChecks: checks.codeChecks, judgeAfterFailedCheck: true }),
    ...(options.verifierModel && { verifierModel: options.verifierModel }),
    ...(options.prices && { prices: options.prices }),
    ...(options.signal && { signal: options.signal }),
    onEvent: (e) => {
      if (e.type === 'tier-start') heard.text.set(e.tierIndex, '');
      else if (e.type === 'text') heard.text.set(e.tierIndex, (heard.text.get(e.tierIndex) ?? '') + e.delta);
      else if (e.type === 'verifying') heard.judged.add(e.tierIndex);
    },
  });
}

/** Each attempt with its answer's code and the test of that code (every answer with code, accepted or not). */
async function testAttempts(task: EvalTask, skill: Skill, attempts: readonly Attempt[], heard: Heard, pool: ReturnType<typeof testPool>, signal?: AbortSignal): Promise<AttemptOutcome[]> {
  const selection = splitAtRange(task).selection;
  const eol = task.text.includes('\r\n') ? '\r\n' : '\n';
  return Promise.all(attempts.map(async (a): Promise<AttemptOutcome> => {
    const attempt = { ...a };
    delete attempt.detail; // the log's detail (server bodies) stays out of the recorded attempts
    const text = a.verdict === 'error' ? undefined : heard.text.get(a.tierIndex);
    const code = text === undefined ? undefined : skill.expectsCode ? extractCode(text) : text.trim();
    const base = { attempt, judged: heard.judged.has(a.tierIndex) };
    if (code === undefined) return base;
    const proposal = fitToSelection(code, selection, eol);
    const test = await pool(() => runTaskTest(task, applyProposal(task, proposal), signal));
    return { ...base, code, proposal, test, ...(isSyntaxFailure(test) && { syntaxError: true }) };
  }));
}

async function evalTask(task: EvalTask, skill: Skill, options: EvalOptions, pool: ReturnType<typeof testPool>): Promise<TaskOutcome> {
  const heard: Heard = { text: new Map(), judged: new Set() };
  const { result, ms } = await chain(options.tiers, task, skill, options, heard);
  const testStarted = performance.now();
  const attempts = await testAttempts(task, skill, result.attempts, heard, pool, options.signal);
  const testMs = performance.now() - testStarted;
  const acceptedAttempt = result.accepted ? attempts.find((a) => a.attempt.tierIndex === result.accepted!.tierIndex && a.attempt.verdict === 'accept') : undefined;
  const falseAccept = acceptedAttempt?.test && !acceptedAttempt.test.passed;
  const recovery = options.baselines && falseAccept && result.continuation && result.continuation.nextTier < options.tiers.length && !options.signal?.aborted
    ? await recover(task, skill, options, pool, result, acceptedAttempt.test!.tail) : undefined;
  const cloudOnly = options.baselines && !options.signal?.aborted ? await cloudBaseline(task, skill, options, pool) : undefined;
  const first = attempts[0];
  const localOnly: BaselineOutcome | undefined = first && options.tiers[0].kind === 'local'
    ? { model: options.tiers[0].model, passed: first.test?.passed ?? false, cloudCalls: 0, ms: first.attempt.durationMs, costUsd: 0, ...(first.test && { test: first.test }) }
    : undefined;
  return {
    id: task.id, skill: task.skill, languageId: task.languageId, source: task.source,
    status: result.status === 'accepted' ? 'accepted' : result.status === 'cancelled' ? 'cancelled' : attempts.some((a) => a.attempt.verdict !== 'error') ? 'exhausted' : 'failed',
    ...(result.message && { message: result.message }),
    ...(result.accepted && { accepted: result.accepted }),
    attempts,
    passed: acceptedAttempt?.test?.passed ?? false,
    ms, testMs,
    costUsd: attempts.reduce((s, a) => s + (a.attempt.costUsd ?? 0), 0),
    unpriced: attempts.filter((a) => isUnpriced(a.attempt)).length,
    cloudCalls: cloudCallsOf(attempts),
    ...((cloudOnly || localOnly) && { baselines: { ...(cloudOnly && { cloudOnly }), ...(localOnly && { localOnly }) } }),
    ...(recovery && { recovery }),
  };
}

/**
 * A false accept's run continued past its accepted tier (its continuation), the failing test's output as the
 * rejection: what the chain would have given had a check caught it (a test as a command check, issue 24).
 */
async function recover(task: EvalTask, skill: Skill, options: EvalOptions, pool: ReturnType<typeof testPool>, run: RunResult, tail: string): Promise<RecoveryOutcome> {
  const started = performance.now();
  const c = run.continuation!;
  const heard: Heard = { text: new Map(), judged: new Set() };
  const resume = escalateByUser(c, options.tiers, `the task's test failed on this answer; its output ends:\n${tail}`);
  const { result } = await chain(options.tiers, task, skill, options, heard, resume);
  const fresh = result.attempts.slice(resume.attempts.length);
  const attempts = await testAttempts(task, skill, fresh, heard, pool, options.signal);
  const accepted = result.accepted ? attempts.find((a) => a.attempt.tierIndex === result.accepted!.tierIndex && a.attempt.verdict === 'accept') : undefined;
  return {
    fromTier: c.nextTier, ...(result.accepted && { accepted: result.accepted }), passed: accepted?.test?.passed ?? false,
    costUsd: attempts.reduce((s, a) => s + (a.attempt.costUsd ?? 0), 0), cloudCalls: cloudCallsOf(attempts), ms: performance.now() - started,
  };
}

/** Cloud requests an attempt list made: each answered (or failed) cloud tier; a skipped one made none. */
export function cloudCallsOf(attempts: readonly AttemptOutcome[]): number {
  return attempts.filter((a) => a.attempt.tier === 'cloud' && !(a.attempt.serverSilent && a.attempt.durationMs === 0)).length;
}

/** The task sent straight to the last tier, its answer taken as that tier's checks leave it. */
async function cloudBaseline(task: EvalTask, skill: Skill, options: EvalOptions, pool: ReturnType<typeof testPool>): Promise<BaselineOutcome> {
  const last = options.tiers[options.tiers.length - 1];
  const heard: Heard = { text: new Map(), judged: new Set() };
  const { result, ms } = await chain([last], task, skill, options, heard);
  const testStarted = performance.now();
  const attempts = await testAttempts(task, skill, result.attempts, heard, pool, options.signal);
  const answer = attempts.find((a) => a.attempt.verdict === 'accept') ?? attempts[0];
  return {
    model: last.model, passed: result.status === 'accepted' && (answer?.test?.passed ?? false), ms, testMs: performance.now() - testStarted,
    costUsd: attempts.reduce((s, a) => s + (a.attempt.costUsd ?? 0), 0), cloudCalls: cloudCallsOf(attempts),
    ...(answer?.test && { test: answer.test }),
  };
}
