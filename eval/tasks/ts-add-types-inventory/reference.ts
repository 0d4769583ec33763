export type Stock = Record<string, number>;

export function restock(stock: Stock, item: string, qty: number): Stock {
  const next: Stock = { ...stock };
  next[item] = (next[item] || 0) + qty;
  return next;
}

export function lowItems(stock: Stock, threshold: number = 5): string[] {
  return Object.keys(stock).filter((k) => stock[k] < threshold).sort();
}
