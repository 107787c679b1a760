/**
 * Bars as a struct of typed arrays (one symbol, one timeframe, ascending ts). Hot paths use this;
 * arrays of bar objects exist only at the edges (JSON, UI).
 * ts is the bar OPEN time in epoch milliseconds, UTC.
 */
export interface BarColumns {
  length: number;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** Volume-weighted average price; NaN when unknown. */
  vwap: Float64Array;
  /** Number of trades; NaN when unknown. */
  trades: Float64Array;
}

export interface Bar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number;
  trades: number;
}

export const BAR_FIELDS = ["ts", "open", "high", "low", "close", "volume", "vwap", "trades"] as const;

export function emptyColumns(capacity = 0): BarColumns {
  return {
    length: 0,
    ts: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
    vwap: new Float64Array(capacity),
    trades: new Float64Array(capacity),
  };
}

/** View of the first `length` rows (no copy). */
export function sliceColumns(c: BarColumns, start: number, end: number): BarColumns {
  return {
    length: Math.max(0, end - start),
    ts: c.ts.subarray(start, end),
    open: c.open.subarray(start, end),
    high: c.high.subarray(start, end),
    low: c.low.subarray(start, end),
    close: c.close.subarray(start, end),
    volume: c.volume.subarray(start, end),
    vwap: c.vwap.subarray(start, end),
    trades: c.trades.subarray(start, end),
  };
}

export function columnsFromBars(bars: readonly Bar[]): BarColumns {
  const c = emptyColumns(bars.length);
  c.length = bars.length;
  bars.forEach((b, i) => {
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
    c.vwap[i] = b.vwap;
    c.trades[i] = b.trades;
  });
  return c;
}

export function barsFromColumns(c: BarColumns): Bar[] {
  const out: Bar[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) {
    out[i] = {
      ts: c.ts[i]!,
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: c.close[i]!,
      volume: c.volume[i]!,
      vwap: c.vwap[i]!,
      trades: c.trades[i]!,
    };
  }
  return out;
}

/** Concatenate column sets (e.g. pages from a provider). */
export function concatColumns(parts: readonly BarColumns[]): BarColumns {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = emptyColumns(n);
  out.length = n;
  let o = 0;
  for (const p of parts) {
    for (const f of BAR_FIELDS) out[f].set(p[f].subarray(0, p.length), o);
    o += p.length;
  }
  return out;
}

/** The rows whose `keep` flag is 1, as new columns (the input is untouched). */
export function filterColumns(c: BarColumns, keep: Uint8Array): BarColumns {
  let n = 0;
  for (let i = 0; i < c.length; i++) n += keep[i] ? 1 : 0;
  const out = emptyColumns(n);
  const src = [c.ts, c.open, c.high, c.low, c.close, c.volume, c.vwap, c.trades];
  const dst = [out.ts, out.open, out.high, out.low, out.close, out.volume, out.vwap, out.trades];
  let j = 0;
  for (let i = 0; i < c.length; i++) {
    if (!keep[i]) continue;
    for (let k = 0; k < 8; k++) dst[k]![j] = src[k]![i]!;
    j++;
  }
  out.length = n;
  return out;
}
