export interface Line {
  name: string;
  qty: number;
  price: number;
}

export function summary(lines: Line[]): string {
  const items = lines.map((l) => `${l.qty} x ${l.name}`).join(', ');
  const total = lines.reduce((sum, l) => sum + l.qty * l.price, 0);
  return `${items} = ${total.toFixed(2)}`;
}
