/**
 * Throughput measurement of a feature set (not used by production code; no assertions).
 *
 *   echo 'import { measureFeatureThroughput as m } from "./lib/features/throughput"; console.log(JSON.stringify(m()))' \
 *     | npx tsx --tsconfig tsconfig.json -
 *
 * Time-series part: every symbol's matrix is computed with ONE reused context and output matrix
 * (the way a worker streams symbols to storage); the cross-sectional bases are gathered per block of
 * 64 symbols and transposed into a timestamp-major panel (timed apart). Cross-sectional part:
 * `computeCrossSectionalPanel` over that panel. The total counts all three.
 * Bars come from lib/sim: `distinct` symbols are generated (not timed) and the universe cycles through
 * them, each further copy rotated in time by a different number of bars, so that copies do not tie
 * in the cross-sections (exact ties would flatter nothing but would not be a realistic universe).
 * CPU time (process.cpuUsage) is reported next to wall time: on a shared machine it is the better
 * estimate of per-core throughput.
 */
import { type BarColumns, emptyColumns } from "@/lib/bars/columns";
import { createSimulator } from "@/lib/sim";
import { computeCrossSectionalPanel, computeFeatures, crossSectionalBases, FeatureMatrix } from "./compute";
import { FeatureContext } from "./context";
import { CrossSectionScratch } from "./cross-section";
import { DEFAULT_FEATURE_SET, getFeatureSet } from "./feature-set";

export interface ThroughputOptions {
  set?: string;
  /** Universe size (default 5,000). */
  symbols?: number;
  /** Distinct simulated symbols, cycled with time rotations (default 500). */
  distinct?: number;
  /** Simulated date range (default 2016-01-01 … 2025-12-31, ≈ 2,515 NYSE days). */
  start?: string;
  end?: string;
  seed?: number;
}

export interface ThroughputResult {
  set: string;
  features: number;
  tsFeatures: number;
  csFeatures: number;
  symbols: number;
  bars: number;
  values: number;
  /** Time-series features; panelWallMs (building the cross-section panel) is reported apart and counted in total. */
  ts: { wallMs: number; cpuMs: number; valuesPerSecWall: number; valuesPerSecCpu: number; panelWallMs: number };
  cs: { wallMs: number; cpuMs: number; valuesPerSecWall: number; valuesPerSecCpu: number };
  total: { wallMs: number; cpuMs: number; valuesPerSecWall: number; valuesPerSecCpu: number };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function rate(values: number, wallMs: number, cpu: number) {
  return { wallMs: Math.round(wallMs), cpuMs: Math.round(cpu), valuesPerSecWall: Math.round((values / wallMs) * 1000), valuesPerSecCpu: Math.round((values / cpu) * 1000) };
}

/** Copy of c whose OHLCV rows are rotated by k (row i takes row (i + k) mod n), timestamps kept. */
function rotated(c: BarColumns, k: number): BarColumns {
  if (k === 0) return c;
  const n = c.length;
  const out = emptyColumns(n);
  out.length = n;
  out.ts.set(c.ts.subarray(0, n));
  for (const f of ["open", "high", "low", "close", "volume", "vwap", "trades"] as const) {
    out[f].set(c[f].subarray(k, n), 0);
    out[f].set(c[f].subarray(0, k), n - k);
  }
  return out;
}

export function measureFeatureThroughput(opts: ThroughputOptions = {}): ThroughputResult {
  const set = getFeatureSet(opts.set ?? DEFAULT_FEATURE_SET);
  const S = opts.symbols ?? 5000;
  const distinct = Math.min(opts.distinct ?? 500, S);
  const sim = createSimulator({ seed: opts.seed ?? 11, symbols: distinct, start: opts.start ?? "2016-01-01", end: opts.end ?? "2025-12-31" });
  const base: BarColumns[] = [];
  for (let i = 0; i < distinct; i++) base.push(sim.daily(i));
  const T = base[0]!.length;
  if (base.some((b) => b.length !== T)) throw new Error("simulated symbols must share one calendar");
  const pool: BarColumns[] = [];
  for (let s = 0; s < S; s++) pool.push(rotated(base[s % distinct]!, (Math.floor(s / distinct) * 397) % T));

  // Panel buffers are allocated and touched up front (a worker reuses them; page faults are not features).
  const bases = crossSectionalBases(set);
  const panelBase: Record<string, Float64Array> = {};
  for (const b of bases) panelBase[b] = new Float64Array(T * S).fill(0);
  const csOut: Record<string, Float64Array> = {};
  for (const k of set.csIndices) csOut[set.names[k]!] = new Float64Array(T * S).fill(0);
  const baseIdx = bases.map((b) => set.index.get(b)!);
  // Base columns of a block of symbols, transposed into the timestamp-major panel block by block.
  const BLOCK = 64;
  const block = bases.map(() => new Float64Array(BLOCK * T));

  const ctx = new FeatureContext();
  const out = new FeatureMatrix(set, T);
  // Warm the JIT on a few symbols (not timed).
  for (let s = 0; s < Math.min(S, 20); s++) computeFeatures(pool[s]!, { context: ctx, out });

  let tsWall = 0;
  let panelWall = 0;
  const c0 = cpuMs();
  for (let s0 = 0; s0 < S; s0 += BLOCK) {
    const nb = Math.min(BLOCK, S - s0);
    let w0 = performance.now();
    for (let j = 0; j < nb; j++) {
      computeFeatures(pool[s0 + j]!, { context: ctx, out });
      for (let k = 0; k < bases.length; k++) block[k]!.set(out.values.subarray(baseIdx[k]! * T, (baseIdx[k]! + 1) * T), j * T);
    }
    const w1 = performance.now();
    tsWall += w1 - w0;
    for (let k = 0; k < bases.length; k++) {
      const src = block[k]!;
      const dst = panelBase[bases[k]!]!;
      for (let t = 0; t < T; t++) {
        const o = t * S + s0;
        for (let j = 0; j < nb; j++) dst[o + j] = src[j * T + t]!;
      }
    }
    w0 = performance.now();
    panelWall += w0 - w1;
  }
  const tsCpu = cpuMs() - c0;

  const scratch = new CrossSectionScratch(S);
  const w0 = performance.now();
  const c1 = cpuMs();
  computeCrossSectionalPanel(set, { symbols: S, timestamps: T, base: panelBase }, csOut, scratch);
  const csWall = performance.now() - w0;
  const csCpu = cpuMs() - c1;

  const tsValues = S * T * set.tsIndices.length;
  const csValues = S * T * set.csIndices.length;
  return {
    set: set.id,
    features: set.features.length,
    tsFeatures: set.tsIndices.length,
    csFeatures: set.csIndices.length,
    symbols: S,
    bars: T,
    values: tsValues + csValues,
    // The TS cpu time includes the panel transposition (panelWallMs of it).
    ts: { ...rate(tsValues, tsWall, tsCpu * (tsWall / (tsWall + panelWall))), panelWallMs: Math.round(panelWall) },
    cs: rate(csValues, csWall, csCpu),
    total: rate(tsValues + csValues, tsWall + panelWall + csWall, tsCpu + csCpu),
  };
}
