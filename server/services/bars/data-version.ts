import type { Timeframe } from "@/lib/bars/timeframe";
import { redis } from "../../db";
import { logger } from "../../logger";
import { serverEnv } from "../../env";

/**
 * Data versions: counters in Redis that every writer of market data bumps after its transaction has
 * committed, so in-process caches built from that data (the scanner's warm universe) can check that they
 * are current with one round trip instead of probing the tables.
 *
 * Ordering makes this safe without locks: a writer commits, then bumps; a reader reads the version, then
 * loads. A reader that saw the new version therefore loads committed data; one that saw the old version
 * may load the new data too, and merely reloads once more next time.
 */
export type DataScope = `bars:${Timeframe}` | "universe" | "adjustments";

const key = (scope: DataScope) => `${serverEnv().QUEUE_PREFIX}:data-version:${scope}`;

/** Bump the versions of the scopes a committed write changed. A failure is logged, not thrown: the write itself has landed, and readers' TTLs bound the staleness. */
export async function bumpDataVersion(scopes: readonly DataScope[]): Promise<void> {
  if (scopes.length === 0) return;
  try {
    const pipe = redis().pipeline();
    for (const s of new Set(scopes)) pipe.incr(key(s));
    await pipe.exec();
  } catch (err) {
    logger.warn({ err, scopes }, "data version bump failed; caches catch up at their TTL");
  }
}

/**
 * The combined version of the scopes (one MGET), e.g. "12.3.7"; null when Redis cannot be read, which
 * callers treat as "unknown" (reload).
 */
export async function readDataVersion(scopes: readonly DataScope[]): Promise<string | null> {
  try {
    const values = await redis().mget(...scopes.map(key));
    return values.map((v) => v ?? "0").join(".");
  } catch {
    return null;
  }
}
