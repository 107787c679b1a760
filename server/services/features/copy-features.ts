import { copyHeader, copyTrailer } from "../bars/copy-binary";
import { writeTimestamptz } from "../bars/pg-binary";

const FLOAT4_OID = 700;

export const FEATURE_COPY_COLUMNS = "feature_set, timeframe, symbol, ts, values";

/**
 * One symbol's feature rows, feature-major like lib/features' FeatureMatrix: feature f of row i is
 * values[f · length + i].
 */
export interface FeatureRows {
  symbol: string;
  ts: Float64Array;
  values: Float64Array;
  width: number;
  length: number;
  /** Rows to write: [start, end). */
  start: number;
  end: number;
}

/**
 * Binary COPY tuples for feature_values: (set text, timeframe text, symbol text, ts timestamptz,
 * values real[]). real[] in binary: ndim, has-null flag, element oid, then length and lower bound of the
 * one dimension, then each float4 with its length word. NaN is stored as NaN.
 */
export function* encodeFeatureCopy(featureSet: string, timeframe: string, rows: readonly FeatureRows[], chunkRows = 10_000): Generator<Buffer> {
  yield copyHeader();
  const setB = Buffer.from(featureSet, "utf8");
  const tfB = Buffer.from(timeframe, "utf8");
  for (const r of rows) {
    const symB = Buffer.from(r.symbol, "utf8");
    const arrBytes = 20 + r.width * 8;
    const rowBytes = 2 + 4 + setB.length + 4 + tfB.length + 4 + symB.length + 12 + 4 + arrBytes;
    for (let s = r.start; s < r.end; s += chunkRows) {
      const e = Math.min(r.end, s + chunkRows);
      const buf = Buffer.allocUnsafe(rowBytes * (e - s));
      let o = 0;
      for (let i = s; i < e; i++) {
        buf.writeInt16BE(5, o);
        o += 2;
        for (const b of [setB, tfB, symB]) {
          buf.writeInt32BE(b.length, o);
          o += 4;
          o += b.copy(buf, o);
        }
        buf.writeInt32BE(8, o);
        writeTimestamptz(buf, r.ts[i]!, o + 4);
        o += 12;
        buf.writeInt32BE(arrBytes, o);
        buf.writeInt32BE(1, o + 4); // ndim
        buf.writeInt32BE(0, o + 8); // no nulls
        buf.writeInt32BE(FLOAT4_OID, o + 12);
        buf.writeInt32BE(r.width, o + 16);
        buf.writeInt32BE(1, o + 20); // lower bound
        o += 24;
        for (let f = 0; f < r.width; f++) {
          buf.writeInt32BE(4, o);
          buf.writeFloatBE(r.values[f * r.length + i]!, o + 4);
          o += 8;
        }
      }
      yield buf.subarray(0, o);
    }
  }
  yield copyTrailer();
}
