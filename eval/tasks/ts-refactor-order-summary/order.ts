export interface Line {
  name: string;
  qty: number;
  price: number;
}

export function summary(lines: Line[]): string {
  let text = '';
  let total = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    total = total + l.qty * l.price;
    text = text + l.qty + ' x ' + l.name;
    if (i < lines.length - 1) {
      text = text + ', ';
    }
  }
  text = text + ' = ' + total.toFixed(2);
  return text;
}
