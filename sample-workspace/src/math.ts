// Sample code to try Hyperguild on: select a function and run "Hyperguild: Run Skill on Selection…".

export function add(a: number, b: number): number {
  return a + b;
}

export function average(values: number[]) {
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    total = total + values[i];
  }
  return values.length == 0 ? 0 : total / values.length;
}

export function clamp(value: number, min: number, max: number): number {
  if (value < min) return min;
  if (value > max) return max;
  return value;
}
