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

type LatestFeatures = Map<string, { ts: number; values: Float32Array }>;
const g = globalThis as unknown as { __mssLatestFeatures?: Map<string, { version: string; latest: LatestFeatures }> };

/**
 * Newest vector per symbol from the Redis cache (what the scanner reads); null when not computed yet.
 * The parsed map is kept per process and reused while the cache's version (a random id written with it
 * in one MULTI) is unchanged: one HGET instead of reading and parsing every vector on each scan. The
 * version is read before the vectors, so a copy is never newer than its version says. Read-only.
 */
export async function getLatestFeatures(featureSet: string, timeframe: string): Promise<LatestFeatures | null> {
  const key = latestFeaturesKey(featureSet, timeframe);
  g.__mssLatestFeatures ??= new Map();
  const version = await redis().hget(`${key}:meta`, "version");
  const hit = g.__mssLatestFeatures.get(key);
  if (version && hit?.version === version) return hit.latest;
  const all = await redis().hgetall(key);
  if (Object.keys(all).length === 0) return null;
  const out: LatestFeatures = new Map();
  for (const [symbol, raw] of Object.entries(all)) {
    const { ts, v } = JSON.parse(raw) as { ts: number; v: string };
    const b = Buffer.from(v, "base64");
    out.set(symbol, { ts, values: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) });
  }
  if (version) g.__mssLatestFeatures.set(key, { version, latest: out });
  return out;
}
