export function sumOfEvenSquares(values: number[]): number {
  return values.filter((v) => v % 2 === 0).reduce((total, v) => total + v * v, 0);
}
