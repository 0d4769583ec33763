export function groupBy<T>(items: T[], key: (item: T) => string): Record<string, T[]> {
  const groups: Record<string, T[]> = {};
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const k = key(item);
    if (groups[k] === undefined) {
      groups[k] = [];
      groups[k].push(item);
    } else {
      groups[k].push(item);
    }
  }
  return groups;
}
