import type { TransactionSql } from "postgres";
import { filterColumns, type BarColumns } from "@/lib/bars/columns";
import { higherTimeframes, type Timeframe } from "@/lib/bars/timeframe";
import { calendarForAsset } from "@/lib/calendar";
import { checkBars, type DqFinding } from "@/lib/quality/check-bars";
import { db } from "../../db";
import { copyBars, encodeBarTuples, type CopyBatch } from "./copy-binary";
import { bumpDataVersion, type DataScope } from "./data-version";
import { invalidateDayChunks } from "./day-chunks";
import { isCopyConflict } from "./pg-binary";
import { aggregateLevels, barTable, refreshRollups, refreshVendorRollups, rollupBars, rollupFresh, storageModeOf } from "./rollup-bars";
import { recordDqFindings } from "./record-dq-findings";

export interface WriteBarsBatch {
  symbol: string;
  bars: BarColumns;
  /** Asset class decides the calendar for quality checks (default stock → NYSE). */
  assetClass?: string;
  /** Days (UTC midnight) with corporate actions, so their returns are not flagged as spikes. */
  actionDays?: ReadonlySet<number>;
}

export interface WriteBarsOptions {
  timeframe: Timeframe;
  source: string;
  batches: WriteBarsBatch[];
  runId?: string | null;
  /** Clock for the future-timestamp rule (injectable for tests). */
  now?: number;
  /** Skip quality checks (only for trusted, already-validated data such as benchmarks' raw path). */
  trusted?: boolean;
  /** Rebuild higher timeframes from these bars (default true). */
  rollup?: boolean;
  /**
   * Replace a stored row only when its source is one of these (default: any row). A replay passes its
   * own source: it fills what is not stored and never rewrites a vendor's or a live feed's bars.
   */
  replaceSources?: readonly string[];
}

export interface WriteBarsResult {
  rowsIn: number;
  /** Rows inserted or changed (an identical re-upsert changes nothing). */
  rowsOut: number;
  rowsQuarantined: number;
  findings: (DqFinding & { symbol: string })[];
  path: { direct: number; upsert: number };
  /** Derived rows written per timeframe by the rollup (plain PostgreSQL, or above a vendor's own timeframe). */
  rollup: Record<string, number>;
}

/** A batch on its way into the table: raw ts range until checked, then the kept rows' range. */
interface PendingBatch extends CopyBatch {
  assetClass?: string;
  actionDays?: ReadonlySet<number>;
  lo: number;
  hi: number;
  checked: boolean;
  /** Higher-timeframe aggregates of the kept bars, built while the COPY streams (fresh path only). */
  levels?: BarColumns[];
}

