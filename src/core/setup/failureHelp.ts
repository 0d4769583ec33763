// What to offer when a run fails, decided from its attempts: the way out a user would look for next. Pure, so the
// decision is unit-tested; the editor turns it into buttons.
import type { Tier } from '../engine/chain';
import type { Attempt } from '../engine/orchestrator';

export interface FailureHelp {
  /** A local server did not answer: check the setup. */
  checkSetup: boolean;
  /** …and a cloud tier could still answer this time (a key is there). */
  cloudOnly: boolean;
  /** A cloud tier was reached without a usable key. */
  setKey: boolean;
  /** Local models the server did not know (llama-swap 404, llama-server 400 "not found"). */
  unknownModels: string[];
}

export function failureHelp(attempts: readonly Attempt[], tiers: readonly Tier[], hasKey: boolean): FailureHelp {
  const local = attempts.filter((a) => a.tier === 'local' && a.verdict === 'error' && a.by === undefined);
  const unreachable = local.some((a) => a.errorKind === 'unreachable' || a.serverSilent === true);
  const unknownModels = [...new Set(local.filter((a) => isUnknownModel(a)).map((a) => a.model))];
  const setKey = attempts.some((a) => a.tier === 'cloud' && a.errorKind === 'auth');
  const hasCloud = tiers.some((t) => t.kind === 'cloud');
  return { checkSetup: unreachable || unknownModels.length > 0, cloudOnly: unreachable && hasCloud && hasKey, setKey, unknownModels };
}

function isUnknownModel(a: Attempt): boolean {
  if (a.errorKind !== 'http') return false;
  return a.errorStatus === 404 || (a.errorStatus === 400 && /not found/i.test(a.feedback ?? ''));
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * The known names closest to `name` first: one that contains it (or is contained in it), then by edit distance,
 * where a shared beginning counts double (model families share a prefix: qwen-7b → qwen2.5-coder-7b).
 */
export function closestNames(name: string, known: readonly string[], count = 5): string[] {
  const n = name.toLowerCase();
  const score = (k: string) => {
    const c = k.toLowerCase();
    let prefix = 0;
    while (prefix < n.length && prefix < c.length && n[prefix] === c[prefix]) prefix++;
    return (c.includes(n) || n.includes(c) ? 0 : 1000) + distance(n, c) - 2 * prefix;
  };
  return [...new Set(known)].sort((a, b) => score(a) - score(b) || a.localeCompare(b)).slice(0, count);
}
