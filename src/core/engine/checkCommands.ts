// `hyperguild.checks`: the user's own check commands per language (a type checker, a linter, a test), run on a
// shadow copy of the project with the proposal applied. Pure: validation and where each command came from.
import * as z from 'zod/mini';
import { SETTING_NAMES } from '../settingKeys';

export const DEFAULT_CHECK_TIMEOUT_SECONDS = 30;
export const MAX_CHECK_TIMEOUT_SECONDS = 600;

/** One command of `hyperguild.checks`, validated. */
export interface CheckCommand {
  languageId: string;
  /** What the log and the attempt's checks call it: the entry's name, else the command. */
  name: string;
  /** The shell command, with `{file}` and `{root}` still in it. */
  command: string;
  timeoutMs: number;
  /**
   * Set by a workspace or folder settings file (a cloned repository may have written it): its first run asks the
   * user. A command from the user's own settings runs without asking.
   */
  fromWorkspace: boolean;
}

/** Each language id's commands, in the order they run. */
export type CheckCommandTable = ReadonlyMap<string, readonly CheckCommand[]>;

const commandText = z.string().check(z.trim(), z.minLength(1));
const objectEntry = z.strictObject({
  name: z.optional(z.string().check(z.trim(), z.minLength(1))),
  command: commandText,
  timeoutSeconds: z.optional(z.number().check(z.positive())),
});
const entrySchema = z.union([commandText, objectEntry]);

const EXAMPLE = '{ "python": ["ruff check {file}"], "typescript": [{ "command": "npx tsc --noEmit -p .", "timeoutSeconds": 60 }] }';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why an entry failed, in words a user can act on. */
function entryProblem(value: unknown): string {
  if (typeof value === 'string') return 'the command is empty';
  if (!isRecord(value)) return 'it must be a command or an object with a "command" field';
  if (!('command' in value)) return 'it has no "command" field';
  const parsed = objectEntry.safeParse(value);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') return `it has an unknown field "${issue.keys[0]}" (use name, command and timeoutSeconds)`;
  if (issue?.path[0] === 'command') return 'its "command" must be a non-empty string';
  if (issue?.path[0] === 'name') return 'its "name" must be a non-empty string';
  if (issue?.path[0] === 'timeoutSeconds') return 'its "timeoutSeconds" must be a number of seconds above 0';
  return 'it is not valid';
}

function describe(value: unknown): string {
  const text = isRecord(value) && typeof value.command === 'string' ? value.command : value;
  const json = JSON.stringify(text) ?? String(text);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}

/**
 * Validates the setting; an invalid entry is left out, with one sentence naming it and what to fix.
 * `fromWorkspace(languageId)` says whether that language's list came from a workspace or folder settings file.
 */
export function parseCheckCommands(raw: unknown, fromWorkspace: (languageId: string) => boolean): { commands: CheckCommandTable; problems: string[] } {
  const commands = new Map<string, CheckCommand[]>();
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { commands, problems };
  if (!isRecord(raw)) return { commands, problems: [`${SETTING_NAMES.checks} must be an object of commands per language id, for example ${EXAMPLE}.`] };
  for (const [languageId, list] of Object.entries(raw)) {
    const where = `${SETTING_NAMES.checks} "${languageId}"`;
    if (!Array.isArray(list)) {
      problems.push(`${where} must be a list of commands, for example ["ruff check {file}"].`);
      continue;
    }
    const valid: CheckCommand[] = [];
    for (const [index, value] of list.entries()) {
      const parsed = entrySchema.safeParse(value);
      if (!parsed.success) {
        problems.push(`${where} entry ${index + 1} (${describe(value)}) is invalid: ${entryProblem(value)}.`);
        continue;
      }
      const spec = typeof parsed.data === 'string' ? { command: parsed.data } : parsed.data;
      let seconds = spec.timeoutSeconds ?? DEFAULT_CHECK_TIMEOUT_SECONDS;
      if (seconds > MAX_CHECK_TIMEOUT_SECONDS) {
        problems.push(`${where} entry ${index + 1} (${describe(value)}) has timeoutSeconds ${seconds}, above its maximum of ${MAX_CHECK_TIMEOUT_SECONDS}; ${MAX_CHECK_TIMEOUT_SECONDS} is used.`);
        seconds = MAX_CHECK_TIMEOUT_SECONDS;
      }
      valid.push({ languageId, name: spec.name ?? spec.command, command: spec.command, timeoutMs: Math.round(seconds * 1000), fromWorkspace: fromWorkspace(languageId) });
    }
    if (valid.length) commands.set(languageId, valid);
  }
  return { commands, problems };
}

/** Whether a language's list is set by a workspace or folder settings file (VS Code merges the object's keys). */
export function languagesFromWorkspace(workspaceValue: unknown, folderValue: unknown): (languageId: string) => boolean {
  return (languageId) => [workspaceValue, folderValue].some((v) => isRecord(v) && v[languageId] !== undefined);
}
