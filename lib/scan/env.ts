/**
 * buildScanEnv(plan, input): the executor's helper that turns per-symbol bars (and feature
 * matrices, ML scores) into the lag-major environment evaluateScan reads. Pure: the caller loads
 * the data (plan.bars / plan.features / plan.ml say how much) and passes it in.
 *
 * Indicators are computed per symbol with the registry on the bars up to the scan bar (each
 * (indicator, params) once, whatever the number of outputs read); fields are copied; features are
 * read from the symbol's FeatureMatrix at the scan bar's ts; `input.columns` are passed through
 * (that is how ML scores arrive). A symbol without a bar at the scan bar is NaN everywhere (it
 * never matches and is left out of rank / percentile).
 */
import type { BarColumns } from "@/lib/bars/columns";
import { sliceColumns } from "@/lib/bars/columns";
import type { FeatureMatrix } from "@/lib/features";
import { sharingOrder } from "@/lib/indicators/registry";
import { IndicatorCache } from "@/lib/indicators/shared";
import { DEFAULT_SCAN_CATALOG, type ScanCatalog } from "./catalog";
import type { ScanPlan } from "./compile";
import { ScanError } from "./errors";
import type { ScanEnv } from "./evaluate";

export interface ScanEnvInput {
  symbols: readonly string[];
  /** Per symbol (same order), ascending ts, ADJUSTED prices (README.md); null = no data. */
  bars: readonly (BarColumns | null | undefined)[];
  /** Scan bar open time (epoch ms UTC). Default: each symbol's last bar. A symbol with no bar at exactly asOf is NaN. */
  asOf?: number;
  /** Per symbol feature matrix (rows on the symbol's own ts) when the plan reads features. */
  features?: readonly (FeatureMatrix | null | undefined)[];
  /** Lag-major columns passed through as is (e.g. ml_score: S × lags values). */
  columns?: Readonly<Record<string, Float64Array>>;
  meta?: ScanEnv["meta"];
}

/** Last index i with ts[i] <= t (−1 if none). */
function lastAtOrBefore(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export function buildScanEnv(plan: ScanPlan, input: ScanEnvInput, catalog: ScanCatalog = DEFAULT_SCAN_CATALOG): ScanEnv {
  const S = input.symbols.length;
  if (input.bars.length !== S) throw new ScanError({ kind: "input", code: "INTERNAL", summary: `bars has ${input.bars.length} entries for ${S} symbols` });
  const columns: Record<string, Float64Array> = {};
  const pass = input.columns ?? {};
  type Target = { out: Float64Array; lags: number };
  const fields: { field: "open" | "high" | "low" | "close" | "volume"; t: Target }[] = [];
  const features: { name: string; t: Target }[] = [];
  const indicators = new Map<string, { id: string; params: Record<string, number | string>; outputs: { output: string; t: Target }[] }>();
  for (const col of plan.columns) {
    if (Object.hasOwn(pass, col.key)) {
      columns[col.key] = pass[col.key]!;
      continue;
    }
    const s = col.source;
    if (s.kind === "ml") continue; // absent: evaluateScan reports it
    const t = { out: new Float64Array(S * col.lags).fill(NaN), lags: col.lags };
    columns[col.key] = t.out;
    if (s.kind === "field") fields.push({ field: s.field, t });
    else if (s.kind === "feature") features.push({ name: s.name, t });
    else {
      const key = `${s.id}|${JSON.stringify(s.params)}`;
      let g = indicators.get(key);
      if (!g) indicators.set(key, (g = { id: s.id, params: s.params, outputs: [] }));
      g.outputs.push({ output: s.output, t });
    }
  }
  // Intermediates shared by the indicators of one symbol (cleared per symbol; its buffers are reused), computed
  // producers first (e.g. ADX before the ATR it leaves in the cache).
  const shared = new IndicatorCache();
  const groups = [...indicators.values()].sort((a, b) => sharingOrder(a.id) - sharingOrder(b.id));
  const copy = (series: Float64Array, end: number, s: number, t: Target) => {
    for (let k = 0; k < t.lags && end - k >= 0; k++) t.out[k * S + s] = series[end - k]!;
  };
  const barTs = new Float64Array(S).fill(NaN);
  for (let s = 0; s < S; s++) {
    const bars = input.bars[s];
    if (!bars || bars.length === 0) continue;
    const end = input.asOf === undefined ? bars.length - 1 : lastAtOrBefore(bars.ts, bars.length, input.asOf);
    if (end < 0 || (input.asOf !== undefined && bars.ts[end] !== input.asOf)) continue;
    barTs[s] = bars.ts[end]!;
    for (const f of fields) copy(bars[f.field], end, s, f.t);
    if (indicators.size) {
      const view = sliceColumns(bars, 0, end + 1);
      shared.clear();
      for (const g of groups) {
        const def = catalog.indicators.get(g.id);
        if (!def) throw new ScanError({ kind: "input", code: "INTERNAL", summary: `indicator ${g.id} is not in the catalog` });
        const out = def.compute(view, g.params, shared);
        for (const o of g.outputs) copy(out[o.output]!, end, s, o.t);
      }
    }
    if (features.length) {
      const m = input.features?.[s];
      if (!m) continue;
      const row = lastAtOrBefore(m.ts, m.length, bars.ts[end]!);
      if (row < 0 || m.ts[row] !== bars.ts[end]) continue;
      for (const f of features) copy(m.column(f.name), row, s, f.t);
    }
  }
  return { symbols: input.symbols, columns, meta: input.meta, barTs };
}
