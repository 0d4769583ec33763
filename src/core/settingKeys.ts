// The names of Hyperguild's settings, in one place. Pure (no editor import), so the core, the backends and the
// editor all name a setting the same way, and a unit test keeps this list and package.json's
// contributes.configuration in step. Command ids and context keys are not settings and live with their code.

/** The configuration section: `vscode.workspace.getConfiguration(SECTION)`. */
export const SECTION = 'hyperguild';

/** Each setting's key within the section. */
export const SETTING_KEYS = {
  chain: 'chain',
  llamaSwapUrl: 'llamaSwapUrl',
  servers: 'servers',
  verifierModel: 'verifierModel',
  skills: 'skills',
  contextLines: 'contextLines',
  maxOutputTokens: 'maxOutputTokens',
  localContextTokens: 'localContextTokens',
  localFirstByteTimeoutSeconds: 'localFirstByteTimeoutSeconds',
  idleTimeoutSeconds: 'idleTimeoutSeconds',
  preloadOnCommandStart: 'preloadOnCommandStart',
  showDraft: 'showDraft',
  diagnosticsTimeoutMs: 'diagnostics.timeoutMs',
  statusBarPollSeconds: 'statusBarPollSeconds',
  historyEnabled: 'history.enabled',
  historyKeepCode: 'history.keepCode',
  historyMaxRuns: 'history.maxRuns',
  prices: 'prices',
  checks: 'checks',
  adaptive: 'adaptive',
} as const;

export type SettingKey = (typeof SETTING_KEYS)[keyof typeof SETTING_KEYS];

/** A setting's full name, as users see it in settings.json and as messages name it: `hyperguild.chain`. */
export function settingName(key: SettingKey): string {
  return `${SECTION}.${key}`;
}

type Names = { readonly [K in keyof typeof SETTING_KEYS]: `${typeof SECTION}.${(typeof SETTING_KEYS)[K]}` };

/** Each setting's full name, for sentences that tell the user which setting to fix. */
export const SETTING_NAMES = Object.fromEntries(Object.entries(SETTING_KEYS).map(([id, key]) => [id, settingName(key)])) as Names;
