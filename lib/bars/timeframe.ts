/** The closed set of bar timeframes, parsed once at every boundary. */
export const TIMEFRAMES = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_MS: Record<Timeframe, number> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

export function isTimeframe(v: unknown): v is Timeframe {
  return typeof v === "string" && (TIMEFRAMES as readonly string[]).includes(v);
}

export function parseTimeframe(v: unknown): Timeframe {
  if (!isTimeframe(v)) throw new Error(`unknown timeframe ${JSON.stringify(v)}; expected one of ${TIMEFRAMES.join(", ")}`);
  return v;
}

/**
 * Bucket start (bar open time, epoch ms UTC) of `ts` for a timeframe. Buckets are aligned to the
 * UTC epoch; daily buckets are the UTC date at 00:00, which is the session date for every exchange
 * we support (NYSE sessions never cross UTC midnight; crypto days are UTC days).
 */
export function bucketStart(ts: number, tf: Timeframe): number {
  const w = TIMEFRAME_MS[tf];
  return Math.floor(ts / w) * w;
}

/** The timeframes strictly above `tf` that are built from it by aggregation. */
export function higherTimeframes(tf: Timeframe): Timeframe[] {
  return TIMEFRAMES.slice(TIMEFRAMES.indexOf(tf) + 1);
}
