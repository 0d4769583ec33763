// What a command runs with: its streams, environment and folder, and the signal Ctrl-C fires. Injected, so tests
// call main() in-process; bin.ts passes the process's own.
import * as path from 'node:path';
import { backendFor, backendKey, type Tier } from '../core/engine/chain';
import type { Settings } from '../core/setup/settings';
import { SETTING_NAMES } from '../core/settingKeys';
import { stringFlag, type Parsed } from './args';
import { UsageError } from './usage';
import { workspaceSettings, type Overrides } from './workspaceSettings';

export interface Output {
  write(text: string): unknown;
}

export interface CliContext {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Fires on Ctrl-C: the run in flight is cancelled and says what it attempted. */
  signal: AbortSignal;
  /** The syntax gate's grammars (dist/tree-sitter beside the bundle); undefined: found beside the code. */
  wasmDir?: string;
}

export const line = (out: Output, text: string) => out.write(`${text}\n`);

export interface RunSettings {
  settings: Settings;
  tiers: Tier[];
  workspace: string;
}

/** The settings the flags name (--workspace) and override (--chain, --llama-swap-url, --verifier-model), checked. */
export function settingsFor(parsed: Parsed, ctx: CliContext): RunSettings {
  const workspace = path.resolve(ctx.cwd, stringFlag(parsed, 'workspace') ?? '.');
  const overrides: Overrides = {};
  const chain = stringFlag(parsed, 'chain');
  if (chain !== undefined) overrides.chain = chain.split(',').map((m) => m.trim());
  const url = stringFlag(parsed, 'llama-swap-url');
  if (url !== undefined) overrides.llamaSwapUrl = url;
  const verifier = stringFlag(parsed, 'verifier-model');
  if (verifier !== undefined) overrides.verifierModel = verifier;
  const { settings } = workspaceSettings(workspace, overrides);
  if (!settings.tiers) throw new UsageError(settings.problems.find((p) => p.startsWith(SETTING_NAMES.chain)) ?? settings.problems[0]);
  const tiers = settings.tiers;
  // A malformed address is not replaced by a guess when a tier (or the judge) needs it: the code would go elsewhere.
  const needsLocal = tiers.some((t) => backendKey(t) === 'llama-swap') || (settings.verifierModel !== '' && backendFor(settings.verifierModel) === 'llama-swap');
  if (needsLocal && settings.llamaSwapUrlProblem) throw new UsageError(settings.llamaSwapUrlProblem);
  // The others are the extension's warnings too: the run goes on with the value each names.
  for (const problem of settings.problems) if (problem !== settings.llamaSwapUrlProblem) line(ctx.stderr, `warning: ${problem}`);
  return { settings, tiers, workspace };
}
