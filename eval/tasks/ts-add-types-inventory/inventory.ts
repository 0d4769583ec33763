export function restock(stock, item, qty) {
  const next = { ...stock };
  next[item] = (next[item] || 0) + qty;
  return next;
}

export function lowItems(stock, threshold = 5) {
  return Object.keys(stock).filter((k) => stock[k] < threshold).sort();
}
