import { factorsAt, type AdjustmentStep } from "@/lib/bars/adjust";
import { emptyColumns, sliceColumns, type BarColumns } from "@/lib/bars/columns";
import { TIMEFRAME_MS, type Timeframe } from "@/lib/bars/timeframe";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { DAY_CHUNK_TIMEFRAMES, daysOf, MAX_CHUNK_DAYS, readDayChunks } from "./day-chunks";
import { copyOut, PG_EPOCH_MS, TWO32 } from "./pg-binary";
import { barView } from "./rollup-bars";

export const MAX_BARS_PER_PAGE = 5_000;
const MAX_BARS_PER_QUERY = 50_000;
/** Bounds of `from`/`to` (epoch ms): 1900-01-01 … 2200-01-01 UTC. Wider values are not dates Postgres or Date take. */
export const MIN_BAR_TS_MS = Date.UTC(1900, 0, 1);
export const MAX_BAR_TS_MS = Date.UTC(2200, 0, 1);

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

export interface GetBarsOptions {
  symbol: string;
  timeframe: Timeframe;
  /** Inclusive lower bound (epoch ms). */
  from?: number;
  /** Exclusive upper bound (epoch ms); the page holds the newest bars before it. */
  to?: number;
  limit?: number;
  /** Apply corporate-action adjustment (prices × factor, volume ÷ split factor). */
  adjusted?: boolean;
  /** Use the day-chunk cache where the request qualifies (default true; false reads Postgres only). */
  cache?: boolean;
}

/**
 * Up to `limit` bars of one symbol, newest before `to`, returned in ascending time order as columns.
 * Paginate backwards by passing the first returned ts as the next `to`.
 * Read with a binary COPY (no text parsing of timestamps and floats, ~3× faster than row parsing);
 * intraday ranges with a `from` (up to MAX_CHUNK_DAYS days) go through the day-chunk cache in Redis
 * (day-chunks.ts) and read only the days it lacks. Adjustment factors are a short step function
 * applied in memory (lib/bars/adjust).
 */
export async function getBars(opts: GetBarsOptions): Promise<BarColumns> {
  for (const [name, v] of [["from", opts.from], ["to", opts.to]] as const) {
    if (v !== undefined && !(v >= MIN_BAR_TS_MS && v <= MAX_BAR_TS_MS)) {
      throw new AppError("BAD_REQUEST", { userMessage: `${name} must be a time in epoch ms between ${MIN_BAR_TS_MS} (1900-01-01) and ${MAX_BAR_TS_MS} (2200-01-01)` });
    }
  }
  const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? 1_000)), MAX_BARS_PER_QUERY);
  const from = opts.from ?? 0;
  const to = opts.to ?? Number.POSITIVE_INFINITY;
  const sql = db().$client;
  const [c, steps] = await Promise.all([
    (opts.cache !== false ? readChunked(opts.symbol, opts.timeframe, from, to, limit) : undefined) ?? readRange(opts.symbol, opts.timeframe, from, to, limit),
    opts.adjusted
      ? sql<{ t: number; pf: number; vf: number }[]>`select (extract(epoch from ts) * 1000)::float8 as t, price_factor as pf, volume_factor as vf from adjustment_factors where symbol = ${opts.symbol} order by ts`
      : Promise.resolve([]),
  ]);
  if (opts.adjusted && steps.length > 0) {
    const s: AdjustmentStep[] = steps.map((r) => ({ ts: r.t, priceFactor: r.pf, volumeFactor: r.vf }));
    const pf = factorsAt(s, c.ts.subarray(0, c.length), "price");
    const vf = factorsAt(s, c.ts.subarray(0, c.length), "volume");
    for (let i = 0; i < c.length; i++) {
      const f = pf[i]!;
      c.open[i] = c.open[i]! * f;
      c.high[i] = c.high[i]! * f;
      c.low[i] = c.low[i]! * f;
      c.close[i] = c.close[i]! * f;
      c.vwap[i] = c.vwap[i]! * f;
      c.volume[i] = c.volume[i]! / vf[i]!;
    }
  }
  return c;
}

/** The newest `limit` raw bars in [from, to), ascending, from Postgres. */
async function readRange(symbol: string, timeframe: Timeframe, from: number, to: number, limit: number): Promise<BarColumns> {
  const iso = (ms: number, dflt: string) => (Number.isFinite(ms) ? new Date(ms).toISOString() : dflt);
  // COPY takes no bind parameters: the values below are an escaped literal and two ISO timestamps.
  // Newest first straight off the (symbol, ts) index; reversed in memory (no second sort in the server).
  const query = `copy (select ts, open, high, low, close, volume, vwap, trades from ${barView(timeframe)}
      where symbol = ${literal(symbol)} and ts >= ${literal(iso(from, "1970-01-01T00:00:00Z"))} and ts < ${literal(iso(to, "9999-12-31T00:00:00Z"))}
      order by ts desc limit ${limit}) to stdout (format binary)`;
  const chunks: Buffer[] = [];
  await copyOut(db().$client, query, (ch) => chunks.push(ch));
  return reverseColumns(decodeBars(Buffer.concat(chunks)));
}

