import * as z from 'zod/mini';
import type { BackendId, TierKind } from '../types';
import type { ServerTable } from './servers';
import { SETTING_NAMES } from '../settingKeys';

/** One tier of the escalation chain, normalised from the user's setting. */
export interface Tier {
  model: string;
  backend: BackendId;
  kind: TierKind;
  /** Whether the verifier checks this tier's answer (local: yes by default; cloud: no by default). */
  verify: boolean;
  label: string;
  /** The hyperguild.servers entry it names; absent: the implicit server of its backend (llamaSwapUrl, or Anthropic). */
  server?: string;
}

/**
 * The key of a tier's backend in a run's backends: `@<name>` for a named server, else the backend id of the
 * implicit server ('llama-swap' at hyperguild.llamaSwapUrl, 'anthropic'). Names never start with `@`.
 */
export function backendKey(tier: Pick<Tier, 'backend' | 'server'>): string {
  return tier.server !== undefined ? `@${tier.server}` : tier.backend;
}

const modelName = z.string().check(z.trim(), z.minLength(1, 'the model name is empty'));

const objectEntry = z.strictObject({
  model: modelName,
  backend: z.optional(z.enum(['llama-swap', 'anthropic'])),
  verify: z.optional(z.boolean()),
  label: z.optional(z.string()),
  server: z.optional(z.string().check(z.minLength(1))),
});
const entrySchema = z.union([modelName, objectEntry]);

export type ChainEntry = z.infer<typeof entrySchema>;

export type ChainParse = { ok: true; tiers: Tier[] } | { ok: false; message: string };

/** The backend a bare model name implies: `claude-*` is Anthropic, anything else llama-swap. */
/** Whether two chains are the same tiers in the same order (model, server, kind, judging, label). */
export function sameTiers(a: readonly Tier[], b: readonly Tier[]): boolean {
  const key = (t: Tier) => JSON.stringify([t.model, t.backend, t.server ?? null, t.kind, t.verify, t.label]);
  return a.length === b.length && a.every((t, i) => key(t) === key(b[i]));
}

export function backendFor(model: string): BackendId {
  return model.startsWith('claude-') ? 'anthropic' : 'llama-swap';
}

function toTier(entry: ChainEntry, servers: ServerTable): Tier {
  const spec = typeof entry === 'string' ? { model: entry } : entry;
  const model = spec.model.trim();
  const named = spec.server !== undefined ? servers.get(spec.server) : undefined;
  const backend = named?.kind ?? spec.backend ?? backendFor(model);
  const kind: TierKind = named ? (named.cloud ? 'cloud' : 'local') : backend === 'anthropic' ? 'cloud' : 'local';
  return {
    model, backend, kind, verify: spec.verify ?? kind === 'local',
    label: spec.label ?? (named ? `${model} @ ${named.name}` : model),
    ...(named && { server: named.name }),
  };
}

/** A named server the entry points at that is not defined, or a `server` beside a `backend`. */
function serverProblem(entry: ChainEntry, servers: ServerTable): string | undefined {
  if (typeof entry === 'string' || entry.server === undefined) return undefined;
  if (entry.backend !== undefined) return `give either "server" or "backend", not both (the server's kind says the backend)`;
  if (servers.has(entry.server)) return undefined;
  const defined = [...servers.keys()];
  return `it names server "${entry.server}", which ${SETTING_NAMES.servers} does not define (${defined.length ? `it defines ${defined.map((n) => `"${n}"`).join(', ')}` : 'it defines none'})`;
}

function describeEntry(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value && typeof value === 'object' && 'model' in value && typeof value.model === 'string') {
    return JSON.stringify(value.model);
  }
  return JSON.stringify(value) ?? String(value);
}

/** Explains why one entry failed, in words a user can act on. */
function entryProblem(value: unknown): string {
  if (typeof value === 'string') return 'the model name is empty';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'it must be a model name or an object with a "model" field';
  }
  const record = value as Record<string, unknown>;
  if (!('model' in record)) return 'it has no "model" field';
  const object = objectEntry.safeParse(value);
  if (object.success) return 'it is not valid';
  const issue = object.error.issues[0];
  if (issue.code === 'unrecognized_keys') return `it has an unknown field "${issue.keys[0]}"`;
  const field = issue.path[0];
  if (field === 'backend') return `its backend ${JSON.stringify(record.backend)} is unknown (use "llama-swap" or "anthropic")`;
  if (field === 'model') return 'its "model" must be a non-empty string';
  if (field === 'verify') return 'its "verify" must be true or false';
  if (field === 'label') return 'its "label" must be a string';
  if (field === 'server') return `its "server" must be the name of a server in ${SETTING_NAMES.servers}`;
  return issue.message;
}

/** Validates `hyperguild.chain`; on failure returns one sentence naming the bad entry and why. */
export function parseChain(raw: unknown, servers: ServerTable = new Map()): ChainParse {
  if (!Array.isArray(raw)) {
    return { ok: false, message: `${SETTING_NAMES.chain} must be a list of model names, for example ["qwen-7b", "claude-sonnet-5-5"].` };
  }
  if (raw.length === 0) {
    return { ok: false, message: `${SETTING_NAMES.chain} is empty; add at least one model, for example ["qwen-7b"].` };
  }
  const tiers: Tier[] = [];
  for (const [index, value] of raw.entries()) {
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) {
      return {
        ok: false,
        message: `${SETTING_NAMES.chain} entry ${index + 1} (${describeEntry(value)}) is invalid: ${entryProblem(value)}.`,
      };
    }
    const problem = serverProblem(parsed.data, servers);
    if (problem) return { ok: false, message: `${SETTING_NAMES.chain} entry ${index + 1} (${describeEntry(value)}) is invalid: ${problem}.` };
    tiers.push(toTier(parsed.data, servers));
  }
  return { ok: true, tiers };
}
