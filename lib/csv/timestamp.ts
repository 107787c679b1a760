/**
 * Timestamp cells: format detection and a fast per-row parser.
 *
 * A parsed value is either an instant (unix epoch, or an ISO value with `Z`/`±hh:mm`) or a
 * timezone-naive wall-clock time, encoded as if it were UTC ("local ms"); the import converts
 * the latter with the file's timezone (see timezone.ts).
 */

export const TIMESTAMP_FORMATS = [
  /** 2021-04-21 (also 2021/04/21) */
  "iso-date",
  /** 2021-04-21T13:30:00[.sss][Z|±hh:mm] */
  "iso-datetime",
  /** 2021-04-21 13:30[:ss][.sss] (a zone suffix is accepted too) */
  "ymd-hms",
  /** 04/21/2021 [13:30[:ss]] [AM|PM] */
  "mdy",
  /** 21/04/2021 [13:30[:ss]] (only chosen when a day > 12 proves it) */
  "dmy",
  /** 20210421 [133000] */
  "ymd-compact",
  /** 1618963200 (seconds since the epoch, fractions allowed) */
  "unix-s",
  /** 1618963200000 (milliseconds since the epoch) */
  "unix-ms",
] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

// ISO-like: date, optional time, optional zone. One regex for iso-date, iso-datetime and ymd-hms.
const RE_ISO =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:([T ])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
// Slash dates: MM/DD/YYYY or DD/MM/YYYY, optional time and AM/PM.
const RE_SLASH =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AP]M)?)?$/i;
// Compact: YYYYMMDD with optional HHmm[ss] or HH:mm[:ss].
const RE_COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[T ]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;
const RE_UNIX = /^-?\d+(?:\.\d+)?$/;
/** A separate time-of-day column: 09:30, 09:30:00.000, 0930, 093000, 9:30 PM. */
const RE_TIME_OF_DAY = /^(\d{1,2}):?(\d{2})(?::?(\d{2})(?:\.(\d{1,9}))?)?\s*([AP]M)?$/i;

/** Epoch-ms threshold between unix seconds and unix milliseconds (1e11 s is year 5138; 1e11 ms is 1973). */
const UNIX_MS_THRESHOLD = 1e11;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return DAYS_IN_MONTH[m - 1] ?? 0;
}

/** Date.UTC with range checks; NaN for impossible dates (2021-02-30, 25:00). */
export function utcFromParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  if (h > 23 || mi > 59 || s > 59) return NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC maps years 0–99 to 1900–1999; such years are never market data.
  return y < 100 ? NaN : t;
}

/** "123" → 123 ms, "5" → 500 ms, "123456" → 123 ms. */
function fractionMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + "00").slice(0, 3));
}

function zoneOffsetMinutes(z: string): number {
  const c = z.charCodeAt(0);
  if (c !== 43 /* + */ && c !== 45 /* - */) return 0; // Z, UTC, GMT
  const digits = z.slice(1).replace(":", "");
  const h = Number(digits.slice(0, 2));
  const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  const sign = c === 45 ? -1 : 1;
  return sign * (h * 60 + m);
}

function hour12(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  if (h < 1 || h > 12) return 99; // invalid → NaN downstream
  const pm = ampm.toUpperCase() === "PM";
  return (h % 12) + (pm ? 12 : 0);
}

/** Result of one parse. The parser reuses a single object: copy the fields before the next call. */
export interface ParsedTimestamp {
  /** Epoch ms (when `zoned`) or wall-clock ms (when not). */
  ms: number;
  /** True for instants: unix values and ISO values with a zone suffix. */
  zoned: boolean;
  /** False for date-only values. */
  hasTime: boolean;
}

export interface TimestampParser {
  readonly format: TimestampFormat;
  /**
   * Parse a cell, plus an optional separate time-of-day cell. Returns null when the value does
   * not match the format or names an impossible date.
   */
  parse(value: string, timeOfDay?: string): ParsedTimestamp | null;
}

