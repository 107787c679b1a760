import { factorsAt, type AdjustmentStep } from "@/lib/bars/adjust";
import { emptyColumns, type BarColumns } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";
import { computeFeatures, FeatureContext, fillCrossSectional, type FeatureMatrix } from "@/lib/features";
import { db } from "../../db";
import { readDataVersion, type DataScope } from "../bars/data-version";
import { copyOut, PG_EPOCH_MS, TWO32 } from "../bars/pg-binary";
import { barView } from "../bars/rollup-bars";

export interface ScanData {
  timeframe: Timeframe;
  symbols: string[];
  meta: { assetClass: string[]; exchange: string[]; sector: string[] };
  /** Adjusted ts/OHLCV; vwap and trades are NaN (nothing a scan computes reads them, so they are not loaded). */
  bars: BarColumns[];
  /** Lazily computed feature matrices (core-v1), same order as symbols. */
  features: FeatureMatrix[] | null;
  barsPerSymbol: number;
  loadedAt: number;
  /** Data version (bars of the timeframe, universe, adjustments) read before the load; null if unknown. */
  version: string | null;
  source: "postgres" | "cache";
}

/** Backstop for writes that bypass the data versions (e.g. manual SQL): reload at least this often. */
const TTL_MS = 5 * 60_000;
/** Concurrent COPY readers for a cold load (each on its own reserved connection of the 10-connection pool). */
const COPY_READERS = 2;
/** Below this many symbols per reader, one reader is enough. */
const MIN_SYMBOLS_PER_READER = 500;
const g = globalThis as unknown as {
  __mssScanData?: Map<string, ScanData>;
  /** Cold loads in flight per timeframe: concurrent callers share one. */
  __mssScanLoading?: Map<string, { barsPerSymbol: number; promise: Promise<ScanData> }>;
};

/**
 * The scanner's warm data: for every active symbol, its latest `barsNeeded` adjusted bars of a
 * timeframe (and, on demand, core-v1 features computed from them, cross-sections included). Kept in
 * process memory and reloaded from Postgres when a writer has changed the timeframe's bars, the universe
 * or the adjustments since (data versions in Redis, one MGET), when a deeper history is needed, or
 * after TTL_MS.
 * A cold load reads every symbol's bars and adjustment steps with one set-based binary COPY per reader
 * (see scanCopyQuery); concurrent cold calls share one load.
 */
export async function loadScanData(opts: { timeframe: Timeframe; barsNeeded: number; withFeatures: boolean }): Promise<ScanData> {
  g.__mssScanData ??= new Map();
  g.__mssScanLoading ??= new Map();
  const cached = g.__mssScanData.get(opts.timeframe);
  let data: ScanData | undefined;
  if (cached && cached.version !== null && cached.barsPerSymbol >= opts.barsNeeded && Date.now() - cached.loadedAt < TTL_MS) {
    if ((await readDataVersion(scopesOf(opts.timeframe))) === cached.version) data = { ...cached, source: "cache" };
  }
  if (!data) {
    const barsPerSymbol = Math.max(opts.barsNeeded, cached?.barsPerSymbol ?? 0, 300);
    let load = g.__mssScanLoading.get(opts.timeframe);
    if (!load || load.barsPerSymbol < barsPerSymbol) {
      const started: { barsPerSymbol: number; promise: Promise<ScanData> } = {
        barsPerSymbol,
        promise: readScanData(opts.timeframe, barsPerSymbol)
          .then((d) => {
            g.__mssScanData?.set(opts.timeframe, d); // the last load to finish is the newest snapshot
            return d;
          })
          .finally(() => {
            if (g.__mssScanLoading?.get(opts.timeframe) === started) g.__mssScanLoading.delete(opts.timeframe);
          }),
      };
      g.__mssScanLoading.set(opts.timeframe, started);
      load = started;
    }
    data = await load.promise; // the stored object itself, source "postgres", like a fresh load
  }
  if (opts.withFeatures && !data.features) {
    const ctx = new FeatureContext();
    const mats = data.bars.map((b) => computeFeatures(b, { set: "core-v1", context: ctx }));
    fillCrossSectional(mats);
    data.features = mats;
    const stored = g.__mssScanData.get(opts.timeframe);
    if (stored && stored.bars === data.bars) stored.features = mats;
  }
  return data;
}

const scopesOf = (timeframe: Timeframe): DataScope[] => [`bars:${timeframe}`, "universe", "adjustments"];

