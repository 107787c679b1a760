/**
 * Time helpers for vendor timestamps. Our convention (STYLE.md §7): a bar's ts is its open time in
 * epoch ms UTC, and a daily bar's ts is the session date at 00:00 UTC. Vendors stamp daily bars
 * differently (Yahoo: the session open, 13:30/14:30 UTC for NYSE; Alpaca and Polygon: exchange-local
 * midnight, 04:00/05:00 UTC), so daily stamps go through `sessionDateUtc` with the exchange's zone.
 */
export const DAY_MS = 86_400_000;

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormatters.get(timeZone);
  if (!f) {
    // en-CA formats as YYYY-MM-DD; formatToParts keeps us independent of that anyway.
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormatters.set(timeZone, f);
  }
  return f;
}

/** Is `tz` an IANA zone this runtime knows? */
export function isValidTimeZone(tz: string): boolean {
  try {
    dateFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar date of instant `ts` in `timeZone`, as 00:00 UTC of that date (epoch ms).
 * E.g. Yahoo's 2020-08-31T13:30:00Z in America/New_York → 2020-08-31T00:00:00Z.
 */
export function sessionDateUtc(ts: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC" || timeZone === "GMT") return Math.floor(ts / DAY_MS) * DAY_MS;
  let y = 0;
  let m = 0;
  let d = 0;
  for (const p of dateFormatter(timeZone).formatToParts(ts)) {
    if (p.type === "year") y = Number(p.value);
    else if (p.type === "month") m = Number(p.value);
    else if (p.type === "day") d = Number(p.value);
  }
  return Date.UTC(y, m - 1, d);
}

/** RFC 3339 without a fractional part when the milliseconds are zero ("2020-08-31T00:00:00Z"). */
export function rfc3339(ts: number): string {
  const iso = new Date(ts).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

/** "YYYY-MM-DD" of the UTC date of `ts`. */
export function utcDateString(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}
