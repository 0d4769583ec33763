// One validated snapshot of Hyperguild's settings, read through a ConfigReader. Pure (no editor import):
// the editor passes `vscode.workspace.getConfiguration`, and the untrusted-workspace rules are unit-tested.
import { parseChain, type Tier } from '../engine/chain';
import { parseServers, type ServerTable } from '../engine/servers';
import { loadSkills, type Skill } from '../engine/skills';
import type { PriceTable } from '../engine/accounting';
import { languagesFromWorkspace, parseCheckCommands, type CheckCommandTable } from '../engine/checkCommands';
import { restrictedValue, type ConfigReader } from './trust';
import { SETTING_KEYS, SETTING_NAMES, settingName, type SettingKey } from '../settingKeys';

/**
 * Settings a workspace of unknown origin may not set: where code is sent, who judges it, the skill prompts (a
 * cloned repository must not rewrite "refactor", as cloud tiers are not judged), and how much code leaves the
 * machine or what a run may cost (context lines, answer length, the cascade's input limit), and the check commands
 * (they run code).
 */
export const RESTRICTED = ['chain', 'llamaSwapUrl', 'servers', 'verifierModel', 'skills', 'contextLines', 'maxOutputTokens', 'localContextTokens', 'checks', 'adaptive'] as const satisfies readonly SettingKey[];

export const DEFAULT_LLAMA_SWAP_URL = 'http://127.0.0.1:8080';

/** The longest a timer may wait: Node's setTimeout fires at once above 2^31-1 ms. A day is plenty. */
export const MAX_TIMEOUT_SECONDS = 86_400;
export const MAX_POLL_SECONDS = 3_600;

export type AdaptiveMode = 'off' | 'suggest' | 'on';
const ADAPTIVE_MODES: readonly AdaptiveMode[] = ['off', 'suggest', 'on'];

/** One snapshot of the settings; a run keeps the snapshot it started with. */
export interface Settings {
  tiers: Tier[] | undefined;
  llamaSwapUrl: string;
  /** hyperguild.servers, the valid entries. */
  servers: ServerTable;
  verifierModel: string;
  skills: Skill[];
  contextLines: number;
  maxOutputTokens: number;
  /** The context size local models run with: the cascade as a language model takes no more input than fits. */
  localContextTokens: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  preloadOnCommandStart: boolean;
  /** Show each tier's code in the diff while it streams, before it is verified. */
  showDraft: boolean;
  pollSeconds: number;
  /** hyperguild.diagnostics.timeoutMs: the diagnostics gate's bound per proposal; 0: the gate is off. */
  diagnosticsTimeoutMs: number;
  prices: PriceTable;
  /** hyperguild.checks, the valid commands per language id (in an untrusted workspace, the user's own only). */
  checks: CheckCommandTable;
  /** One sentence per invalid setting, naming it and what is wrong. */
  problems: string[];
  /** Set when hyperguild.llamaSwapUrl is not an http(s) address: a run with a local tier must not guess one. */
  llamaSwapUrlProblem?: string;
  /** hyperguild.adaptive: start past a local tier the history says rarely pays (suggest: offer it first). */
  adaptive: AdaptiveMode;
  /** Restricted keys whose workspace values were ignored because the workspace is untrusted. */
  ignoredUntrusted: string[];
}

function validUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return raw.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/**
 * A number setting within [min, max]: a missing or malformed value is the default; one above the
 * maximum is the maximum, with a sentence naming the setting (a huge timeout must not overflow a timer).
 */
function bounded<K extends SettingKey>(read: (key: K) => unknown, key: K, fallback: number, min: number, max: number, problems: string[]): number {
  const value = read(key);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) return fallback;
  if (value <= max) return value;
  problems.push(`${settingName(key)} is ${value}, above its maximum of ${max}; ${max} is used.`);
  return max;
}

export const DEFAULT_DIAGNOSTICS_TIMEOUT_MS = 3000;
export const MAX_DIAGNOSTICS_TIMEOUT_MS = 60_000;

/** The diagnostics gate's bound: 0 (off) up to a minute; a negative or malformed value is named (0 is meaningful here). */
function diagnosticsTimeout(read: (key: SettingKey) => unknown, problems: string[]): number {
  const key = SETTING_KEYS.diagnosticsTimeoutMs;
  const value = read(key);
  if (value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    return bounded(read, key, DEFAULT_DIAGNOSTICS_TIMEOUT_MS, 0, MAX_DIAGNOSTICS_TIMEOUT_MS, problems);
  }
  problems.push(`${settingName(key)} is ${JSON.stringify(value)}, not a number of milliseconds from 0 (off) to ${MAX_DIAGNOSTICS_TIMEOUT_MS}; ${DEFAULT_DIAGNOSTICS_TIMEOUT_MS} is used.`);
  return DEFAULT_DIAGNOSTICS_TIMEOUT_MS;
}

