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
 * The aggregation step, shared by the batch path (`aggregate`) and the live bar builder (which keeps one
 * accumulator per open higher bucket and merges each closing minute in O(1)):
 * open = first open, high = max, low = min, close = last close, volume = sum, vwap = volume-weighted
 * vwap (NaN if a bar with volume has no vwap, or total volume is 0), trades = sum (NaN if any is unknown).
 */
export class BarAccumulator {
  ts = Number.NaN;
  open = Number.NaN;
  high = Number.NaN;
  low = Number.NaN;
  close = Number.NaN;
  volume = 0;
  /** Σ vwap × volume of the bars with a known vwap. */
  pv = 0;
  vwapKnown = true;
  trades = 0;
  tradesKnown = true;
  count = 0;

  /** Start a bucket with its first bar. */
  reset(bucket: number, open: number, high: number, low: number): void {
    this.ts = bucket;
    this.open = open;
    this.high = high;
    this.low = low;
    this.close = Number.NaN;
    this.volume = 0;
    this.pv = 0;
    this.vwapKnown = true;
    this.trades = 0;
    this.tradesKnown = true;
    this.count = 0;
  }

  /** Merge the next bar (in time order) of the bucket; the first one must come through reset() first. */
  add(high: number, low: number, close: number, volume: number, vwap: number, trades: number): void {
    if (this.count > 0) {
      if (high > this.high) this.high = high;
      if (low < this.low) this.low = low;
    }
    this.count++;
    this.close = close;
    this.volume += volume;
    // A bar without volume carries no weight, so its (possibly unknown) vwap does not matter.
    if (Number.isNaN(vwap)) {
      if (volume > 0) this.vwapKnown = false;
    } else this.pv += vwap * volume;
    if (Number.isNaN(trades)) this.tradesKnown = false;
    else this.trades += trades;
  }

  vwap(): number {
    return this.vwapKnown && this.volume > 0 ? this.pv / this.volume : Number.NaN;
  }

  tradeCount(): number {
    return this.tradesKnown ? this.trades : Number.NaN;
  }

  copyFrom(o: BarAccumulator): this {
    this.ts = o.ts;
    this.open = o.open;
    this.high = o.high;
    this.low = o.low;
    this.close = o.close;
    this.volume = o.volume;
    this.pv = o.pv;
    this.vwapKnown = o.vwapKnown;
    this.trades = o.trades;
    this.tradesKnown = o.tradesKnown;
    this.count = o.count;
    return this;
  }
}

/**
 * Aggregate bars into a higher timeframe with BarAccumulator's rules. Input may be unsorted or contain
 * duplicates. This is THE aggregation: the SQL rollup (server/services/bars) implements the same
 * semantics and is tested against it; the live builder uses the same accumulator.
 */
export function aggregate(input: BarColumns, target: Timeframe): BarColumns {
  const c = normalizeOrder(input);
  const out = emptyColumns(c.length);
  const acc = new BarAccumulator();
  let n = -1;
  const flush = () => {
    if (n < 0) return;
    out.high[n] = acc.high;
    out.low[n] = acc.low;
    out.close[n] = acc.close;
    out.volume[n] = acc.volume;
    out.vwap[n] = acc.vwap();
    out.trades[n] = acc.tradeCount();
  };
  for (let i = 0; i < c.length; i++) {
    const b = bucketStart(c.ts[i]!, target);
    if (b !== acc.ts) {
      flush();
      n++;
      acc.reset(b, c.open[i]!, c.high[i]!, c.low[i]!);
      out.ts[n] = b;
      out.open[n] = c.open[i]!;
    }
    acc.add(c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!, c.vwap[i]!, c.trades[i]!);
  }
  flush();
  out.length = n + 1;
  return out;
}

/** True when `lower` can be aggregated into `higher` (bucket widths divide). */
export function canAggregate(lower: Timeframe, higher: Timeframe): boolean {
  return TIMEFRAME_MS[higher] > TIMEFRAME_MS[lower] && TIMEFRAME_MS[higher] % TIMEFRAME_MS[lower] === 0;
}
