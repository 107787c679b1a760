import { describeFeatures, featureSetHash, getFeatureSet } from "@/lib/features";
import { db, redis } from "../../db";
import { latestFeaturesKey } from "./compute-feature-store";

/** The catalog of a feature set: names in storage order, descriptions, groups, lookbacks, hash. */
export function getFeatureCatalog(featureSet: string) {
  const set = getFeatureSet(featureSet);
  return { featureSet: set.id, hash: featureSetHash(set), features: describeFeatures(set) };
}

/** The newest `limit` stored feature vectors of one symbol (oldest first), as named columns. */
export async function getFeatureValues(opts: { symbol: string; timeframe: string; featureSet: string; limit: number }) {
  const set = getFeatureSet(opts.featureSet);
  const rows = await db().$client<{ t: number; values: number[] }[]>`
    select (extract(epoch from ts) * 1000)::float8 as t, values from feature_values
    where feature_set = ${set.id} and timeframe = ${opts.timeframe} and symbol = ${opts.symbol}
    order by ts desc limit ${opts.limit}`;
  rows.reverse();
  const names = set.names;
  const columns: Record<string, (number | null)[]> = {};
  names.forEach((n, f) => {
    columns[n] = rows.map((r) => {
      const v = r.values[f];
      return v === undefined || v === null || Number.isNaN(v) ? null : v;
    });
  });
  return { ts: rows.map((r) => r.t), columns };
}

/** Newest vector per symbol from the Redis cache (what the scanner reads); null when not computed yet. */
export async function getLatestFeatures(featureSet: string, timeframe: string): Promise<Map<string, { ts: number; values: Float32Array }> | null> {
  const key = latestFeaturesKey(featureSet, timeframe);
  const all = await redis().hgetall(key);
  if (Object.keys(all).length === 0) return null;
  const out = new Map<string, { ts: number; values: Float32Array }>();
  for (const [symbol, raw] of Object.entries(all)) {
    const { ts, v } = JSON.parse(raw) as { ts: number; v: string };
    const b = Buffer.from(v, "base64");
    out.set(symbol, { ts, values: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) });
  }
  return out;
}
