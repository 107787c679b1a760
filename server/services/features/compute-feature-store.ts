import { randomUUID } from "node:crypto";
import { sql as dsql } from "drizzle-orm";
import { featureSets } from "@/db/schema";
import type { Timeframe } from "@/lib/bars/timeframe";
import { computeFeatures, FeatureContext, featureNames, featureSetHash, fillCrossSectional, getFeatureSet, type FeatureMatrix } from "@/lib/features";
import { db, redis } from "../../db";
import { serverEnv } from "../../env";
import { getBars } from "../bars/get-bars";
import { copyIn } from "../bars/pg-binary";
import { barView } from "../bars/rollup-bars";
import { encodeFeatureCopy, FEATURE_COPY_COLUMNS } from "./copy-features";

export interface ComputeFeatureStoreOptions {
  featureSet: string;
  timeframe: Timeframe;
  /** Earliest bar whose features may have changed (epoch ms); absent = recompute everything. */
  from?: number;
  onProgress?: (pct: number) => Promise<void> | void;
}

/** Redis hash of the newest feature vector per symbol, read by the scanner. */
export function latestFeaturesKey(featureSet: string, timeframe: string): string {
  return `${serverEnv().QUEUE_PREFIX}:features:${featureSet}:${timeframe}`;
}

/**
 * Compute a feature set for the whole active universe on adjusted bars, point in time: time-series
 * features per symbol, then cross-sectional ranks/z-scores across symbols per timestamp. Rows from
 * `from` on are replaced in feature_values (one transaction, binary COPY); the newest row per symbol
 * is cached in Redis. If the feature set's definition hash changed since it was stored, everything is
 * recomputed so no vector mixes definitions.
 */
export async function computeFeatureStore(opts: ComputeFeatureStoreOptions): Promise<{ symbols: number; rows: number; values: number; ms: number }> {
  const t0 = performance.now();
  const set = getFeatureSet(opts.featureSet);
  const names = [...featureNames(set)];
  const hash = featureSetHash(set);
  const [stored] = await db().select().from(featureSets).where(dsql`${featureSets.name} = ${set.id}`);
  const fullRebuild = !stored || stored.hash !== hash;
  const from = fullRebuild ? Number.NEGATIVE_INFINITY : (opts.from ?? Number.NEGATIVE_INFINITY);

  const symbols = (
    await db().$client.unsafe<{ symbol: string }[]>(
      `select s.symbol from symbols s where s.active and exists (select 1 from ${barView(opts.timeframe)} b where b.symbol = s.symbol) order by s.symbol`,
    )
  ).map((r) => r.symbol);

  // Time-series features on each symbol's full adjusted history (warm-up needs the past).
  const ctx = new FeatureContext();
  const matrices: FeatureMatrix[] = [];
  for (let k = 0; k < symbols.length; k++) {
    const bars = await getBars({ symbol: symbols[k]!, timeframe: opts.timeframe, adjusted: true, limit: 50_000 });
    matrices.push(computeFeatures(bars, { set, context: ctx }));
    if (k % 20 === 0) await opts.onProgress?.(Math.round((k / symbols.length) * 70));
  }
  fillCrossSectional(matrices);
  await opts.onProgress?.(80);

  const rows = matrices.map((m, k) => {
    let start = 0;
    while (start < m.length && m.ts[start]! < from) start++;
    return { symbol: symbols[k]!, ts: m.ts, values: m.values, width: m.width, length: m.length, start, end: m.length };
  });
  const total = rows.reduce((a, r) => a + (r.end - r.start), 0);
  await db().$client.begin(async (tx) => {
    if (fullRebuild) await tx`delete from feature_values where feature_set = ${set.id} and timeframe = ${opts.timeframe}`;
    else if (Number.isFinite(from)) {
      await tx`delete from feature_values where feature_set = ${set.id} and timeframe = ${opts.timeframe} and ts >= ${new Date(from).toISOString()}::timestamptz`;
    } else await tx`delete from feature_values where feature_set = ${set.id} and timeframe = ${opts.timeframe}`;
    await copyIn(tx, `copy feature_values (${FEATURE_COPY_COLUMNS}) from stdin (format binary)`, encodeFeatureCopy(set.id, opts.timeframe, rows));
    await tx`insert into feature_sets (name, hash, names) values (${set.id}, ${hash}, ${names})
             on conflict (name) do update set hash = excluded.hash, names = excluded.names, created_at = now()`;
  });
  await opts.onProgress?.(95);

  // Latest vector per symbol for the scanner, replaced atomically (MULTI: a reader never sees half of
  // it) with a new random version in the meta hash, so readers can keep a parsed copy until it changes.
  const key = latestFeaturesKey(set.id, opts.timeframe);
  const pipe = redis().multi();
  pipe.del(key);
  for (const [k, m] of matrices.entries()) {
    if (m.length === 0) continue;
    const i = m.length - 1;
    const v = new Float32Array(m.width);
    for (let f = 0; f < m.width; f++) v[f] = m.values[f * m.length + i]!;
    pipe.hset(key, symbols[k]!, JSON.stringify({ ts: m.ts[i], v: Buffer.from(v.buffer).toString("base64") }));
  }
  pipe.hset(`${key}:meta`, "hash", hash, "names", JSON.stringify(names), "updatedAt", new Date().toISOString(), "version", randomUUID());
  await pipe.exec();
  return { symbols: symbols.length, rows: total, values: total * names.length, ms: Math.round(performance.now() - t0) };
}
