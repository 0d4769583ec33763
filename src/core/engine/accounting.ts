/** US dollars per million tokens. */
export interface Price {
  input: number;
  output: number;
}
export type PriceTable = Readonly<Record<string, Price>>;

/**
 * Anthropic's list prices (USD per million tokens) as published in November 2026. Longest
 * matching prefix wins, so dated ids such as `claude-sonnet-4-5-20250929` find their family.
 * Users override or extend it with `hyperguild.prices`.
 */
export const CLAUDE_PRICES: PriceTable = {
  'claude-fable-5-1': { input: 10, output: 50 },
  'claude-opus-5-5': { input: 4, output: 20 },
  'claude-opus-5': { input: 5, output: 25 },
  'claude-sonnet-5-5': { input: 2, output: 10 },
  'claude-sonnet-5': { input: 2, output: 10 },
  'claude-haiku-5-5': { input: 0.1, output: 0.5 },
  'claude-opus-4-8': { input: 5, output: 25 },
  'claude-opus-4-7': { input: 5, output: 25 },
  'claude-opus-4-6': { input: 5, output: 25 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-6': { input: 3, output: 15 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
};

export function priceFor(model: string, overrides: PriceTable = {}, builtIn = true): Price | undefined {
  if (overrides[model]) return overrides[model];
  const table = builtIn ? { ...CLAUDE_PRICES, ...overrides } : overrides;
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if ((model === key || model.startsWith(`${key}-`)) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

/** Cost of one call; undefined when the model has no known price or tokens are unknown. */
export function costUsd(
  model: string,
  inputTokens: number | undefined,
  outputTokens: number | undefined,
  overrides?: PriceTable,
  /** Anthropic's list prices apply (Anthropic tiers only): another cloud is priced from hyperguild.prices alone. */
  builtIn = true,
): number | undefined {
  const price = priceFor(model, overrides, builtIn);
  if (!price || inputTokens === undefined || outputTokens === undefined) return undefined;
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

/** A cloud attempt that used tokens at a price nobody knows (hyperguild.prices has none): its cost is unknown, not $0. */
export function isUnpriced(a: { tier: 'local' | 'cloud'; costUsd?: number; inputTokens?: number; outputTokens?: number }): boolean {
  return a.tier === 'cloud' && a.costUsd === undefined && (a.inputTokens !== undefined || a.outputTokens !== undefined);
}

/** What the log and the chat say for such an attempt. */
export const UNPRICED = 'unpriced';

/** "$0.0042": enough digits to tell small costs apart. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  return value >= 0.01 ? `$${value.toFixed(3)}` : `$${value.toPrecision(2)}`;
}
