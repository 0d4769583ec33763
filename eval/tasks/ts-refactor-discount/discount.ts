export type Tier = 'gold' | 'silver' | 'bronze' | 'none';

export function discounted(price: number, tier: Tier): number {
  switch (tier) {
    case 'gold': {
      const d = price * 0.2;
      const result = price - d;
      return Math.round(result * 100) / 100;
    }
    case 'silver': {
      const d = price * 0.1;
      const result = price - d;
      return Math.round(result * 100) / 100;
    }
    case 'bronze': {
      const d = price * 0.05;
      const result = price - d;
      return Math.round(result * 100) / 100;
    }
    default:
      return Math.round(price * 100) / 100;
  }
}
