/** A tiny inline SVG line of recent values (green if the last is above the first, red otherwise). */
export function Sparkline({ values, width = 90, height = 22 }: { values: readonly number[]; width?: number; height?: number }) {
  const v = values.filter(Number.isFinite);
  if (v.length < 2) return null;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const span = hi - lo || 1;
  const pts = v.map((x, i) => `${((i / (v.length - 1)) * (width - 2) + 1).toFixed(1)},${(height - 1 - ((x - lo) / span) * (height - 2)).toFixed(1)}`).join(" ");
  const up = v[v.length - 1]! >= v[0]!;
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`trend ${up ? "up" : "down"}`}>
      <polyline points={pts} fill="none" stroke={up ? "var(--up)" : "var(--down)"} strokeWidth={1.3} />
    </svg>
  );
}