async function readScanData(timeframe: Timeframe, barsPerSymbol: number): Promise<ScanData> {
  const version = await readDataVersion(scopesOf(timeframe)); // before the read: see data-version.ts
  const sql = db().$client;
  const rows = await sql<{ symbol: string; asset_class: string; exchange: string | null; sector: string | null }[]>`
    select s.symbol, s.asset_class, s.exchange, s.sector from symbols s where s.active order by s.symbol`;
  const symbols = rows.map((r) => r.symbol);
  const bars: BarColumns[] = new Array(symbols.length);
  const readers = Math.max(1, Math.min(COPY_READERS, Math.floor(symbols.length / MIN_SYMBOLS_PER_READER)));
  const size = Math.ceil(symbols.length / readers);
  await Promise.all(
    Array.from({ length: readers }, async (_, k) => {
      const lo = k * size;
      const hi = Math.min(symbols.length, lo + size);
      if (lo < hi) {
        const decoder = new ScanCopyDecoder(bars, lo);
        await copyOut(sql, scanCopyQuery(timeframe, symbols.slice(lo, hi), barsPerSymbol), (c) => decoder.push(c));
        decoder.end();
      }
    }),
  );
  for (let i = 0; i < bars.length; i++) bars[i] ??= emptyColumns(0);
  return {
    timeframe,
    symbols,
    meta: { assetClass: rows.map((r) => r.asset_class), exchange: rows.map((r) => r.exchange ?? ""), sector: rows.map((r) => r.sector ?? "") },
    bars,
    features: null,
    barsPerSymbol,
    loadedAt: Date.now(),
    version,
    source: "postgres",
  };
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * One row per symbol (position i in `symbols`, 1-based): its latest `limit` bars (ts and OHLCV) as arrays (newest
 * first: the PK read backwards), and the adjustment steps that apply to them (the step in force at the
 * oldest loaded bar and every later one, ascending) as arrays, NULL when there are none.
 * COPY takes no bind parameters: the symbols are escaped literals, the limit an integer.
 */
function scanCopyQuery(timeframe: Timeframe, symbols: readonly string[], limit: number): string {
  return `copy (
    select s.i::int4, x.ts, x.open, x.high, x.low, x.close, x.volume, f.ts, f.pf, f.vf
    from unnest(array[${symbols.map(literal).join(",")}]::text[]) with ordinality s(symbol, i)
    cross join lateral (
      select array_agg(b.ts) ts, array_agg(b.open) open, array_agg(b.high) high, array_agg(b.low) low, array_agg(b.close) close,
             array_agg(b.volume) volume, min(b.ts) lo
      from (select ts, open, high, low, close, volume from ${barView(timeframe)} b
            where b.symbol = s.symbol order by b.ts desc limit ${Math.max(1, Math.floor(limit))}) b) x
    left join lateral (
      select array_agg(a.ts order by a.ts) ts, array_agg(a.price_factor order by a.ts) pf, array_agg(a.volume_factor order by a.ts) vf
      from adjustment_factors a
      where x.lo is not null and a.symbol = s.symbol
        and a.ts >= coalesce((select max(a2.ts) from adjustment_factors a2 where a2.symbol = s.symbol and a2.ts <= x.lo), '-infinity')) f on true
  ) to stdout (format binary)`;
}

const COPY_HEADER = 19; // signature (11) + flags (4) + header extension length (4, always 0)
/** Fields of a row: symbol position, bars (ts, open, high, low, close, volume), steps (ts, pf, vf). */
const FIELDS = 10;
/** Columns read; vwap and trades are not (no scan field, indicator or feature reads them: they stay NaN). */
const BAR_KINDS = ["ts", "f8", "f8", "f8", "f8", "f8"] as const;

/**
 * Reads one binary array field at `o` (its int32 byte length first) into dst[at + n − 1 − j] (newest
 * first in, ascending out) or, with `forward`, dst[at + j]. Elements are float8, or int8 (timestamps in
 * µs since 2000 when `ts`, else plain integers). NULL elements are NaN. Returns [element count (−1 for
 * a NULL array), offset after the field].
 */
function readArray(dv: DataView, o: number, dst: Float64Array | null, at: number, kind: "f8" | "ts" | "i8", forward: boolean): [number, number] {
  const len = dv.getInt32(o);
  o += 4;
  if (len < 0) return [-1, o];
  const end = o + len;
  const ndim = dv.getInt32(o);
  if (ndim === 0) return [0, end];
  if (ndim !== 1) throw new Error(`scan copy: expected a 1-d array, got ${ndim} dimensions`);
  const n = dv.getInt32(o + 12);
  if (!dst) return [n, end];
  let e = o + 20;
  for (let j = 0; j < n; j++) {
    const el = dv.getInt32(e);
    e += 4;
    let v = Number.NaN;
    if (el === 8) {
      if (kind === "f8") v = dv.getFloat64(e);
      else {
        v = dv.getInt32(e) * TWO32 + dv.getUint32(e + 4);
        if (kind === "ts") v = v / 1000 + PG_EPOCH_MS;
      }
      e += 8;
    } else if (el > 0) e += el;
    dst[forward ? at + j : at + n - 1 - j] = v;
  }
  return [n, end];
}

/** End offset of the row at `o` (from its field lengths), or −1 if it extends past `len`. */
function rowEnd(dv: DataView, o: number, len: number): number {
  let p = o + 2;
  for (let f = 0; f < FIELDS; f++) {
    if (p + 4 > len) return -1;
    p += 4 + Math.max(0, dv.getInt32(p));
  }
  return p <= len ? p : -1;
}

/**
 * Streaming decoder of scanCopyQuery's binary COPY: each complete row becomes `out[base + i − 1]`, ascending
 * columns (views of one allocation per symbol), adjusted in memory exactly as getBars does (prices × price
 * factor, volume ÷ volume factor, from the step function in force at each bar). Rows may span chunks.
 */
class ScanCopyDecoder {
  private pending: Buffer | null = null;
  private started = false;
  private done = false;
  private steps = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];

  constructor(
    private readonly out: BarColumns[],
    private readonly base: number,
  ) {}

  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
    let o = 0;
    if (!this.started) {
      if (buf.length < COPY_HEADER) {
        this.pending = buf;
        return;
      }
      this.started = true;
      o = COPY_HEADER;
    }
    while (!this.done && o + 2 <= buf.length) {
      const fields = dv.getInt16(o);
      if (fields === -1) {
        this.done = true;
        o += 2;
        break;
      }
      if (fields !== FIELDS) throw new Error(`scan copy: expected ${FIELDS} fields, got ${fields}`);
      const end = rowEnd(dv, o, buf.length);
      if (end < 0) break; // the rest of the row comes with the next chunk
      this.row(dv, o);
      o = end;
    }
    this.pending = o < buf.length ? buf.subarray(o) : null;
  }

  end(): void {
    if (!this.done || this.pending) throw new Error("scan copy: output ended in the middle of a row");
  }

  private row(dv: DataView, o: number): void {
    const pos = dv.getInt32(o + 6);
    o += 10; // field count, symbol position (length 4 + int4)
    const [count] = readArray(dv, o, null, 0, "ts", false);
    const n = Math.max(0, count);
    // One allocation per symbol, eight column views (vwap and trades NaN).
    const store = new Float64Array(8 * n);
    store.fill(Number.NaN, BAR_KINDS.length * n);
    const cols = Array.from({ length: 8 }, (_, k) => store.subarray(k * n, (k + 1) * n));
    for (let f = 0; f < BAR_KINDS.length; f++) {
      const [m, next] = readArray(dv, o, cols[f]!, 0, BAR_KINDS[f]!, false);
      if (Math.max(0, m) !== n) throw new Error(`scan copy: column ${f} has ${m} values for ${n} bars`);
      o = next;
    }
    const [ts, open, high, low, close, volume, vwap, trades] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const c: BarColumns = { length: n, ts, open, high, low, close, volume, vwap, trades };
    ensureAscending(c);
    // Adjustment steps (ascending ts), NULL arrays when the symbol has none.
    let steps = 0;
    for (let f = 0; f < 3; f++) {
      const [m] = readArray(dv, o, null, 0, "f8", true);
      if (m > this.steps[f]!.length) this.steps[f] = new Float64Array(m);
      const [, next] = readArray(dv, o, this.steps[f]!, 0, f === 0 ? "ts" : "f8", true);
      if (f === 0) steps = Math.max(0, m);
      o = next;
    }
    if (steps > 0 && n > 0) {
      const [st, pf, vf] = this.steps as [Float64Array, Float64Array, Float64Array];
      const list: AdjustmentStep[] = [];
      for (let j = 0; j < steps; j++) list.push({ ts: st[j]!, priceFactor: pf[j]!, volumeFactor: vf[j]! });
      adjust(c, list);
    }
    this.out[this.base + pos - 1] = c;
  }
}

/** Bars are expected newest-first from the PK; if the server ever returns another order, sort by ts. */
function ensureAscending(c: BarColumns): void {
  let sorted = true;
  for (let i = 1; i < c.length && sorted; i++) sorted = c.ts[i - 1]! < c.ts[i]!;
  if (sorted) return;
  const idx = Array.from({ length: c.length }, (_, i) => i).sort((a, b) => c.ts[a]! - c.ts[b]!);
  for (const col of [c.ts, c.open, c.high, c.low, c.close, c.volume, c.vwap, c.trades]) {
    const copy = col.slice();
    for (let i = 0; i < idx.length; i++) col[i] = copy[idx[i]!]!;
  }
}

/** Same arithmetic as getBars({ adjusted: true }). */
function adjust(c: BarColumns, steps: readonly AdjustmentStep[]): void {
  const pf = factorsAt(steps, c.ts, "price");
  const vf = factorsAt(steps, c.ts, "volume");
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
