export function sumOfEvenSquares(values: number[]): number {
  const evens: number[] = [];
  for (const v of values) {
    if (v % 2 === 0) {
      evens.push(v);
    }
  }
  const squares: number[] = [];
  for (const e of evens) {
    squares.push(e * e);
  }
  let total = 0;
  for (const s of squares) {
    total += s;
  }
  return total;
}
