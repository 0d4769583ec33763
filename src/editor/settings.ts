import * as vscode from 'vscode';
import { parseChain, type Tier } from '../core/chain';
import { loadSkills, type Skill } from '../core/skills';
import type { PriceTable } from '../core/accounting';
import { restrictedValue } from '../core/trust';

/** Settings that decide where code is sent: a workspace of unknown origin may not set them. */
export const RESTRICTED = ['chain', 'llamaSwapUrl', 'verifierModel'] as const;

export const DEFAULT_LLAMA_SWAP_URL = 'http://127.0.0.1:8080';

/** One snapshot of the settings; a run keeps the snapshot it started with. */
export interface Settings {
  tiers: Tier[] | undefined;
  llamaSwapUrl: string;
  verifierModel: string;
  skills: Skill[];
  contextLines: number;
  maxOutputTokens: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  preloadOnCommandStart: boolean;
  pollSeconds: number;
  prices: PriceTable;
  /** One sentence per invalid setting, naming it and what is wrong. */
  problems: string[];
  /** Set when hyperguild.llamaSwapUrl is not an http(s) address: a run with a local tier must not guess one. */
  llamaSwapUrlProblem?: string;
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

const num = (value: unknown, fallback: number, min: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;

export function readSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration('hyperguild', scope);
  const trusted = vscode.workspace.isTrusted;
  const ignoredUntrusted: string[] = [];
  /** In an untrusted workspace, restricted keys come from user settings or the default only. */
  const restricted = <T>(key: (typeof RESTRICTED)[number]): T | undefined => {
    const r = restrictedValue<T>(config, key, trusted);
    if (r.ignored) ignoredUntrusted.push(`hyperguild.${key}`);
    return r.value;
  };

  const problems: string[] = [];
  const chain = parseChain(restricted<unknown>('chain'));
  if (!chain.ok) problems.push(chain.message);

  const rawUrl = restricted<unknown>('llamaSwapUrl');
  let llamaSwapUrl = validUrl(rawUrl);
  let llamaSwapUrlProblem: string | undefined;
  if (!llamaSwapUrl) {
    llamaSwapUrlProblem = `hyperguild.llamaSwapUrl ${JSON.stringify(rawUrl)} is not an http(s) address; use one such as ${DEFAULT_LLAMA_SWAP_URL}.`;
    problems.push(llamaSwapUrlProblem);
    llamaSwapUrl = DEFAULT_LLAMA_SWAP_URL;
  }

  const skills = loadSkills(config.get<unknown>('skills'));
  problems.push(...skills.problems);

  const prices: Record<string, { input: number; output: number }> = {};
  const rawPrices = config.get<unknown>('prices');
  if (rawPrices && typeof rawPrices === 'object') {
    for (const [model, p] of Object.entries(rawPrices as Record<string, unknown>)) {
      const price = p as { input?: unknown; output?: unknown } | null;
      if (price && typeof price.input === 'number' && typeof price.output === 'number') prices[model] = { input: price.input, output: price.output };
      else problems.push(`hyperguild.prices entry "${model}" needs numeric "input" and "output" prices per million tokens.`);
    }
  }

  return {
    tiers: chain.ok ? chain.tiers : undefined,
    llamaSwapUrl,
    verifierModel: (restricted<string>('verifierModel') ?? '').trim(),
    skills: skills.skills,
    contextLines: num(config.get('contextLines'), 40, 0),
    maxOutputTokens: num(config.get('maxOutputTokens'), 4096, 1),
    firstByteTimeoutMs: num(config.get('localFirstByteTimeoutSeconds'), 300, 0.01) * 1000,
    idleTimeoutMs: num(config.get('idleTimeoutSeconds'), 60, 0.01) * 1000,
    preloadOnCommandStart: config.get<boolean>('preloadOnCommandStart') ?? true,
    // A window setting: read without the resource (VS Code logs a warning for each read with one).
    pollSeconds: num(vscode.workspace.getConfiguration('hyperguild').get('statusBarPollSeconds'), 5, 0.05),
    prices,
    problems,
    ...(llamaSwapUrlProblem && { llamaSwapUrlProblem }),
    ignoredUntrusted,
  };
}

/** The resource whose settings apply now: the active file, else the first workspace folder. */
export function currentScope(): vscode.Uri | undefined {
  return vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}
