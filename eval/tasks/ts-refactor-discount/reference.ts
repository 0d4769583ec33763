export type Tier = 'gold' | 'silver' | 'bronze' | 'none';

const RATES: Record<Tier, number> = { gold: 0.2, silver: 0.1, bronze: 0.05, none: 0 };

export function discounted(price: number, tier: Tier): number {
  const rate = RATES[tier] ?? 0;
  return Math.round((price - price * rate) * 100) / 100;
}
