/**
 * Calendar fields of a bar's UTC date (pure integer arithmetic, no Date allocation).
 *
 * A daily bar's ts is its session date at 00:00 UTC (STYLE.md §7), so these are the session's
 * weekday, day of month and month. "Weekdays to month end" counts Monday–Friday dates after the bar's
 * date in the same month. It deliberately ignores exchange holidays: the calendar module also lists
 * unscheduled closures (e.g. 2001-09-11), and using it would leak knowledge that did not exist on the
 * bar's date. The month-end flag can therefore be off by a day when a month ends on a holiday.
 */

const DAY_MS = 86_400_000;

/** Year, month (1–12), day (1–31) of a day number since 1970-01-01 (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number, out: { y: number; m: number; d: number }): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out.y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out.m = m;
  out.d = d;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Day number (days since 1970-01-01) of an epoch-ms timestamp. */
export function dayNumber(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

/** Weekday of a day number: Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/** Number of Monday–Friday dates in the `k` days following a date whose weekday is `wd` (Mon = 0). */
export function weekdaysAfter(wd: number, k: number): number {
  let count = Math.floor(k / 7) * 5;
  for (let j = 1; j <= k % 7; j++) if ((wd + j) % 7 < 5) count++;
  return count;
}
