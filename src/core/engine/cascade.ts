// The chain as one VS Code language model (vendor `hyperguild`): its name and limits, the caller's options, and a
// token estimate. Pure: src/editor/chat/cascadeModels.ts is the provider.
import { createHash } from 'node:crypto';
import type { Tier } from './chain';
import { rejectionRoomTokens } from './conversation';

/** Claude models' context window. */
export const CLOUD_CONTEXT_TOKENS = 200_000;
/**
 * Room a local tier's context keeps beyond the request and its answer: the self-judge's question (about 80
 * tokens) and its verdict (at most 512).
 */
export const JUDGE_ROOM_TOKENS = 600;

export interface CascadeInfo {
  id: string;
  name: string;
  family: string;
  version: string;
  detail: string;
  tooltip: string;
  maxInputTokens: number;
  maxOutputTokens: number;
}

/**
 * One model per chain: "Hyperguild · qwen-7b → qwen-32b → claude-sonnet-5-5". Its input limit is the least any
 * tier holds: a local tier's context (hyperguild.localContextTokens) less the answer and the judge's room, a cloud
 * tier's 200,000 less the answer, and, for every tier after the first, less what the earlier tiers' rejections add
 * (their feedback and the rejected answer), so a request that fits tier 1 never overflows tier 2 and falls through
 * to the cloud. The id is stable for the same chain, so the model picker remembers it.
 */
export function cascadeInfo(tiers: readonly Tier[], limits: { maxOutputTokens: number; localContextTokens: number }): CascadeInfo {
  const key = JSON.stringify(tiers.map((t) => [t.model, t.backend, t.server ?? '', t.verify]));
  const input = Math.min(...tiers.map((t, i) => (t.kind === 'local' ? limits.localContextTokens - JUDGE_ROOM_TOKENS : CLOUD_CONTEXT_TOKENS)
    - limits.maxOutputTokens - rejectionRoomTokens(tiers.slice(0, i).map((b) => b.model), limits.maxOutputTokens)));
  const locals = tiers.filter((t) => t.kind === 'local').length;
  return {
    id: `cascade-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`,
    name: `Hyperguild · ${tiers.map((t) => t.label).join(' → ')}`,
    family: 'hyperguild-cascade',
    version: '1',
    detail: locals === tiers.length ? 'local, verified' : locals ? 'local first, verified' : 'cloud',
    tooltip: `Each request goes to ${tiers[0].label} first; an answer that fails a check (empty, cut off, or judged not to answer the last message) goes on to the next tier, ${tiers[tiers.length - 1].label} last. Only an accepted answer is returned.`,
    maxInputTokens: Math.max(0, input),
    maxOutputTokens: limits.maxOutputTokens,
  };
}

/**
 * Tokens of a text, estimated as characters ÷ 3 rounded up. The tokenizers of the models served here average
 * 3.5–4.5 characters per token on code and prose, so this over-counts a little rather than let a caller that
 * trims to the limit overflow the smallest tier's context.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

/** Per message: its role and separators in the chat template. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * The caller's `modelOptions` that map onto the chain: `temperature` (0–2) and the answer's length
 * (`max_tokens`, `maxTokens` or `maxOutputTokens`, at most hyperguild.maxOutputTokens). Others are ignored; a
 * malformed one is a sentence naming it.
 */
export function requestOptions(modelOptions: Readonly<Record<string, unknown>> | undefined, maxOutputTokens: number): { temperature?: number; maxTokens: number } | { problem: string } {
  const o = modelOptions ?? {};
  let temperature: number | undefined;
  if (o.temperature !== undefined) {
    if (typeof o.temperature !== 'number' || !(o.temperature >= 0 && o.temperature <= 2)) return { problem: `modelOptions.temperature must be a number from 0 to 2, not ${JSON.stringify(o.temperature)}.` };
    temperature = o.temperature;
  }
  let maxTokens = maxOutputTokens;
  for (const key of ['max_tokens', 'maxTokens', 'maxOutputTokens']) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return { problem: `modelOptions.${key} must be a positive whole number, not ${JSON.stringify(v)}.` };
    maxTokens = Math.min(v, maxOutputTokens);
  }
  return { ...(temperature !== undefined && { temperature }), maxTokens };
}
