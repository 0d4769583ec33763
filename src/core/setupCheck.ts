// "Check Setup": one line per thing that must hold for a run to work, each with the fix. No editor import.
import type { Tier } from './chain';
import { BackendError } from './types';

/** The part of LlamaSwapClient the check needs (structural, so the core does not import a backend). */
export interface SetupCheckClient {
  version(signal?: AbortSignal): Promise<string | undefined>;
  models(signal?: AbortSignal): Promise<{ id: string; aliases: string[] }[]>;
  /** Which kind of server answers (llama-swap, llama-server router, llama-server (single model)). */
  status?(signal?: AbortSignal): Promise<{ kind: string }>;
}

export interface SetupCheckInput {
  client: SetupCheckClient;
  serverUrl: string;
  tiers: readonly Tier[];
  hasAnthropicKey: boolean;
  /** One sentence each, e.g. from parseChain. */
  settingsProblems: readonly string[];
  /** hyperguild.verifierModel when set: a local judge must be known to llama-swap too; a claude-* one needs the key. */
  verifierModel?: string;
  /** Bound for each llama-swap request. Default 5 s. */
  timeoutMs?: number;
}

export interface SetupCheckLine {
  ok: boolean;
  /** Without the ✓/✗ prefix. */
  text: string;
  fix?: string;
}

const URL_SETTING = 'hyperguild.llamaSwapUrl';

/** "✓ text" or "✗ text — fix". */
export function formatCheckLine(line: SetupCheckLine): string {
  return `${line.ok ? '✓' : '✗'} ${line.text}${line.fix ? ` — ${line.fix}` : ''}`;
}

const unique = (names: string[]) => [...new Set(names)];
const noStop = (sentence: string) => sentence.trim().replace(/\.+$/, '');

export async function runSetupChecks(input: SetupCheckInput): Promise<SetupCheckLine[]> {
  const lines: SetupCheckLine[] = [];
  const verifier = input.verifierModel?.trim() || undefined;
  const verifierIsCloud = verifier?.startsWith('claude-') ?? false;
  const localModels = unique(input.tiers.filter((t) => t.kind === 'local').map((t) => t.model));
  if (localModels.length > 0) lines.push(...(await llamaSwapLines(input, localModels, verifierIsCloud ? undefined : verifier)));

  if (input.tiers.some((t) => t.kind === 'cloud') || verifierIsCloud) {
    lines.push(input.hasAnthropicKey
      ? { ok: true, text: 'Anthropic API key is set' }
      : { ok: false, text: 'no Anthropic API key', fix: 'run "Hyperguild: Set Anthropic API Key" or set ANTHROPIC_API_KEY' });
  }

  if (input.settingsProblems.length === 0) lines.push({ ok: true, text: 'settings are valid' });
  for (const problem of input.settingsProblems) {
    lines.push({ ok: false, text: noStop(problem), fix: 'correct it in Settings (Hyperguild)' });
  }
  return lines;
}

async function llamaSwapLines(input: SetupCheckInput, localModels: string[], localVerifier: string | undefined): Promise<SetupCheckLine[]> {
  const timeoutMs = input.timeoutMs ?? 5000;
  const [models, version, status] = await Promise.allSettled([
    input.client.models(AbortSignal.timeout(timeoutMs)),
    input.client.version(AbortSignal.timeout(timeoutMs)),
    input.client.status?.(AbortSignal.timeout(timeoutMs)),
  ]);
  if (models.status === 'rejected') {
    const err: unknown = models.reason;
    const unreachable = !(err instanceof BackendError) || err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'cancelled';
    // Without the model list the per-model lines would only repeat this failure.
    return [unreachable
      ? { ok: false, text: `llama-swap at ${input.serverUrl} is not reachable`, fix: `start it or fix ${URL_SETTING}` }
      : { ok: false, text: `llama-swap at ${input.serverUrl} did not list its models (${noStop(err.message)})`, fix: `check that ${URL_SETTING} points to llama-swap` }];
  }
  const v = version.status === 'fulfilled' ? version.value : undefined;
  const kind = (status.status === 'fulfilled' && status.value?.kind) || 'llama-swap';
  const lines: SetupCheckLine[] = [{ ok: true, text: `${kind}${v && kind === 'llama-swap' ? ` ${v}` : ''} at ${input.serverUrl}` }];
  if (kind === 'llama-server (single model)') {
    // It answers whatever model a request names, with the one model it has loaded.
    const served = models.value.map((m) => m.id).join(', ') || 'its model';
    for (const model of localModels) lines.push({ ok: true, text: `${model} is answered by the server's single model (${served})` });
    return lines;
  }

  // /running reports configured ids only, but a request by alias works, so aliases count as known.
  const known = new Map<string, string>();
  for (const m of models.value) {
    known.set(m.id, m.id);
    for (const alias of m.aliases) if (!known.has(alias)) known.set(alias, m.id);
  }
  const describe = (name: string, setting: string, role: string): SetupCheckLine => {
    const id = known.get(name);
    if (id === undefined) {
      return { ok: false, text: `${role}${name} is not configured in ${kind}`, fix: `add it to ${kind === 'llama-swap' ? "llama-swap's config" : 'the models llama-server serves'} or fix ${setting}` };
    }
    return { ok: true, text: `${role}${name} is configured in ${kind}${id !== name ? ` (alias of ${id})` : ''}` };
  };
  for (const model of localModels) lines.push(describe(model, 'hyperguild.chain', ''));
  if (localVerifier && !localModels.includes(localVerifier)) lines.push(describe(localVerifier, 'hyperguild.verifierModel', 'verifier '));
  return lines;
}
