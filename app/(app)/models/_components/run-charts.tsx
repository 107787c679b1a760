"use client";

/** Small SVG charts of a run: loss curves per epoch and IC per test period (no chart library needed). */

const W = 520;
const H = 160;
const PAD = { l: 44, r: 8, t: 8, b: 20 };

function scale(lo: number, hi: number, a: number, b: number) {
  const span = hi - lo || 1;
  return (v: number) => a + ((v - lo) / span) * (b - a);
}

export interface Curve {
  label: string;
  color: string;
  values: readonly number[];
  dashed?: boolean;
}

export function LossChart({ curves, testId = "loss-chart" }: { curves: readonly Curve[]; testId?: string }) {
  const all = curves.flatMap((c) => c.values).filter(Number.isFinite);
  const n = Math.max(0, ...curves.map((c) => c.values.length));
  if (all.length === 0 || n === 0) return <p className="muted">No epochs yet.</p>;
  const y = scale(Math.min(...all), Math.max(...all), H - PAD.b, PAD.t);
  const x = scale(0, Math.max(1, n - 1), PAD.l, W - PAD.r);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return (
    <svg data-testid={testId} width="100%" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Loss per epoch" style={{ maxWidth: W }}>
      <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke="var(--border)" />
      <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} stroke="var(--border)" />
      <text x={PAD.l - 4} y={PAD.t + 8} fontSize={9} textAnchor="end" fill="var(--muted)">{hi.toPrecision(3)}</text>
      <text x={PAD.l - 4} y={H - PAD.b} fontSize={9} textAnchor="end" fill="var(--muted)">{lo.toPrecision(3)}</text>
      <text x={W - PAD.r} y={H - 6} fontSize={9} textAnchor="end" fill="var(--muted)">epoch {n}</text>
      {curves.map((c) => (
        <polyline
          key={c.label}
          fill="none"
          stroke={c.color}
          strokeWidth={1.6}
          strokeDasharray={c.dashed ? "4 3" : undefined}
          points={c.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}
        />
      ))}
      {curves.map((c, i) => (
        <text key={`l-${c.label}`} x={PAD.l + 8 + i * 110} y={PAD.t + 10} fontSize={10} fill={c.color}>
          {c.label}
        </text>
      ))}
    </svg>
  );
}

/** IC per test period as bars around zero (positive up, negative down), with the mean as a line. */
export function IcBars({ ic, ts }: { ic: readonly (number | null)[]; ts: readonly number[] }) {
  const v = ic.map((x) => (x === null ? 0 : x));
  if (v.length === 0) return <p className="muted">No test periods.</p>;
  const m = Math.max(0.05, ...v.map(Math.abs));
  const y = scale(-m, m, H - PAD.b, PAD.t);
  const bw = (W - PAD.l - PAD.r) / v.length;
  const valid = ic.filter((x): x is number => x !== null);
  const mean = valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length);
  return (
    <svg data-testid="ic-bars" width="100%" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="IC per test period" style={{ maxWidth: W }}>
      <line x1={PAD.l} y1={y(0)} x2={W - PAD.r} y2={y(0)} stroke="var(--border)" />
      <text x={PAD.l - 4} y={PAD.t + 8} fontSize={9} textAnchor="end" fill="var(--muted)">{m.toFixed(2)}</text>
      <text x={PAD.l - 4} y={H - PAD.b} fontSize={9} textAnchor="end" fill="var(--muted)">{(-m).toFixed(2)}</text>
      {v.map((x, i) => (
        <rect key={i} x={PAD.l + i * bw} width={Math.max(0.5, bw - 0.3)} y={Math.min(y(0), y(x))} height={Math.abs(y(x) - y(0))} fill={x >= 0 ? "var(--up)" : "var(--down)"} opacity={0.75} />
      ))}
      <line x1={PAD.l} y1={y(mean)} x2={W - PAD.r} y2={y(mean)} stroke="var(--accent)" strokeDasharray="4 3" />
      <text x={W - PAD.r} y={y(mean) - 3} fontSize={10} textAnchor="end" fill="var(--accent)">
        mean {mean.toFixed(4)}
      </text>
      {ts.length ? (
        <>
          <text x={PAD.l} y={H - 6} fontSize={9} fill="var(--muted)">{new Date(ts[0]!).toISOString().slice(0, 10)}</text>
          <text x={W - PAD.r} y={H - 6} fontSize={9} textAnchor="end" fill="var(--muted)">{new Date(ts[ts.length - 1]!).toISOString().slice(0, 10)}</text>
        </>
      ) : null}
    </svg>
  );
}