/**
 * The same result as readRange, through the day-chunk cache: whole UTC days from the cache, the days it
 * lacks from Postgres in one range read (then cached if they have ended), cut to [from, to) and the
 * newest `limit`. Undefined (not a promise) when the request does not qualify, null-safe when Redis fails.
 */
function readChunked(symbol: string, timeframe: Timeframe, from: number, to: number, limit: number): Promise<BarColumns> | undefined {
  if (!DAY_CHUNK_TIMEFRAMES.includes(timeframe) || !(from > 0)) return undefined;
  const end = Math.min(to, Date.now() + 86_400_000);
  const days = daysOf(from, end);
  if (days.length === 0 || days.length > MAX_CHUNK_DAYS) return undefined;
  return (async () => {
    const cached = await readDayChunks(timeframe, symbol, days);
    if (!cached) return readRange(symbol, timeframe, from, to, limit);
    const parts = cached.chunks;
    const missing = days.filter((_, i) => !parts[i]);
    if (missing.length > 0) {
      const lo = missing[0]!;
      const hi = missing[missing.length - 1]! + 86_400_000;
      // Whole days, never cut by a limit (at most one bar per bucket of the day): complete chunks only.
      const read = await readRange(symbol, timeframe, lo, hi, ((hi - lo) / TIMEFRAME_MS[timeframe]) | 0);
      const stores: Promise<void>[] = [];
      let i = 0;
      days.forEach((d, k) => {
        if (d < lo || d >= hi) return;
        const start = i;
        while (i < read.length && read.ts[i]! < d + 86_400_000) i++;
        if (parts[k]) return; // cached meanwhile: keep the cached copy (same data or newer)
        parts[k] = sliceColumns(read, start, i);
        stores.push(cached.store(d, parts[k]!));
      });
      // Stored in the background: the caller does not wait for the cache.
      void Promise.all(stores).catch(() => undefined);
    }
    // Concatenate, cut to [from, to), keep the newest `limit`.
    let total = 0;
    for (const p of parts) total += p!.length;
    const out = emptyColumns(total);
    let n = 0;
    for (const p of parts) {
      for (let j = 0; j < p!.length; j++) {
        const t = p!.ts[j]!;
        if (t < from || t >= to) continue;
        out.ts[n] = t;
        out.open[n] = p!.open[j]!;
        out.high[n] = p!.high[j]!;
        out.low[n] = p!.low[j]!;
        out.close[n] = p!.close[j]!;
        out.volume[n] = p!.volume[j]!;
        out.vwap[n] = p!.vwap[j]!;
        out.trades[n] = p!.trades[j]!;
        n++;
      }
    }
    return sliceColumns(out, Math.max(0, n - limit), n);
  })();
}

/** Reverse every column in place (descending → ascending time). */
function reverseColumns(c: BarColumns): BarColumns {
  for (const col of [c.ts, c.open, c.high, c.low, c.close, c.volume, c.vwap, c.trades]) col.subarray(0, c.length).reverse();
  return c;
}

/** Decode a binary COPY of (ts, open, high, low, close, volume, vwap, trades) into columns. */
export function decodeBars(buf: Buffer): BarColumns {
  // A tuple is at least 2 + 8 × 4 + 6 × 8 bytes (nullable vwap/trades may be shorter: over-allocate).
  const cap = Math.max(0, Math.ceil(buf.length / 74));
  const c = emptyColumns(cap);
  let o = 19; // signature (11) + flags (4) + header extension length (4, always 0)
  let n = 0;
  const cols = [c.open, c.high, c.low, c.close, c.volume, c.vwap];
  while (o + 2 <= buf.length) {
    const fields = buf.readInt16BE(o);
    o += 2;
    if (fields === -1) break;
    o += 4; // ts length (8)
    c.ts[n] = (buf.readInt32BE(o) * TWO32 + buf.readUInt32BE(o + 4)) / 1000 + PG_EPOCH_MS;
    o += 8;
    for (const col of cols) {
      const len = buf.readInt32BE(o);
      o += 4;
      if (len === -1) col[n] = Number.NaN;
      else {
        col[n] = buf.readDoubleBE(o);
        o += 8;
      }
    }
    const tl = buf.readInt32BE(o);
    o += 4;
    if (tl === -1) c.trades[n] = Number.NaN;
    else {
      c.trades[n] = buf.readInt32BE(o) * TWO32 + buf.readUInt32BE(o + 4);
      o += 8;
    }
    n++;
  }
  // Exact-length views, so consumers that read typed-array lengths see no spare capacity.
  return sliceColumns(c, 0, n);
}
