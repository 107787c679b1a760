import type { Timeframe } from "@/lib/bars/timeframe";
import { db } from "../../db";
import { barView } from "../bars/rollup-bars";
import { enqueueIngestThenFeatures } from "../../queues/flows";
import { createIngestionRun } from "./runs";

/** Providers that can be asked for new data (CSV imports and the fixed bundled set cannot). */
const UPDATABLE = ["yahoo", "binance", "alpaca", "polygon", "sim"];

/**
 * Bring the active universe up to date: per provider, one "update" run from the oldest last bar among
 * its symbols (at most `maxLookbackDays` back) to now, each followed by a feature refresh (flow).
 */
export async function updateUniverse(opts: { timeframe: Timeframe; maxLookbackDays: number; now?: Date }): Promise<{ provider: string; runId: string; symbols: number }[]> {
  const now = opts.now ?? new Date();
  const rows = await db().$client.unsafe<{ provider: string; symbols: string[]; since: number | null }[]>(
    `select s.provider, array_agg(s.symbol order by s.symbol) as symbols,
            (extract(epoch from min(lb.ts)) * 1000)::float8 as since
     from symbols s
     left join lateral (select max(b.ts) as ts from ${barView(opts.timeframe)} b where b.symbol = s.symbol) lb on true
     where s.active and s.provider = any(string_to_array($1, ','))
     group by s.provider`,
    [UPDATABLE.join(",")],
  );
  const floor = now.getTime() - opts.maxLookbackDays * 86_400_000;
  const out: { provider: string; runId: string; symbols: number }[] = [];
  for (const r of rows) {
    const start = new Date(Math.max(floor, r.since ?? floor));
    if (start >= now) continue;
    const run = await createIngestionRun({ provider: r.provider, kind: "update", symbols: r.symbols, timeframe: opts.timeframe, rangeStart: start, rangeEnd: now });
    await enqueueIngestThenFeatures({ runId: run.id }, { featureSet: "core-v1", timeframe: opts.timeframe, from: start.getTime() });
    out.push({ provider: r.provider, runId: run.id, symbols: r.symbols.length });
  }
  return out;
}
