/**
 * IANA time-zone arithmetic without external libraries: the zone's UTC offset at an instant comes
 * from Intl.DateTimeFormat, and wall-clock → UTC conversion resolves DST gaps and overlaps like
 * Temporal's "compatible" disambiguation (a skipped time moves forward by the gap, a repeated time
 * takes the earlier instant).
 *
 * "Wall-clock ms" (local ms) is a local date-time encoded as if it were UTC:
 * 2021-03-14 09:30 in New York ↔ Date.UTC(2021, 2, 14, 9, 30).
 */

const DAY = 86_400_000;
/** Offsets are cached per 15-minute bucket: every tzdb transition since 1900 falls on a quarter hour. */
const BUCKET = 15 * 60_000;
/** Cap per-converter caches (a 1 GB minute file spans ~10⁶ buckets). */
const MAX_CACHE = 200_000;

const UTC_NAMES = new Set(["UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z", "ZULU", "UNIVERSAL", "ETC/UNIVERSAL"]);

/** True when `tz` is "UTC" or an IANA zone the runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  if (UTC_NAMES.has(tz.toUpperCase())) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface ZoneConverter {
  readonly timeZone: string;
  /** Offset of the zone at a UTC instant: local − UTC, in ms (New York in winter: −5 h). */
  offsetAt(utcMs: number): number;
  /** Wall-clock ms of a UTC instant in this zone. */
  toLocal(utcMs: number): number;
  /** UTC instant of a wall-clock time in this zone (DST gaps move forward, overlaps take the earlier instant). */
  toUtc(localMs: number): number;
}

const IDENTITY: ZoneConverter = {
  timeZone: "UTC",
  offsetAt: () => 0,
  toLocal: (t) => t,
  toUtc: (t) => t,
};

/**
 * A converter for one zone with its own offset caches (create one per import, not per row).
 * Throws RangeError for an unknown zone.
 */
export function createZoneConverter(timeZone: string): ZoneConverter {
  if (UTC_NAMES.has(timeZone.toUpperCase())) return IDENTITY;

  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });

  /** Uncached offset: format the instant in the zone and read the wall clock back as UTC. */
  const rawOffset = (utcMs: number): number => {
    const t = utcMs - (((utcMs % 1000) + 1000) % 1000); // whole seconds: the formatter drops ms
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    for (const p of fmt.formatToParts(t)) {
      switch (p.type) {
        case "year": y = Number(p.value); break;
        case "month": mo = Number(p.value); break;
        case "day": d = Number(p.value); break;
        case "hour": h = Number(p.value); break;
        case "minute": mi = Number(p.value); break;
        case "second": s = Number(p.value); break;
      }
    }
    const local = new Date(0);
    local.setUTCFullYear(y, mo - 1, d); // setUTCFullYear: years 0–99 are not shifted to 19xx
    local.setUTCHours(h, mi, s, 0);
    return local.getTime() - t;
  };

  // offsetAt: bucket → offset, or NaN when a transition falls inside the bucket (then computed exactly).
  const offsetCache = new Map<number, number>();
  let lastKey = NaN;
  let lastOffset = NaN;
  const offsetAt = (utcMs: number): number => {
    const key = Math.floor(utcMs / BUCKET);
    if (key === lastKey && !Number.isNaN(lastOffset)) return lastOffset;
    let o = offsetCache.get(key);
    if (o === undefined) {
      const a = rawOffset(key * BUCKET);
      const b = rawOffset(key * BUCKET + BUCKET - 1);
      o = a === b ? a : NaN;
      if (offsetCache.size >= MAX_CACHE) offsetCache.clear();
      offsetCache.set(key, o);
    }
    lastKey = key;
    lastOffset = o;
    return Number.isNaN(o) ? rawOffset(utcMs) : o;
  };

  /** Exact wall-clock → UTC resolution (uncached apart from offsetAt). */
  const resolve = (localMs: number): { utc: number; regular: boolean } => {
    // Offsets are within ±14 h, so the answer lies within a day of localMs: the offsets a day
    // before and a day after bracket any single transition.
    const oA = offsetAt(localMs - DAY);
    const oB = offsetAt(localMs + DAY);
    const uA = localMs - oA;
    const uB = localMs - oB;
    const validA = offsetAt(uA) === oA;
    const validB = offsetAt(uB) === oB;
    if (oA === oB) {
      if (validA) return { utc: uA, regular: true };
      // Two transitions within 48 h (never in practice): fixed-point iteration.
      const u = localMs - offsetAt(localMs - offsetAt(localMs));
      return { utc: u, regular: false };
    }
    if (validA && validB) return { utc: Math.min(uA, uB), regular: false }; // overlap: earlier instant
    if (validA) return { utc: uA, regular: true };
    if (validB) return { utc: uB, regular: true };
    return { utc: localMs - oA, regular: false }; // gap: shift forward by the gap (offset before it)
  };

  // toUtc: local bucket → offset when the whole bucket converts with one offset, else NaN.
  const localCache = new Map<number, number>();
  let lastLocalKey = NaN;
  let lastLocalOffset = NaN;
  const toUtc = (localMs: number): number => {
    const key = Math.floor(localMs / BUCKET);
    let o: number | undefined;
    if (key === lastLocalKey) o = lastLocalOffset;
    else {
      o = localCache.get(key);
      if (o === undefined) {
        const start = key * BUCKET;
        const a = resolve(start);
        const b = resolve(start + BUCKET - 1);
        const oa = start - a.utc;
        const ob = start + BUCKET - 1 - b.utc;
        o = a.regular && b.regular && oa === ob ? oa : NaN;
        if (localCache.size >= MAX_CACHE) localCache.clear();
        localCache.set(key, o);
      }
      lastLocalKey = key;
      lastLocalOffset = o;
    }
    return Number.isNaN(o) ? resolve(localMs).utc : localMs - o;
  };

  return {
    timeZone,
    offsetAt,
    toLocal: (utcMs) => utcMs + offsetAt(utcMs),
    toUtc,
  };
}

/** Convenience one-shot conversions (tests, small inputs). Prefer createZoneConverter in loops. */
export function zonedToUtc(localMs: number, timeZone: string): number {
  return createZoneConverter(timeZone).toUtc(localMs);
}

export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  return createZoneConverter(timeZone).offsetAt(utcMs);
}
