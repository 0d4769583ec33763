// Turns engine results into the public run report and into the log's lines. Pure, so the
// wording is unit-tested without an editor. Core messages (here and across src/core) are English by design: the
// editor shows them as given, and only the editor's own sentences go through vscode.l10n.t.
import type { Tier } from './chain';
import type { Attempt, RunResult } from './orchestrator';
import type { Verdict, WarmState } from '../types';
import { withoutNotes, type CheckRecord } from './checks';
import { formatUsd, isUnpriced, UNPRICED } from './accounting';
import { SETTING_NAMES } from '../settingKeys';

/** (contract) What `hyperguild.runSkill` resolves to. */
export interface RunReport {
  status: 'accepted' | 'exhausted' | 'cancelled' | 'failed';
  message?: string;
  accepted?: { model: string; tierIndex: number };
  attempts: {
    model: string;
    tier: 'local' | 'cloud';
    durationMs: number;
    warm: WarmState;
    /** 'skipped': not asked (hyperguild.adaptive started past the tier), told apart from an error. */
    verdict: Verdict;
    feedback?: string;
    /** The user's own Escalate. */
    by?: 'user';
    inputTokens?: number;
    outputTokens?: number;
    costUsd?: number;
    /** (contract) The code checks asked about this answer, in order; a failed one is the escalation's reason. Their notes stay in the log. */
    checks?: Omit<CheckRecord, 'note'>[];
    /** Not part of the verdict: the judge's verdict when asked after a failed check (RunOptions.judgeAfterFailedCheck). */
    judgeWouldHave?: 'accept' | 'escalate';
  }[];
  proposal?: { original: string; proposed: string };
}

export function failedReport(message: string): RunReport {
  return { status: 'failed', message, attempts: [] };
}

