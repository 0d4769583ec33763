// core/setup: the settings snapshot and workspace trust, Check Setup's lines and the help a failure offers.
// May import the engine and core's root.
//
// "Check Setup": one line per thing that must hold for a run to work, each with the fix. No editor import.
import { backendKey, type Tier } from '../engine/chain';
import type { BackendId } from '../types';
import { BackendError } from '../types';
import { SETTING_NAMES } from '../settingKeys';

/** The part of LlamaSwapClient the check needs (structural, so the core does not import a backend). */
export interface SetupCheckClient {
  version(signal?: AbortSignal): Promise<string | undefined>;
  models(signal?: AbortSignal): Promise<{ id: string; aliases: string[] }[]>;
  /** Which kind of server answers (llama-swap, llama-server router, llama-server (single model)). */
  status?(signal?: AbortSignal): Promise<{ kind: string }>;
}

/** A named server of hyperguild.servers that the chain (or the verifier) uses. */
export interface NamedServerCheck {
  name: string;
  kind: BackendId;
  /** As sentences name it: `Ollama "laptop" at http://127.0.0.1:11434`. */
  label: string;
  cloud: boolean;
  /** Absent for kinds that cannot list models (Anthropic). */
  client?: Pick<SetupCheckClient, 'models'> & {
    version?(signal?: AbortSignal): Promise<string | undefined>;
    status?(signal?: AbortSignal): Promise<{ kind: string }>;
  };
  /** Its chain models. */
  models: string[];
  hasKey: boolean;
  /** A key is stored under its name, but for another address (it is not sent there). */
  keyStoredFor?: string;
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
  /** The named servers the chain uses, in chain order. */
  servers?: readonly NamedServerCheck[];
  /** Bound for each llama-swap request. Default 5 s. */
  timeoutMs?: number;
  /** A llama-swap key is stored, but for another address (it is not sent to serverUrl): where. */
  llamaSwapKeyStoredFor?: string;
}

export interface SetupCheckLine {
  ok: boolean;
  /** Without the ✓/✗ prefix. */
  text: string;
  fix?: string;
}

const URL_SETTING = SETTING_NAMES.llamaSwapUrl;

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
  const onDefault = input.tiers.filter((t) => backendKey(t) === 'llama-swap');
  const localModels = unique(onDefault.map((t) => t.model));
  const verifierOnDefault = verifier && !verifierIsCloud && !input.tiers.some((t) => t.model === verifier && t.server !== undefined) ? verifier : undefined;
  if (localModels.length > 0 || verifierOnDefault) lines.push(...(await llamaSwapLines(input, localModels, verifierOnDefault)));
  const named = await Promise.all((input.servers ?? []).map((server) => namedServerLines(server, input.timeoutMs ?? 5000)));
  lines.push(...named.flat());

  if (input.tiers.some((t) => backendKey(t) === 'anthropic') || verifierIsCloud) {
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
  const keyLine: SetupCheckLine[] = input.llamaSwapKeyStoredFor
    ? [{ ok: false, text: `the llama-swap key was set for ${input.llamaSwapKeyStoredFor}, so it is not sent to ${input.serverUrl}`, fix: 'run "Hyperguild: Set llama-swap API Key" if this address is right' }]
    : [];
  return [...keyLine, ...(await llamaSwapServerLines(input, localModels, localVerifier))];
}

async function llamaSwapServerLines(input: SetupCheckInput, localModels: string[], localVerifier: string | undefined): Promise<SetupCheckLine[]> {
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
  for (const model of localModels) lines.push(describe(model, SETTING_NAMES.chain, ''));
  if (localVerifier && !localModels.includes(localVerifier)) lines.push(describe(localVerifier, SETTING_NAMES.verifierModel, 'verifier '));
  return lines;
}

/** One named server: does it answer (and as what), does it know each chain model, is its key there where one is needed. */
async function namedServerLines(server: NamedServerCheck, timeoutMs: number): Promise<SetupCheckLine[]> {
  const lines: SetupCheckLine[] = [];
  const setting = `${SETTING_NAMES.servers}.${server.name}.url`;
  const where = server.cloud ? 'cloud' : 'local';
  if (server.client) {
    const [models, version, status] = await Promise.allSettled([
      server.client.models(AbortSignal.timeout(timeoutMs)),
      server.client.version?.(AbortSignal.timeout(timeoutMs)),
      server.client.status?.(AbortSignal.timeout(timeoutMs)),
    ]);
    if (models.status === 'rejected') {
      const err: unknown = models.reason;
      const auth = err instanceof BackendError && err.kind === 'auth';
      const unreachable = !(err instanceof BackendError) || err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'cancelled';
      lines.push(auth
        ? { ok: false, text: `${server.label} refused the request: the API key is missing or wrong`, fix: `run "Hyperguild: Set API Key for Server…" for ${server.name}` }
        : unreachable
          ? { ok: false, text: `${server.label} is not reachable`, fix: `start it or fix ${setting}` }
          : { ok: false, text: `${server.label} did not list its models (${noStop(err.message)})`, fix: `check that ${setting} points to a ${server.kind} server` });
    } else {
      const kind = status.status === 'fulfilled' && status.value?.kind;
      const v = version.status === 'fulfilled' ? version.value : undefined;
      lines.push({ ok: true, text: `${server.label} answers (${where}${kind ? `, ${kind}` : ''}${v ? ` ${v}` : ''})` });
      const known = new Set(models.value.flatMap((m) => [m.id, ...m.aliases]));
      for (const model of unique(server.models)) {
        if (models.value.length === 0) lines.push({ ok: true, text: `${server.name} lists no models, so ${model} cannot be checked` });
        else if (known.has(model)) lines.push({ ok: true, text: `${model} is known to ${server.name}` });
        else lines.push({ ok: false, text: `${model} is not a model ${server.name} knows`, fix: server.kind === 'ollama' ? `run "ollama pull ${model}" there or fix ${SETTING_NAMES.chain}` : `fix the name in ${SETTING_NAMES.chain}` });
      }
    }
  } else {
    lines.push({ ok: true, text: `${server.label} (${where}; its models are not checked)` });
  }
  if (server.keyStoredFor) {
    lines.push({ ok: false, text: `the key stored for ${server.name} was set for ${server.keyStoredFor}, so it is not sent to its address now`, fix: `run "Hyperguild: Set API Key for Server…" if the new address is right` });
  } else if (server.cloud || server.kind === 'anthropic') {
    lines.push(server.hasKey
      ? { ok: true, text: `an API key is stored for ${server.name}` }
      : { ok: false, text: `no API key for ${server.name}`, fix: `run "Hyperguild: Set API Key for Server…"` });
  } else if (server.hasKey) {
    lines.push({ ok: true, text: `an API key is stored for ${server.name}` });
  }
  return lines;
}
