import type { TransactionSql } from "postgres";
import type { BarColumns } from "@/lib/bars/columns";
import { copyIn, writeInt64, writeTimestamptz } from "./pg-binary";

/**
 * PostgreSQL binary COPY encoding for bar rows:
 * (symbol text, ts timestamptz, open, high, low, close, volume, vwap float8, trades int8, source text).
 * Binary COPY avoids formatting and parsing text timestamps and floats: the hot path is memcpy-like.
 */
export const BAR_COPY_COLUMNS = "symbol, ts, open, high, low, close, volume, vwap, trades, source";

const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

export function copyHeader(): Buffer {
  const b = Buffer.alloc(19);
  SIGNATURE.copy(b, 0);
  b.writeInt32BE(0, 11); // flags
  b.writeInt32BE(0, 15); // header extension length
  return b;
}

export function copyTrailer(): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(-1, 0);
  return b;
}

export interface CopyBatch {
  symbol: string;
  bars: BarColumns;
  /** Rows to include (1) or skip (0); all rows when absent. */
  keep?: Uint8Array;
}

/**
 * Encode rows in chunks of about `chunkRows` rows. Each yielded Buffer is a run of complete tuples;
 * wrap with copyHeader()/copyTrailer().
 */
export function* encodeBarTuples(batches: readonly CopyBatch[], source: string, chunkRows = 20_000): Generator<Buffer> {
  const src = Buffer.from(source, "utf8");
  // Fixed part per row: 2 (field count) + 10 length words + 7 float8 + int8 trades + ts.
  const fixed = 2 + 10 * 4 + 8 * 8 + src.length;
  for (const { symbol, bars, keep } of batches) {
    const sym = Buffer.from(symbol, "utf8");
    const rowMax = fixed + sym.length + 8;
    for (let start = 0; start < bars.length; start += chunkRows) {
      const end = Math.min(bars.length, start + chunkRows);
      const buf = Buffer.allocUnsafe(rowMax * (end - start));
      let o = 0;
      for (let i = start; i < end; i++) {
        if (keep && !keep[i]) continue;
        buf.writeInt16BE(10, o);
        o += 2;
        buf.writeInt32BE(sym.length, o);
        o += 4;
        o += sym.copy(buf, o);
        buf.writeInt32BE(8, o);
        writeTimestamptz(buf, bars.ts[i]!, o + 4);
        o += 12;
        for (const col of [bars.open, bars.high, bars.low, bars.close, bars.volume]) {
          buf.writeInt32BE(8, o);
          buf.writeDoubleBE(col[i]!, o + 4);
          o += 12;
        }
        const vwap = bars.vwap[i]!;
        if (Number.isFinite(vwap)) {
          buf.writeInt32BE(8, o);
          buf.writeDoubleBE(vwap, o + 4);
          o += 12;
        } else {
          buf.writeInt32BE(-1, o);
          o += 4;
        }
        const trades = bars.trades[i]!;
        if (Number.isFinite(trades)) {
          buf.writeInt32BE(8, o);
          writeInt64(buf, Math.round(trades), o + 4);
          o += 12;
        } else {
          buf.writeInt32BE(-1, o);
          o += 4;
        }
        buf.writeInt32BE(src.length, o);
        o += 4;
        o += src.copy(buf, o);
      }
      if (o > 0) yield buf.subarray(0, o);
    }
  }
}

/** Binary COPY of bar tuples into `table` (a bar table or a staging copy of one); see copyIn for failures. */
export function copyBars(tx: TransactionSql, table: string, tuples: Iterable<Buffer>): Promise<void> {
  return copyIn(
    tx,
    `copy ${table} (${BAR_COPY_COLUMNS}) from stdin (format binary)`,
    (function* () {
      yield copyHeader();
      yield* tuples;
      yield copyTrailer();
    })(),
  );
}