/** [min, max] ts of the (kept) rows; [+∞, −∞] when none. */
function tsRange(bars: BarColumns, keep?: Uint8Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < bars.length; i++) {
    if (keep && !keep[i]) continue;
    const t = bars.ts[i]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

/**
 * Validate, then store bars idempotently keyed by (symbol, ts):
 * - bad bars are quarantined in data_quality_issues with their rule and values; good bars of the same
 *   batch are stored;
 * - symbols whose range holds no rows yet are COPYed straight into the table (binary COPY);
 * - otherwise COPY into a temporary staging table, then one set-based upsert that only touches rows
 *   whose values changed;
 * - then the higher timeframes are rebuilt where something changed: in memory with lib/bars/aggregate for
 *   fresh ranges, in SQL (same semantics) for the changed spans of overlapping ranges. Under TimescaleDB
 *   the rollups of 1m are continuous aggregates instead, refreshed over the written window once the
 *   write has committed, before the caches hear of it.
 */
export async function writeBars(opts: WriteBarsOptions): Promise<WriteBarsResult> {
  const now = opts.now ?? Date.now();
  const table = barTable(opts.timeframe);
  const findings: WriteBarsResult["findings"] = [];
  const copyBatches: PendingBatch[] = [];
  let rowsIn = 0;
  let rowsQuarantined = 0;
  // Quality checks run lazily, per symbol, while the COPY streams the previous symbols (the server
  // ingests while the client checks). Until then lo/hi span the raw timestamps: a wider range only
  // sends more symbols down the (always correct) upsert path.
  const check = (b: PendingBatch) => {
    if (b.checked) return;
    b.checked = true;
    if (opts.trusted) return;
    const r = checkBars(b.bars, { timeframe: opts.timeframe, calendar: calendarForAsset(b.assetClass ?? "stock"), now, actionDays: b.actionDays });
    b.keep = r.keep;
    for (const f of r.findings) findings.push({ ...f, symbol: b.symbol });
    rowsQuarantined += r.findings.filter((f) => f.quarantined).length;
    [b.lo, b.hi] = tsRange(b.bars, b.keep);
  };
  for (const b of opts.batches) {
    rowsIn += b.bars.length;
    const [lo, hi] = tsRange(b.bars);
    if (lo <= hi) copyBatches.push({ symbol: b.symbol, bars: b.bars, assetClass: b.assetClass, actionDays: b.actionDays, lo, hi, checked: false });
  }
  const wantRollup = opts.rollup !== false && opts.timeframe !== "1d";
  const continuous = wantRollup && opts.timeframe === "1m" && (await storageModeOf(db().$client)) === "timescaledb";
  const rollup = wantRollup && !continuous;
  // On the fresh path the rollup's in-memory aggregates are built here too, batch by batch, while the
  // server is still ingesting the COPY: the client would otherwise build them after it, server idle.
  const copyInto = (tx: TransactionSql, target: string, batches: PendingBatch[], aggregates = false) =>
    copyBars(
      tx,
      target,
      (function* () {
        for (const b of batches) {
          check(b);
          yield* encodeBarTuples([b], opts.source);
          if (aggregates && b.lo <= b.hi) b.levels = aggregateLevels(b.keep ? filterColumns(b.bars, b.keep) : b.bars, opts.timeframe);
        }
      })(),
    );

  const result: WriteBarsResult = { rowsIn, rowsOut: 0, rowsQuarantined: 0, findings, path: { direct: 0, upsert: 0 }, rollup: {} };
  const addRollup = (r: Record<string, number>) => {
    for (const [k, v] of Object.entries(r)) result.rollup[k] = (result.rollup[k] ?? 0) + v;
  };
  // The kept rows' symbols and time window (valid once every batch was checked, i.e. after the COPY).
  const writtenWindow = () => {
    const kept = copyBatches.filter((b) => b.lo <= b.hi);
    if (kept.length === 0) return null;
    return { symbols: [...new Set(kept.map((b) => b.symbol))], lo: Math.min(...kept.map((b) => b.lo)), hi: Math.max(...kept.map((b) => b.hi)) };
  };
  // Bars the vendor tables hold that were rolled up from a vendor's lower timeframe read the rollup of 1m
  // where the vendor has no bar: rebuilt over the written window once the rollups of 1m are current.
  const refreshAbove = async (tx: TransactionSql, w: NonNullable<ReturnType<typeof writtenWindow>>) =>
    addRollup(await refreshVendorRollups(tx, w.symbols, w.lo, w.hi + 1));
  let written: ReturnType<typeof writtenWindow> = null;
  if (copyBatches.length > 0) {
    written = await db().$client.begin(async (tx) => {
      // Which symbols already have rows in the range being written?
      const existing = await tx<{ symbol: string }[]>`
        select s.symbol
        from unnest(${tx.array(copyBatches.map((b) => b.symbol))}::text[],
                    ${tx.array(copyBatches.map((b) => new Date(b.lo).toISOString()))}::timestamptz[],
                    ${tx.array(copyBatches.map((b) => new Date(b.hi).toISOString()))}::timestamptz[]) as s(symbol, lo, hi)
        where exists (select 1 from ${tx(table)} b where b.symbol = s.symbol and b.ts >= s.lo and b.ts <= s.hi)`;
      const overlap = new Set(existing.map((r) => r.symbol));
      const fresh = copyBatches.filter((b) => !overlap.has(b.symbol));
      const stale = copyBatches.filter((b) => overlap.has(b.symbol));
      const count = (bs: CopyBatch[]) => bs.reduce((a, b) => a + (b.keep ? b.keep.reduce((x, k) => x + k, 0) : b.bars.length), 0);
      let directBatches: typeof fresh = [];
      if (fresh.length > 0) {
        try {
          await copyInto(tx, table, fresh, rollup && opts.timeframe === "1m");
          result.path.direct = count(fresh);
          result.rowsOut += result.path.direct;
          directBatches = fresh;
        } catch (err) {
          // A concurrent writer got there first: fall back to the upsert path for these symbols
          // (copyBars rolled its savepoint back).
          if (!isCopyConflict(err)) throw err;
          stale.push(...fresh);
        }
      }
      if (stale.length > 0) {
        await tx.unsafe(`create temp table stage_bars (like ${table} including defaults) on commit drop`);
        await copyInto(tx, "stage_bars", stale);
        // Only rows whose values changed are written; their span per symbol drives the rollup.
        const changed = await tx.unsafe<{ symbol: string; lo: string; hi: string }[]>(
          `with up as (
             insert into ${table} as b select * from stage_bars
             on conflict (symbol, ts) do update set
               open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
               volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades, source = excluded.source
             where (b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trades, b.source)
                   is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume, excluded.vwap, excluded.trades, excluded.source)
                   ${opts.replaceSources ? "and b.source = any($1::text[])" : ""}
             returning b.symbol, b.ts)
           select symbol, (extract(epoch from min(ts)) * 1000)::text as lo, (extract(epoch from max(ts)) * 1000)::text as hi, count(*)::int as n
           from up group by symbol`,
          opts.replaceSources ? [tx.array([...opts.replaceSources])] : [],
        );
        result.path.upsert = count(stale);
        result.rowsOut += changed.reduce((a, r) => a + Number((r as unknown as { n: number }).n), 0);
        if (rollup) {
          for (const c of changed) {
            addRollup(await rollupBars(tx, { symbols: [c.symbol], from: Number(c.lo), to: Number(c.hi) + 1, fromTimeframe: opts.timeframe }));
          }
        }
      }
      if (rollup && directBatches.length > 0) {
        // Built from the stored bars only: quarantined ones are not used downstream.
        const stored = directBatches.filter((b) => b.lo <= b.hi);
        if (opts.timeframe === "1m") {
          addRollup(await rollupFresh(tx, { batches: stored.map((b) => ({ symbol: b.symbol, lo: b.lo, hi: b.hi, levels: b.levels! })), fromTimeframe: "1m" }));
        } else {
          // Above a vendor's own timeframe the rollup also reads what lies beside the batch (the rollup
          // of 1m where the vendor has no bar): in SQL.
          for (const b of stored) {
            addRollup(await rollupBars(tx, { symbols: [b.symbol], from: b.lo, to: b.hi + 1, fromTimeframe: opts.timeframe }));
          }
        }
      }
      const w = writtenWindow();
      if (rollup && opts.timeframe === "1m" && result.rowsOut > 0 && w) await refreshAbove(tx, w);
      return w;
    });
  }
  result.rowsQuarantined = rowsQuarantined;
  const w = written; // a const for the closure below
  if (continuous && result.rowsOut > 0 && w) {
    await refreshRollups(db().$client, w.lo, w.hi + 1, now);
    await db().$client.begin((tx) => refreshAbove(tx, w));
  }
  // Committed: tell the caches what changed (rolled-up timeframes included; day chunks by day).
  const changed: DataScope[] = result.rowsOut > 0 ? [`bars:${opts.timeframe}`] : [];
  for (const [tf, n] of Object.entries(result.rollup)) if (n > 0) changed.push(`bars:${tf as Timeframe}`);
  // Under TimescaleDB every level reads the new 1m rows (materialized now, or real-time).
  if (continuous && result.rowsOut > 0) for (const tf of higherTimeframes("1m")) changed.push(`bars:${tf}`);
  await Promise.all([
    invalidateDayChunks(
      [opts.timeframe, ...(opts.rollup !== false ? higherTimeframes(opts.timeframe) : [])],
      copyBatches.map((b) => ({ symbol: b.symbol, lo: b.lo, hi: b.hi })),
    ),
    bumpDataVersion(changed),
  ]);
  if (findings.length > 0) await recordDqFindings({ timeframe: opts.timeframe, runId: opts.runId ?? null, findings });
  return result;
}