/** Two ASCII digits at v[i], v[i+1] as a number; -1 when not digits. */
function twoDigits(v: string, i: number): number {
  const a = v.charCodeAt(i) - 48;
  const b = v.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Allocation-free parse of the common ISO shapes (YYYY-MM-DD, then [T ]HH:MM[:SS[.fff…]][Z]), the hot
 * path of big intraday files. Returns false for anything else (offsets, one-digit months, "/"),
 * which the regex path then handles; both paths agree on what they both accept.
 */
function parseIsoFast(v: string, out: ParsedTimestamp): boolean {
  const n = v.length;
  if (n < 10 || v.charCodeAt(4) !== 45 /* - */ || v.charCodeAt(7) !== 45) return false;
  const yHi = twoDigits(v, 0);
  const yLo = twoDigits(v, 2);
  const mo = twoDigits(v, 5);
  const d = twoDigits(v, 8);
  if (yHi < 0 || yLo < 0 || mo < 0 || d < 0) return false;
  const y = yHi * 100 + yLo;
  if (n === 10) {
    out.ms = utcFromParts(y, mo, d);
    out.hasTime = false;
    out.zoned = false;
    return true;
  }
  const sep = v.charCodeAt(10);
  if ((sep !== 84 /* T */ && sep !== 32) || n < 16 || v.charCodeAt(13) !== 58 /* : */) return false;
  const h = twoDigits(v, 11);
  const mi = twoDigits(v, 14);
  if (h < 0 || mi < 0) return false;
  let i = 16;
  let s = 0;
  let ms = 0;
  if (i < n && v.charCodeAt(i) === 58) {
    s = twoDigits(v, i + 1);
    if (s < 0) return false;
    i += 3;
    if (i < n && v.charCodeAt(i) === 46 /* . */) {
      let digits = 0;
      i++;
      for (; i < n; i++) {
        const c = v.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        if (digits < 3) ms = ms * 10 + c;
        digits++;
      }
      if (digits === 0) return false;
      for (let k = Math.min(digits, 3); k < 3; k++) ms *= 10;
    }
  }
  let zoned = false;
  if (i < n) {
    if (i === n - 1 && (v.charCodeAt(i) | 32) === 122 /* z or Z */) zoned = true;
    else return false;
  }
  out.ms = utcFromParts(y, mo, d, h, mi, s, ms);
  out.hasTime = true;
  out.zoned = zoned;
  return true;
}

/** Parse "09:30[:ss]" into ms since midnight (NaN if invalid). */
export function parseTimeOfDay(value: string): number {
  const m = RE_TIME_OF_DAY.exec(value.trim());
  if (!m) return NaN;
  const h = hour12(Number(m[1]), m[5]);
  const mi = Number(m[2]);
  const s = m[3] ? Number(m[3]) : 0;
  if (h > 23 || mi > 59 || s > 59) return NaN;
  return ((h * 60 + mi) * 60 + s) * 1000 + fractionMs(m[4]);
}

export function createTimestampParser(format: TimestampFormat): TimestampParser {
  const out: ParsedTimestamp = { ms: NaN, zoned: false, hasTime: false };

  /** Fold a separate time column into a date-only result. */
  const withTime = (timeOfDay: string | undefined): ParsedTimestamp | null => {
    if (Number.isNaN(out.ms)) return null;
    if (timeOfDay === undefined) return out;
    if (out.hasTime || out.zoned) return null; // a full timestamp and a time column: ambiguous
    const t = parseTimeOfDay(timeOfDay);
    if (Number.isNaN(t)) return null;
    out.ms += t;
    out.hasTime = true;
    return out;
  };

  const parseIso = (v: string, timeOfDay: string | undefined): ParsedTimestamp | null => {
    if (parseIsoFast(v, out)) return withTime(timeOfDay);
    const m = RE_ISO.exec(v);
    if (!m) return null;
    const hasTime = m[5] !== undefined;
    out.ms = utcFromParts(
      Number(m[1]), Number(m[2]), Number(m[3]),
      hasTime ? Number(m[5]) : 0, hasTime ? Number(m[6]) : 0, m[7] ? Number(m[7]) : 0, fractionMs(m[8]),
    );
    out.hasTime = hasTime;
    out.zoned = m[9] !== undefined;
    if (out.zoned) out.ms -= zoneOffsetMinutes(m[9]!.toUpperCase()) * 60_000;
    return withTime(timeOfDay);
  };

  const parseSlash = (v: string, timeOfDay: string | undefined, dayFirst: boolean): ParsedTimestamp | null => {
    const m = RE_SLASH.exec(v);
    if (!m) return null;
    const a = Number(m[1]);
    const b = Number(m[2]);
    const hasTime = m[4] !== undefined;
    out.ms = utcFromParts(
      Number(m[3]), dayFirst ? b : a, dayFirst ? a : b,
      hasTime ? hour12(Number(m[4]), m[8]) : 0, hasTime ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, fractionMs(m[7]),
    );
    out.hasTime = hasTime;
    out.zoned = false;
    return withTime(timeOfDay);
  };

  const parseCompact = (v: string, timeOfDay: string | undefined): ParsedTimestamp | null => {
    const m = RE_COMPACT.exec(v);
    if (!m) return null;
    const hasTime = m[4] !== undefined;
    out.ms = utcFromParts(
      Number(m[1]), Number(m[2]), Number(m[3]),
      hasTime ? Number(m[4]) : 0, hasTime ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0,
    );
    out.hasTime = hasTime;
    out.zoned = false;
    return withTime(timeOfDay);
  };

  const parseUnix = (v: string, unit: number): ParsedTimestamp | null => {
    if (!RE_UNIX.test(v)) return null;
    out.ms = Math.round(Number(v) * unit);
    out.zoned = true;
    out.hasTime = true;
    return Number.isFinite(out.ms) ? out : null;
  };

  const parse = (raw: string, timeOfDay?: string): ParsedTimestamp | null => {
    const v = raw.trim();
    switch (format) {
      case "iso-date":
      case "iso-datetime":
      case "ymd-hms":
        return parseIso(v, timeOfDay);
      case "mdy":
        return parseSlash(v, timeOfDay, false);
      case "dmy":
        return parseSlash(v, timeOfDay, true);
      case "ymd-compact":
        return parseCompact(v, timeOfDay);
      case "unix-s":
        return parseUnix(v, 1000);
      case "unix-ms":
        return parseUnix(v, 1);
    }
  };

  return { format, parse };
}

export interface TimestampFormatGuess {
  format: TimestampFormat;
  /** True when values carry their own offset (unix epochs, ISO with Z/±hh:mm). */
  zoned: boolean;
  /** True when no value has a time of day (and no time column adds one). */
  dateOnly: boolean;
  /** Share of non-empty sample values that match the format. */
  matchRatio: number;
  /** mdy chosen without proof (no value has a day > 12 in either position). */
  ambiguousDayMonth: boolean;
}

/** Classify one value; null when it looks like no supported format. */
function classify(v: string): TimestampFormat | null {
  const iso = RE_ISO.exec(v);
  if (iso) {
    if (iso[5] === undefined) return "iso-date";
    return iso[4] === "T" ? "iso-datetime" : "ymd-hms";
  }
  if (RE_SLASH.test(v)) return "mdy"; // refined to dmy over the whole sample
  if (/^\d{8}$/.test(v) || (RE_COMPACT.test(v) && !RE_UNIX.test(v))) {
    const y = Number(v.slice(0, 4));
    const mo = Number(v.slice(4, 6));
    const d = Number(v.slice(6, 8));
    if (y >= 1900 && y <= 2200 && !Number.isNaN(utcFromParts(y, mo, d))) return "ymd-compact";
  }
  if (RE_UNIX.test(v)) {
    const n = Math.abs(Number(v));
    if (n >= 1e8) return n >= UNIX_MS_THRESHOLD ? "unix-ms" : "unix-s"; // ≥ 1973-03 in seconds
  }
  return null;
}

/**
 * Guess the format of a column of timestamp cells (empty cells ignored). `timeOfDay` are the
 * matching cells of a separate time column, if any. Returns null when fewer than `minMatchRatio` match.
 */
export function detectTimestampFormat(
  values: readonly string[],
  timeOfDay?: readonly string[],
  minMatchRatio = 0.8,
): TimestampFormatGuess | null {
  const counts = new Map<TimestampFormat, number>();
  let n = 0;
  let firstOver12 = false;
  let secondOver12 = false;
  for (const raw of values) {
    const v = raw.trim();
    if (!v) continue;
    n++;
    const f = classify(v);
    if (!f) continue;
    counts.set(f, (counts.get(f) ?? 0) + 1);
    if (f === "mdy") {
      const m = RE_SLASH.exec(v)!;
      if (Number(m[1]) > 12) firstOver12 = true;
      if (Number(m[2]) > 12) secondOver12 = true;
    }
  }
  if (n === 0) return null;

  // ISO variants are one family (a daily file may have a few timestamps with time, and vice versa).
  const iso = (counts.get("iso-date") ?? 0) + (counts.get("iso-datetime") ?? 0) + (counts.get("ymd-hms") ?? 0);
  // unix seconds vs ms: one file has one unit; the larger magnitude wins (a few 1970s seconds values are fine).
  const unix = (counts.get("unix-s") ?? 0) + (counts.get("unix-ms") ?? 0);
  const families: [TimestampFormat, number][] = [
    [pickIso(counts), iso],
    [firstOver12 && !secondOver12 ? "dmy" : "mdy", counts.get("mdy") ?? 0],
    ["ymd-compact", counts.get("ymd-compact") ?? 0],
    [(counts.get("unix-ms") ?? 0) > 0 ? "unix-ms" : "unix-s", unix],
  ];
  families.sort((a, b) => b[1] - a[1]);
  const [format, hits] = families[0]!;
  if (hits === 0 || hits / n < minMatchRatio) return null;

  // Zone and time-of-day: parse the sample with the chosen format.
  const parser = createTimestampParser(format);
  let zoned = false;
  let hasTime = false;
  values.forEach((v, i) => {
    if (!v.trim()) return;
    const p = parser.parse(v, timeOfDay?.[i]);
    if (!p) return;
    zoned ||= p.zoned;
    hasTime ||= p.hasTime;
  });
  const dateOnly = !hasTime;
  return {
    format,
    zoned,
    dateOnly,
    matchRatio: hits / n,
    ambiguousDayMonth: format === "mdy" && !firstOver12 && !secondOver12,
  };
}

/** The most common ISO variant (datetime forms win over plain dates when both appear). */
function pickIso(counts: Map<TimestampFormat, number>): TimestampFormat {
  const dt = counts.get("iso-datetime") ?? 0;
  const hms = counts.get("ymd-hms") ?? 0;
  if (dt === 0 && hms === 0) return "iso-date";
  return dt >= hms ? "iso-datetime" : "ymd-hms";
}
