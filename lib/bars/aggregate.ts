import { BAR_FIELDS, emptyColumns, type BarColumns } from "./columns";
import { bucketStart, TIMEFRAME_MS, type Timeframe } from "./timeframe";

/**
 * Sort by ts and drop exact duplicate timestamps (the LAST occurrence wins, as a later update of the
 * same bar would). Returns the input unchanged when it is already strictly ascending.
 */
export function normalizeOrder(c: BarColumns): BarColumns {
  let sorted = true;
  for (let i = 1; i < c.length; i++) {
    if (!(c.ts[i]! > c.ts[i - 1]!)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return c;
  const idx = Array.from({ length: c.length }, (_, i) => i);
  idx.sort((a, b) => c.ts[a]! - c.ts[b]! || a - b);
  const keep: number[] = [];
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const next = idx[k + 1];
    if (next !== undefined && c.ts[next] === c.ts[i]) continue; // a later duplicate follows
    keep.push(i);
  }
  const out = emptyColumns(keep.length);
  out.length = keep.length;
  for (const f of BAR_FIELDS) {
    const src = c[f];
    const dst = out[f];
    for (let k = 0; k < keep.length; k++) dst[k] = src[keep[k]!]!;
  }
  return out;
}

/**
 * Aggregate bars into a higher timeframe: open = first open, high = max, low = min, close = last close,
 * volume = sum, vwap = volume-weighted vwap (NaN if a bar with volume has no vwap, or total volume is 0),
 * trades = sum (NaN if any is unknown). Input may be unsorted or contain duplicates.
 * This is THE aggregation: the SQL rollup (server/services/bars) implements the same semantics and
 * is tested against it.
 */
export function aggregate(input: BarColumns, target: Timeframe): BarColumns {
  const c = normalizeOrder(input);
  const out = emptyColumns(c.length);
  let n = -1;
  let cur = Number.NaN;
  let pv = 0;
  let vol = 0;
  let vwapKnown = true;
  let trades = 0;
  let tradesKnown = true;
  const flush = () => {
    if (n < 0) return;
    out.volume[n] = vol;
    out.vwap[n] = vwapKnown && vol > 0 ? pv / vol : Number.NaN;
    out.trades[n] = tradesKnown ? trades : Number.NaN;
  };
  for (let i = 0; i < c.length; i++) {
    const b = bucketStart(c.ts[i]!, target);
    if (b !== cur) {
      flush();
      n++;
      cur = b;
      out.ts[n] = b;
      out.open[n] = c.open[i]!;
      out.high[n] = c.high[i]!;
      out.low[n] = c.low[i]!;
      pv = 0;
      vol = 0;
      vwapKnown = true;
      trades = 0;
      tradesKnown = true;
    } else {
      if (c.high[i]! > out.high[n]!) out.high[n] = c.high[i]!;
      if (c.low[i]! < out.low[n]!) out.low[n] = c.low[i]!;
    }
    out.close[n] = c.close[i]!;
    const v = c.volume[i]!;
    const w = c.vwap[i]!;
    vol += v;
    // A bar without volume carries no weight, so its (possibly unknown) vwap does not matter.
    if (Number.isNaN(w)) {
      if (v > 0) vwapKnown = false;
    } else pv += w * v;
    const t = c.trades[i]!;
    if (Number.isNaN(t)) tradesKnown = false;
    else trades += t;
  }
  flush();
  out.length = n + 1;
  return out;
}

/** True when `lower` can be aggregated into `higher` (bucket widths divide). */
export function canAggregate(lower: Timeframe, higher: Timeframe): boolean {
  return TIMEFRAME_MS[higher] > TIMEFRAME_MS[lower] && TIMEFRAME_MS[higher] % TIMEFRAME_MS[lower] === 0;
}
