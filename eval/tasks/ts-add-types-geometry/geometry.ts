export function distance(a, b) {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

export function centroid(points) {
  const n = points.length;
  const sum = points.reduce((acc, p) => ({ x: acc.x + p.x, y: acc.y + p.y }), { x: 0, y: 0 });
  return { x: sum.x / n, y: sum.y / n };
}
