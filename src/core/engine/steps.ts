// The verification steps of one tier's answer, in their order: the cheap gates (no model call), the syntax gate,
// the code checks (diagnostics, then the user's commands) and the judge. A new gate or check is one more step here.
import type { ChatBackend, ChatMessage } from '../types';
import { backendFor, backendKey, type Tier } from './chain';
import { orderedChecks, runCodeCheck, type CodeCheck } from './checks';
import type { Job } from './job';
import type { Step } from './pipeline';
import { judge } from './verifier';

/** What the steps of one tier need from the run (RunOptions provides it). */
export interface StepsInput {
  job: Job;
  tier: Tier;
  tiers: readonly Tier[];
  backends: Readonly<Record<string, ChatBackend>>;
  /** The tier's generation request, which a self-judge continues. */
  messages: readonly ChatMessage[];
  syntaxCheck?: (proposal: string) => Promise<{ problem?: string; note: string }>;
  codeChecks?: readonly CodeCheck[];
  verifierModel?: string;
  warmJudgeFirstByteMs?: number;
  now: () => number;
  /** Told when the judge is asked (the progress shows it). */
  onVerifying: (model: string) => void;
}

/** The answer is code for the selection, and there is code to check. */
const isCode = (job: Job) => (c: { extracted: string | undefined }) => job.code && c.extracted !== undefined;

/** The cheap checks that need no model call (an empty, cut-off, code-less or unchanged answer). */
export function gatesStep(job: Job, tier: Tier): Step {
  return {
    name: 'gates', role: 'gate', applies: () => true,
    run: async ({ answer, extracted }) => {
      const problem = job.gate(answer, extracted, tier.verify);
      return problem ? { status: 'escalate', feedback: problem } : { status: 'pass' };
    },
  };
}

/** The proposal spliced into the document must not add parse errors; a gate that fails by itself is skipped. */
export function syntaxStep(job: Job, check: NonNullable<StepsInput['syntaxCheck']>): Step {
  return {
    name: 'syntax', role: 'gate', applies: isCode(job),
    run: async ({ extracted }) => {
      try {
        const { problem, note } = await check(job.fit(extracted ?? ''));
        return problem ? { status: 'escalate', feedback: problem, notes: { syntaxNote: note } } : { status: 'pass', notes: { syntaxNote: note } };
      } catch (err) {
        return { status: 'not-checked', notes: { syntaxNote: `syntax gate skipped: ${err instanceof Error ? err.message : String(err)}` } };
      }
    },
  };
}

/** One code check (bounded by its own timeout; a throw or a timeout is not-checked), recorded on the attempt. */
export function codeCheckStep(job: Job, check: CodeCheck, now: () => number): Step {
  return {
    name: `${check.kind} ${check.name}`, role: 'check', applies: isCode(job),
    run: async ({ extracted }, signal) => {
      const { record, problem } = await runCodeCheck(check, job.fit(extracted ?? ''), signal, now);
      const notes = { checks: [record] };
      if (problem) return { status: 'escalate', feedback: problem, notes };
      return { status: record.status === 'passed' ? 'pass' : 'not-checked', notes };
    },
  };
}

/**
 * The judge, for a verified tier: by default the tier's own model continuing its own conversation (so a local
 * server reuses its cache), whose tokens count against the tier; or `verifierModel`, whose do not.
 */
export function judgeStep(input: StepsInput): Step {
  const { job, tier, verifierModel } = input;
  const model = verifierModel || tier.model;
  const key = verifierModel ? verifierKey(verifierModel, input.tiers) : backendKey(tier);
  return {
    name: 'judge', role: 'judge', applies: () => tier.verify,
    run: async ({ answer, extracted }, signal) => {
      input.onVerifying(model);
      const conversation = !verifierModel && tier.kind === 'local' ? { messages: input.messages, answer: answer.text } : undefined;
      const v = await judge({
        backend: input.backends[key], model, signal,
        messages: job.judgeMessages(extracted ?? answer.text, conversation),
        ...(!verifierModel && { firstByteTimeoutMs: input.warmJudgeFirstByteMs ?? 60_000 }),
      });
      return {
        status: v.verdict === 'accept' ? 'pass' : 'escalate', feedback: v.feedback,
        notes: { ...(v.detail && { detail: v.detail }), ...(v.promptEval && { judgePrompt: v.promptEval }) },
        ...(!verifierModel && { tokens: { inputTokens: v.inputTokens, outputTokens: v.outputTokens } }),
      };
    },
  };
}

/** The verifier runs where the chain serves that model; a model outside the chain on the implicit server of its name. */
function verifierKey(model: string, tiers: readonly Tier[]): string {
  const tier = tiers.find((t) => t.model === model);
  return tier ? backendKey(tier) : backendFor(model);
}

/** The steps in order: gates → syntax → diagnostics → commands → judge. */
export function verificationSteps(input: StepsInput): Step[] {
  return [
    gatesStep(input.job, input.tier),
    ...(input.syntaxCheck ? [syntaxStep(input.job, input.syntaxCheck)] : []),
    ...orderedChecks(input.codeChecks ?? []).map((check) => codeCheckStep(input.job, check, input.now)),
    judgeStep(input),
  ];
}
