// Command-line arguments: node's own parseArgs, strict, with its errors told as one sentence naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags run and eval share: where the settings come from, and what overrides them. */
const COMMON: Options = {
  workspace: { type: 'string' },
  chain: { type: 'string' },
  'llama-swap-url': { type: 'string' },
  'verifier-model': { type: 'string' },
};

export const RUN_OPTIONS: Options = { ...COMMON, skill: { type: 'string' }, instruction: { type: 'string' }, write: { type: 'boolean' }, checks: { type: 'boolean' } };
export const EVAL_OPTIONS: Options = { ...COMMON, out: { type: 'string' }, baselines: { type: 'boolean' }, 'verifier-only': { type: 'string' } };

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** The first quoted flag in one of parseArgs' messages ("Unknown option '--foo'. …"). */
const flagIn = (message: string) => /'(-[^' ]*)/.exec(message)?.[1] ?? 'an option';

export function parse(command: string, args: string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${command} has no option ${flagIn(message)}; see hyperguild --help.`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = flagIn(message);
      throw new UsageError(options[flag.replace(/^-+/, '')]?.type === 'boolean' ? `The option ${flag} takes no value.` : `The option ${flag} needs a value.`);
    }
    throw new UsageError(`The arguments could not be read (${message.replace(/[.\s]+$/, '')}); see hyperguild --help.`);
  }
}

/** A string flag's value, trimmed; undefined when not given. An empty value is an error, not a default. */
export function stringFlag(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  if (typeof value !== 'string') return undefined;
  if (!value.trim()) throw new UsageError(`The option --${name} needs a value.`);
  return value.trim();
}