/**
 * The snapshot. `windowConfig` reads window-scoped settings (VS Code logs a warning when they are read
 * with a resource); `trusted` is the workspace's trust.
 */
export function snapshotSettings(config: ConfigReader, windowConfig: ConfigReader, trusted: boolean): Settings {
  const ignoredUntrusted: string[] = [];
  /** In an untrusted workspace, restricted keys come from user settings or the default only. */
  const restricted = <T>(key: (typeof RESTRICTED)[number]): T | undefined => {
    const r = restrictedValue<T>(config, key, trusted);
    if (r.ignored) ignoredUntrusted.push(settingName(key));
    return r.value;
  };

  const read = (key: SettingKey) => config.get<unknown>(key);
  const problems: string[] = [];
  const servers = parseServers(restricted<unknown>('servers'));
  problems.push(...servers.problems);
  const chain = parseChain(restricted<unknown>('chain'), servers.servers);
  if (!chain.ok) problems.push(chain.message);

  const rawUrl = restricted<unknown>('llamaSwapUrl');
  let llamaSwapUrl = validUrl(rawUrl);
  let llamaSwapUrlProblem: string | undefined;
  if (!llamaSwapUrl) {
    llamaSwapUrlProblem = `${SETTING_NAMES.llamaSwapUrl} ${JSON.stringify(rawUrl)} is not an http(s) address; use one such as ${DEFAULT_LLAMA_SWAP_URL}.`;
    problems.push(llamaSwapUrlProblem);
    llamaSwapUrl = DEFAULT_LLAMA_SWAP_URL;
  }

  const skills = loadSkills(restricted<unknown>('skills'));
  problems.push(...skills.problems);

  const checks = parseCheckCommands(restricted<unknown>('checks'), checkOrigin(config, trusted));
  problems.push(...checks.problems);

  const prices: Record<string, { input: number; output: number }> = {};
  const rawPrices = config.get<unknown>(SETTING_KEYS.prices);
  if (rawPrices && typeof rawPrices === 'object') {
    for (const [model, p] of Object.entries(rawPrices as Record<string, unknown>)) {
      const price = p as { input?: unknown; output?: unknown } | null;
      if (price && typeof price.input === 'number' && typeof price.output === 'number') prices[model] = { input: price.input, output: price.output };
      else problems.push(`${SETTING_NAMES.prices} entry "${model}" needs numeric "input" and "output" prices per million tokens.`);
    }
  }

  const rawAdaptive = restricted<unknown>('adaptive') ?? 'suggest';
  const adaptive = ADAPTIVE_MODES.find((m) => m === rawAdaptive);
  if (!adaptive) problems.push(`${SETTING_NAMES.adaptive} ${JSON.stringify(rawAdaptive)} is not one of "off", "suggest" or "on"; "suggest" is used.`);

  return {
    tiers: chain.ok ? chain.tiers : undefined,
    llamaSwapUrl,
    servers: servers.servers,
    verifierModel: (restricted<string>('verifierModel') ?? '').trim(),
    skills: skills.skills,
    contextLines: bounded(restricted<unknown>, 'contextLines', 40, 0, 400, problems),
    maxOutputTokens: bounded(restricted<unknown>, 'maxOutputTokens', 4096, 1, 64_000, problems),
    localContextTokens: bounded(restricted<unknown>, 'localContextTokens', 32_768, 512, 10_000_000, problems),
    firstByteTimeoutMs: bounded(read, 'localFirstByteTimeoutSeconds', 300, 0.01, MAX_TIMEOUT_SECONDS, problems) * 1000,
    idleTimeoutMs: bounded(read, 'idleTimeoutSeconds', 60, 0.01, MAX_TIMEOUT_SECONDS, problems) * 1000,
    preloadOnCommandStart: config.get<boolean>(SETTING_KEYS.preloadOnCommandStart) ?? true,
    showDraft: config.get<boolean>(SETTING_KEYS.showDraft) ?? true,
    pollSeconds: bounded((key) => windowConfig.get<unknown>(key), 'statusBarPollSeconds', 5, 0.05, MAX_POLL_SECONDS, problems),
    diagnosticsTimeoutMs: diagnosticsTimeout(read, problems),
    prices,
    checks: checks.commands,
    adaptive: adaptive ?? 'suggest',
    problems,
    ...(llamaSwapUrlProblem && { llamaSwapUrlProblem }),
    ignoredUntrusted,
  };
}

/** Which languages' check commands a workspace or folder settings file set (untrusted: none apply). */
function checkOrigin(config: ConfigReader, trusted: boolean): (languageId: string) => boolean {
  if (!trusted) return () => false;
  const layers = config.inspect<unknown>(SETTING_KEYS.checks);
  return languagesFromWorkspace(layers?.workspaceValue, layers?.workspaceFolderValue);
}
