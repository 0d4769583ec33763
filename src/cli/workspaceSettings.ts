// The settings snapshot for the command line: a ConfigReader over <workspace>/.vscode/settings.json, over the
// defaults package.json declares, with the flags on top. The file is JSONC (comments, trailing commas), read with
// Microsoft's jsonc-parser, the parser VS Code itself uses for it. No workspace trust: the user runs the command on
// a folder they chose, in their own shell, so the file is taken as given (the restricted settings apply).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import manifest from '../../package.json';
import { snapshotSettings, type Settings } from '../core/setup/settings';
import type { ConfigReader, SettingLayers } from '../core/setup/trust';
import { SETTING_NAMES, settingName, type SettingKey } from '../core/settingKeys';
import { UsageError } from './usage';

/** Values the flags give, by setting key (`chain`, `llamaSwapUrl`, …). */
export type Overrides = Partial<Record<SettingKey, unknown>>;

const DEFAULTS = manifest.contributes.configuration.properties as Record<string, { default?: unknown }>;

/** "line 3, column 14" of an offset, for the parse error's sentence. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The settings file's values; {} when there is none. A file that does not parse is an error naming where. */
export function readSettingsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`The settings file ${file} could not be read (${(err as Error).message}).`);
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const first = errors[0];
    throw new UsageError(`The settings file ${file} is not valid JSON at ${position(text, first.offset)} (${printParseErrorCode(first.error)}); fix it there.`);
  }
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`The settings file ${file} must hold one JSON object ({ "${SETTING_NAMES.chain}": […], … }).`);
  return value as Record<string, unknown>;
}

/** A ConfigReader with three layers: the flags, the workspace's file, the defaults. */
export function fileConfig(values: Record<string, unknown>, overrides: Overrides): ConfigReader {
  const layers = <T>(key: string): SettingLayers<T> => {
    const name = settingName(key as SettingKey);
    const own = key in overrides ? overrides[key as SettingKey] : values[name];
    return { defaultValue: DEFAULTS[name]?.default as T | undefined, ...(own !== undefined && { workspaceValue: own as T }) };
  };
  return {
    get: <T>(key: string) => {
      const l = layers<T>(key);
      return l.workspaceValue ?? l.defaultValue;
    },
    inspect: layers,
  };
}

export interface WorkspaceSettings {
  settings: Settings;
  /** The file read, or undefined when the workspace has none. */
  file?: string;
}

/** The snapshot for a workspace folder, validated as the extension validates it. */
export function workspaceSettings(workspace: string, overrides: Overrides): WorkspaceSettings {
  if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`The workspace folder ${workspace} does not exist; give an existing folder with --workspace.`);
  }
  const file = path.join(workspace, '.vscode', 'settings.json');
  const values = readSettingsFile(file);
  const config = fileConfig(values, overrides);
  return { settings: snapshotSettings(config, config, true), ...(fs.existsSync(file) && { file }) };
}
