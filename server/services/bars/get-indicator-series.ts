import { sliceColumns } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";
import { getIndicator, sharingOrder } from "@/lib/indicators/registry";
import { IndicatorCache } from "@/lib/indicators/shared";
import { getBars } from "./get-bars";

export interface IndicatorRequest {
  key: string;
  id: string;
  params?: Record<string, unknown>;
}

export interface GetIndicatorSeriesOptions {
  symbol: string;
  timeframe: Timeframe;
  to?: number;
  limit: number;
  adjusted: boolean;
  indicators: IndicatorRequest[];
}

/**
 * Indicator values for the `limit` newest bars before `to`: the bars are loaded with each indicator's
 * lookback in front, so values at the first returned bar are as warm as the data allows (identical to a
 * computation over the full history for every recursive-free indicator; EMA-family values converge).
 * NaN (warm-up) becomes null for JSON.
 */
export async function getIndicatorSeries(opts: GetIndicatorSeriesOptions) {
  const defs = opts.indicators.map((r) => ({ ...r, def: getIndicator(r.id), params: getIndicator(r.id).parseParams(r.params ?? {}) }));
  // Lookback plus a margin for recursive smoothing (EMA, Wilder) to settle.
  const warm = Math.max(0, ...defs.map((d) => d.def.lookback(d.params) * 4 + 10));
  const bars = await getBars({ symbol: opts.symbol, timeframe: opts.timeframe, to: opts.to, limit: opts.limit + warm, adjusted: opts.adjusted });
  const start = Math.max(0, bars.length - opts.limit);
  const out: Record<string, Record<string, (number | null)[]>> = {};
  // Shared intermediates: STOCH and WILLR of one period share their window extremes, ADX leaves its ATR (so it
  // goes first; the response is keyed, so the order does not show).
  const shared = new IndicatorCache();
  for (const d of [...defs].sort((a, b) => sharingOrder(a.id) - sharingOrder(b.id))) {
    const series = d.def.compute(bars, d.params, shared);
    const o: Record<string, (number | null)[]> = {};
    for (const [name, arr] of Object.entries(series)) {
      o[name] = Array.from(arr.subarray(start, bars.length), (v) => (Number.isFinite(v) ? v : null));
    }
    out[d.key] = o;
  }
  const view = sliceColumns(bars, start, bars.length);
  return { ts: Array.from(view.ts), series: out };
}
