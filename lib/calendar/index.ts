/**
 * Exchange calendars: the one place that knows sessions and holidays.
 * NYSE: 09:30–16:00 America/New_York (13:00 on early-close days), weekends and holidays closed.
 * Crypto: 24/7 (every UTC day, every minute).
 * All inputs/outputs are epoch ms UTC; a "day" is the UTC date at 00:00 (the daily bar's ts).
 */
export type CalendarId = "NYSE" | "CRYPTO";

const DAY = 86_400_000;

export function utcDay(ts: number): number {
  return Math.floor(ts / DAY) * DAY;
}

function ymd(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d);
}

/** n-th (1-based) weekday `wd` (0=Sun) of month; n = -1 for the last. */
function nthWeekday(y: number, m: number, wd: number, n: number): number {
  if (n > 0) {
    const first = new Date(ymd(y, m, 1)).getUTCDay();
    return ymd(y, m, 1 + ((wd - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDate = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = new Date(ymd(y, m, lastDate)).getUTCDay();
  return ymd(y, m, lastDate - ((last - wd + 7) % 7));
}

/** Western Easter Sunday (anonymous Gregorian algorithm). */
function easter(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(y, month, day);
}

/** Fixed-date holiday observed on Friday when on Saturday, Monday when on Sunday. */
function observed(t: number, allowFridayBefore = true): number | null {
  const wd = new Date(t).getUTCDay();
  if (wd === 6) return allowFridayBefore ? t - DAY : null;
  if (wd === 0) return t + DAY;
  return t;
}

/** Unscheduled full-day closures (national mourning, weather). */
const SPECIAL_CLOSURES = ["2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14", "2004-06-11", "2007-01-02", "2012-10-29", "2012-10-30", "2018-12-05", "2025-01-09"].map((s) => Date.parse(`${s}T00:00:00Z`));

const holidayCache = new Map<number, Set<number>>();

export function nyseHolidays(year: number): Set<number> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const h = new Set<number>();
  const add = (t: number | null) => t !== null && h.add(t);
  // New Year's Day: a Saturday holiday is NOT moved to the prior Friday (NYSE rule 7.2).
  add(observed(ymd(year, 1, 1), false));
  if (year >= 1998) add(nthWeekday(year, 1, 1, 3)); // Martin Luther King Jr. Day
  add(nthWeekday(year, 2, 1, 3)); // Washington's Birthday
  add(easter(year) - 2 * DAY); // Good Friday
  add(nthWeekday(year, 5, 1, -1)); // Memorial Day
  if (year >= 2022) add(observed(ymd(year, 6, 19))); // Juneteenth
  add(observed(ymd(year, 7, 4))); // Independence Day
  add(nthWeekday(year, 9, 1, 1)); // Labor Day
  add(nthWeekday(year, 11, 4, 4)); // Thanksgiving
  add(observed(ymd(year, 12, 25))); // Christmas
  for (const t of SPECIAL_CLOSURES) if (new Date(t).getUTCFullYear() === year) h.add(t);
  holidayCache.set(year, h);
  return h;
}

/** Early closes (13:00 ET): July 3 (weekday, when the 4th is not Monday), day after Thanksgiving, Christmas Eve. */
function isEarlyClose(day: number): boolean {
  const d = new Date(day);
  const y = d.getUTCFullYear();
  if (day === nthWeekday(y, 11, 4, 4) + DAY) return true;
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  const wd = d.getUTCDay();
  if (m === 12 && dd === 24 && wd >= 1 && wd <= 5) return true;
  if (m === 7 && dd === 3 && wd >= 1 && wd <= 4) return true;
  return false;
}

/**
 * US Eastern offset from UTC in hours at a UTC day. DST: since 2007 from the 2nd Sunday of March to the
 * 1st Sunday of November; 1987–2006 from the 1st Sunday of April to the last Sunday of October; before
 * 1987 from the last Sunday of April to the last Sunday of October.
 */
function easternOffsetHours(day: number): number {
  const y = new Date(day).getUTCFullYear();
  const [dstStart, dstEnd] =
    y >= 2007 ? [nthWeekday(y, 3, 0, 2), nthWeekday(y, 11, 0, 1)] : y >= 1987 ? [nthWeekday(y, 4, 0, 1), nthWeekday(y, 10, 0, -1)] : [nthWeekday(y, 4, 0, -1), nthWeekday(y, 10, 0, -1)];
  return day >= dstStart && day < dstEnd ? -4 : -5;
}

export function isTradingDay(cal: CalendarId, ts: number): boolean {
  if (cal === "CRYPTO") return true;
  const day = utcDay(ts);
  const wd = new Date(day).getUTCDay();
  if (wd === 0 || wd === 6) return false;
  return !nyseHolidays(new Date(day).getUTCFullYear()).has(day);
}

/** Sessions already computed, per calendar and UTC day (frozen: shared by every caller). */
const sessionMemo = new Map<CalendarId, Map<number, Readonly<{ open: number; close: number }> | null>>();
const SESSION_MEMO_MAX = 50_000; // ~137 years of days per calendar: cleared, not evicted, past it

/**
 * Session [open, close) in epoch ms UTC for a trading day, or null when closed. Memoized per day: it is
 * on every hot path (each live print, each bar-close step, quality checks), and computing it (holiday
 * set, DST and early-close rules through Date objects) costs ~0.7 µs.
 */
export function sessionOf(cal: CalendarId, ts: number): Readonly<{ open: number; close: number }> | null {
  const day = utcDay(ts);
  let memo = sessionMemo.get(cal);
  if (!memo) sessionMemo.set(cal, (memo = new Map()));
  const hit = memo.get(day);
  if (hit !== undefined) return hit;
  const s = computeSession(cal, day);
  if (memo.size >= SESSION_MEMO_MAX) memo.clear();
  memo.set(day, s);
  return s;
}

function computeSession(cal: CalendarId, day: number): Readonly<{ open: number; close: number }> | null {
  if (cal === "CRYPTO") return Object.freeze({ open: day, close: day + DAY });
  if (!isTradingDay(cal, day)) return null;
  const off = easternOffsetHours(day);
  const open = day + (9.5 - off) * 3_600_000;
  const close = day + ((isEarlyClose(day) ? 13 : 16) - off) * 3_600_000;
  return Object.freeze({ open, close });
}

/** Is the market open at instant ts? */
export function isOpenAt(cal: CalendarId, ts: number): boolean {
  const s = sessionOf(cal, ts);
  return s !== null && ts >= s.open && ts < s.close;
}

/** Trading days (UTC midnights) in [from, to], inclusive of both ends' days. */
export function tradingDays(cal: CalendarId, from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = utcDay(from); d <= to; d += DAY) if (isTradingDay(cal, d)) out.push(d);
  return out;
}

/** The minute bar opens of every session minute in [from, to). */
export function sessionMinutes(cal: CalendarId, from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = utcDay(from); d < to; d += DAY) {
    const s = sessionOf(cal, d);
    if (!s) continue;
    for (let t = Math.max(s.open, Math.ceil(from / 60_000) * 60_000); t < Math.min(s.close, to); t += 60_000) out.push(t);
  }
  return out;
}

export function calendarForAsset(assetClass: string): CalendarId {
  return assetClass === "crypto" ? "CRYPTO" : "NYSE";
}