export function toRunReport(result: RunResult, original: string): RunReport {
  return {
    status: result.status,
    ...(result.message !== undefined && { message: result.message }),
    ...(result.accepted && { accepted: { ...result.accepted } }),
    attempts: result.attempts.map((a) => ({
      model: a.model,
      tier: a.tier,
      durationMs: a.durationMs,
      warm: a.warm,
      verdict: a.verdict,
      ...(a.feedback !== undefined && { feedback: a.feedback }),
      ...(a.by && { by: a.by }),
      ...(a.inputTokens !== undefined && { inputTokens: a.inputTokens }),
      ...(a.outputTokens !== undefined && { outputTokens: a.outputTokens }),
      ...(a.costUsd !== undefined && { costUsd: a.costUsd }),
      ...(a.checks && { checks: withoutNotes(a.checks) }),
      ...(a.judgeWouldHave && { judgeWouldHave: a.judgeWouldHave }),
    })),
    ...(result.proposal !== undefined && { proposal: { original, proposed: result.proposal } }),
  };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "qwen-7b · local · warm · 1/3" — the progress line of the tier in flight. */
export function tierTitle(tier: Tier, index: number, count: number, warm: WarmState): string {
  const warmth = tier.kind === 'cloud' ? undefined : warm === 'ready' ? 'warm' : warm === 'unknown' ? undefined : warm === 'starting' ? 'loading' : 'cold';
  return [tier.label, tier.kind, warmth, `${index + 1}/${count}`].filter(Boolean).join(' · ');
}

export function runHeader(skill: string, where: string, tiers: readonly Tier[]): string {
  return `▶ ${skill} on ${where} · chain: ${tiers.map((t) => t.label).join(' → ')}`;
}

function warmText(a: Attempt): string | undefined {
  if (a.tier === 'cloud') return undefined;
  const load = a.loadMs !== undefined ? ` (loaded in ${seconds(a.loadMs)})` : '';
  if (a.warm === 'ready') return 'warm';
  if (a.warm === 'unknown') return load ? `cold${load}` : 'warmth unknown';
  return `${a.warm === 'starting' ? 'loading' : 'cold'}${load}`;
}

/** One line per attempt: tier, model, warmth, duration, tokens, cost, verdict, feedback. */
export function attemptLine(a: Attempt, count: number): string {
  if (a.by === 'user') return `[${a.tierIndex + 1}/${count}] ${a.label} · escalated by you — ${a.feedback ?? ''}`;
  if (a.verdict === 'skipped') return `[${a.tierIndex + 1}/${count}] skipped ${a.label}: ${a.feedback ?? SETTING_NAMES.adaptive}`;
  const tokens = a.inputTokens !== undefined || a.outputTokens !== undefined ? `${a.inputTokens ?? '?'}→${a.outputTokens ?? '?'} tokens` : 'tokens unknown';
  const cost = a.costUsd !== undefined ? formatUsd(a.costUsd) : isUnpriced(a) ? `${UNPRICED} (add its price to ${SETTING_NAMES.prices})` : 'cost unknown';
  const parts = [`[${a.tierIndex + 1}/${count}] ${a.label}`, a.tier, warmText(a), seconds(a.durationMs), tokens, cost, a.verdict];
  const line = parts.filter(Boolean).join(' · ');
  return a.feedback ? `${line} — ${a.feedback}` : line;
}

/** "diagnostics typescript: failed, 2 new errors, 140 ms — <note>": one code check, under its attempt's line. */
export function checkLine(c: CheckRecord): string {
  const errors = c.newErrors === undefined ? undefined : `${c.newErrors} new error${c.newErrors === 1 ? '' : 's'}`;
  const line = `${c.kind} ${c.name}: ${[c.status === 'not-checked' ? 'not checked' : c.status, errors, `${c.ms} ms`].filter(Boolean).join(', ')}`;
  return c.note ? `${line} — ${c.note}` : line;
}

/** What the judge, asked after a failed check only to know, would have said; the check's verdict stands. */
export function judgeWouldHaveLine(verdict: 'accept' | 'escalate'): string {
  return `the judge, asked after the failed check, would have ${verdict === 'accept' ? 'accepted' : 'escalated'} (not the verdict)`;
}

/** An attempt's line and the notes under it (syntax gate, checks, the judge after a failed check, detail, the judge's cache), as the log and the command line print them. */
export function attemptLines(a: Attempt, count: number): string[] {
  const lines = [`  ${attemptLine(a, count)}`];
  if (a.syntaxNote) lines.push(`    ${a.syntaxNote}`);
  for (const check of a.checks ?? []) lines.push(`    ${checkLine(check)}`);
  if (a.judgeWouldHave) lines.push(`    ${judgeWouldHaveLine(a.judgeWouldHave)}`);
  if (a.detail) lines.push(`    detail: ${a.detail}`);
  if (a.judgePrompt) lines.push(`    ${judgePromptLine(a.judgePrompt)}`);
  return lines;
}

/** "judge prompt: 44 tokens evaluated, 895 from the server's cache (95 %)" — what the cache-sharing judge saved. */
export function judgePromptLine(p: { evaluated: number; cached: number }): string {
  const total = p.evaluated + p.cached;
  const share = total ? ` (${Math.round((100 * p.cached) / total)} %)` : '';
  return `judge prompt: ${p.evaluated} tokens evaluated, ${p.cached} from the server's cache${share}`;
}

export function outcomeLine(result: RunResult, count: number): string {
  if (result.status === 'accepted' && result.accepted) {
    const avoided = result.cloudCostAvoided
      ? ` · cloud cost avoided ≈ ${formatUsd(result.cloudCostAvoided.usd)} (estimate: ${result.cloudCostAvoided.model} at list price for the same tokens)`
      : '';
    return `✔ accepted at tier ${result.accepted.tierIndex + 1}/${count} by ${result.accepted.model}${avoided}`;
  }
  if (result.status === 'cancelled') return '■ cancelled';
  return `✖ ${result.message ?? 'no answer was accepted'}`;
}

/** Text shown as itself in Markdown: a model named `a_b_c` or feedback quoting `*x*` is not formatted. */
export const markdownText = (text: string) => text.replace(/[\\`*_[\]<>|]/g, '\\$&');
const cell = (text: string) => markdownText(text.replace(/\s+/g, ' ').trim());
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The attempts as a compact Markdown table (the chat participant's answer): one row per tier tried; tokens are in the log. */
export function attemptsTable(attempts: RunReport['attempts']): string {
  const rows = attempts.map((a, i) => {
    const tier = a.tier === 'cloud' ? 'cloud' : a.warm === 'ready' ? 'local · warm' : a.warm === 'unknown' ? 'local' : `local · ${a.warm === 'starting' ? 'loading' : 'cold'}`;
    const cost = a.costUsd !== undefined ? formatUsd(a.costUsd) : isUnpriced(a) ? UNPRICED : '';
    const verdict = a.by === 'user' ? 'escalated by you' : a.verdict;
    return `| ${i + 1} | ${cell(a.model)} | ${tier} | ${a.by === 'user' ? '' : seconds(a.durationMs)} | ${cost} | ${verdict} | ${cell(clip(a.feedback ?? '', 100))} |`;
  });
  return ['| # | Model | Tier | Time | Cost | Verdict | Feedback |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}
