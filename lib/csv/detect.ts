/**
 * Guess a CSV file's layout from its first bytes: delimiter, header, column mapping, timestamp
 * format, timeframe and decimal separator. Pure string code (no Node APIs), so it also runs in the
 * browser for an upload preview. The guess is a starting point: the user confirms or edits it and
 * the result is validated with ZCsvImportOptions.
 */
import { TIMEFRAME_MS, type Timeframe } from "../bars/timeframe";
import { CSV_DELIMITERS, type CsvDelimiter, type CsvField, type TCsvColumnRef, type TCsvImportOptionsInput, type TCsvMapping } from "./options";
import { createTimestampParser, detectTimestampFormat, parseTimeOfDay, type TimestampFormat } from "./timestamp";

/** How much of the file detection reads. */
export const DETECT_SAMPLE_BYTES = 64 * 1024;
const MAX_SAMPLE_ROWS = 2_000;
const DAY = 86_400_000;

/** Header synonyms per field, normalized (lower case, letters and digits only), best first. */
const SYNONYMS: Record<CsvField | "symbol", readonly string[]> = {
  timestamp: [
    "timestamp", "datetime", "datetimeutc", "timestamputc", "date", "dateutc", "tradedate", "tradingday", "day",
    "gmttime", "localtime", "opentime", "bartime", "dt", "time", "timeutc", "ts", "t", "unix", "unixtime",
    "epoch", "epochms", "timems",
  ],
  time: ["time", "timeofday", "bartime", "hour"],
  open: ["open", "o", "openprice", "opening", "first"],
  high: ["high", "h", "highprice", "max"],
  low: ["low", "l", "lowprice", "min"],
  close: ["close", "c", "closeprice", "closing", "last", "lastprice"],
  adjClose: ["adjclose", "adjustedclose", "adjcloseprice", "adjustedcloseprice", "closeadj", "closeadjusted", "adjclosing"],
  volume: ["volume", "vol", "v", "totalvolume", "volumeshares", "tickvol", "tickvolume", "realvolume"],
  vwap: ["vwap", "vw", "averageprice", "avgprice"],
  trades: ["trades", "numtrades", "numberoftrades", "tradecount", "ntrades", "transactions", "n", "count"],
  symbol: ["symbol", "ticker", "sym", "tickersymbol", "instrument", "asset", "pair", "securityid"],
};

const REQUIRED: readonly CsvField[] = ["timestamp", "open", "high", "low", "close"];

export interface CsvFormatDetection {
  delimiter: CsvDelimiter;
  hasHeader: boolean;
  /** Header cells (trimmed) when there is a header. */
  header: string[] | null;
  columnCount: number;
  /** Best-guess mapping: header names when there is a header, indexes otherwise. Unfound fields are absent. */
  mapping: Partial<TCsvMapping>;
  /** Required fields (timestamp, open, high, low, close) not found. */
  missing: CsvField[];
  timestampFormat: TimestampFormat | null;
  /** Timestamps carry their own offset (unix, `Z`, `±hh:mm`): the timezone option does not move them. */
  timestampZoned: boolean;
  /** Most common positive step between consecutive timestamps (per symbol), mapped to a timeframe. */
  timeframe: Timeframe | null;
  decimal: "." | ",";
  /** Distinct symbols seen in the sample (symbol column only, first 100). */
  symbols: string[];
  /** Data rows examined. */
  sampleRows: number;
  /**
   * Complete import options when every required field was found and the symbol is known (a symbol
   * column or `fallbackSymbol`); null otherwise.
   */
  options: TCsvImportOptionsInput | null;
  warnings: string[];
}

export interface DetectCsvFormatOptions {
  /** Timezone to put in `options` (default "UTC"). */
  timezone?: string;
  /** Symbol used when the file has no symbol column, e.g. from the file name (see symbolFromFileName). */
  fallbackSymbol?: string;
}

/** "data/AAPL.csv" → "AAPL", "msft_1d.csv" → "MSFT". Null when nothing usable remains. */
export function symbolFromFileName(fileName: string): string | null {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  // Drop the extension and a trailing timeframe tag ("-1d", "_5m", " 1h"), keeping "BTC-USD" intact.
  const stem = base.replace(/\.(csv|txt|tsv)(\.gz)?$/i, "").replace(/[-_\s](1m|5m|15m|30m|1h|4h|1d|d1|daily|minute|hourly)$/i, "");
  const sym = stem.split(/[_\s]/)[0]?.trim().toUpperCase() ?? "";
  return /^[A-Z0-9][A-Z0-9.\-=^:/]{0,31}$/.test(sym) ? sym : null;
}

/** Split one CSV line (RFC 4180 quotes, doubled quotes inside). Multi-line quoted fields are not supported here. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = "";
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"' && field.trim() === "") {
      inQuotes = true;
      field = "";
    } else if (ch === delimiter) {
      out.push(field);
      field = "";
    } else field += ch;
  }
  out.push(field);
  return out;
}

function normalizeName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Number parse for CSV cells: NaN for empty/blank, the decimal separator applied. */
export function parseCsvNumber(s: string, decimal: "." | "," = "."): number {
  const v = decimal === "," ? Number(s.replace(",", ".")) : Number(s);
  // Number("") and Number("  ") are 0: only accept 0 when the cell has a digit.
  if (v === 0 && !/\d/.test(s)) return NaN;
  return v;
}

/**
 * Timeframe from the most common positive difference between consecutive timestamps (per key, e.g.
 * per symbol). Daily data is 1d even with weekends and holidays: its mode is one day (a day or
 * more with DST shifts when timestamps are instants). Returns null for unsupported steps.
 */
export function detectTimeframe(
  timestamps: readonly number[],
  opts: { dateOnly?: boolean; keys?: readonly string[] } = {},
): Timeframe | null {
  if (timestamps.length === 0) return null;
  if (opts.dateOnly) return "1d";
  const last = new Map<string, number>();
  const counts = new Map<number, number>();
  let minDiff = Infinity;
  timestamps.forEach((t, i) => {
    if (!Number.isFinite(t)) return;
    const key = opts.keys?.[i] ?? "";
    const prev = last.get(key);
    last.set(key, t);
    if (prev === undefined) return;
    const d = t - prev;
    if (d <= 0) return;
    counts.set(d, (counts.get(d) ?? 0) + 1);
    if (d < minDiff) minDiff = d;
  });
  let mode = 0;
  let best = 0;
  for (const [d, c] of counts) if (c > best || (c === best && d < mode)) [mode, best] = [d, c];
  if (best === 0) return null;
  for (const [tf, ms] of Object.entries(TIMEFRAME_MS) as [Timeframe, number][]) if (tf !== "1d" && ms === mode) return tf;
  // Daily: 24 h (or 23/25 h across DST for instants); sparse daily data can have a mode of several days.
  if (mode >= 20 * 3_600_000 && mode <= 28 * 3_600_000) return "1d";
  if (minDiff >= 20 * 3_600_000 && Math.abs(mode - Math.round(mode / DAY) * DAY) <= 2 * 3_600_000) return "1d";
  return null;
}

/** Sample lines: BOM removed, empty lines dropped, a trailing partial line dropped. */
function sampleLines(sample: string): string[] {
  let text = sample.slice(0, DETECT_SAMPLE_BYTES * 2);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);
  // A sample cut from a larger file ends mid-line; a complete file ends with "" after its last newline.
  if (lines.length > 1 && !/[\r\n]$/.test(text)) lines.pop();
  return lines.filter((l) => l.trim() !== "").slice(0, MAX_SAMPLE_ROWS + 1);
}

/**
 * The delimiter that splits the first lines into the same number (≥ 2) of fields. ";", tab and "|"
 * win over "," when consistent, because "," also appears as a decimal separator in ";" files.
 */
function detectDelimiter(lines: readonly string[]): { delimiter: CsvDelimiter; consistent: boolean } {
  const head = lines.slice(0, 50);
  let fallback: { delimiter: CsvDelimiter; score: number } = { delimiter: ",", score: -1 };
  const consistent: CsvDelimiter[] = [];
  for (const d of CSV_DELIMITERS) {
    const counts = head.map((l) => splitCsvLine(l, d).length);
    const first = counts[0] ?? 1;
    if (first >= 2 && counts.every((c) => c === first)) consistent.push(d);
    // Inconsistent candidates: score = lines agreeing with the most common count (≥ 2 fields).
    const freq = new Map<number, number>();
    for (const c of counts) if (c >= 2) freq.set(c, (freq.get(c) ?? 0) + 1);
    const score = Math.max(0, ...freq.values());
    if (score > fallback.score) fallback = { delimiter: d, score };
  }
  const preferred = (["\t", ";", "|", ","] as const).find((d) => consistent.includes(d));
  return preferred ? { delimiter: preferred, consistent: true } : { delimiter: fallback.delimiter, consistent: false };
}

function looksNumeric(s: string): boolean {
  const t = s.trim();
  return t !== "" && Number.isFinite(parseCsvNumber(t, t.includes(",") && !t.includes(".") ? "," : "."));
}

function knownHeaderName(s: string): boolean {
  const n = normalizeName(s);
  return n !== "" && Object.values(SYNONYMS).some((list) => list.includes(n));
}

export function detectCsvFormat(sample: string, opts: DetectCsvFormatOptions = {}): CsvFormatDetection {
  const warnings: string[] = [];
  const lines = sampleLines(sample);
  const { delimiter, consistent } = detectDelimiter(lines);
  if (!consistent && lines.length > 1) warnings.push("rows have different field counts; delimiter guessed");
  const rows = lines.map((l) => splitCsvLine(l, delimiter).map((c) => c.trim()));
  const first = rows[0] ?? [];
  const second = rows[1] ?? [];

  // Header: known column names, or a text-only first row above rows with numbers.
  const known = first.filter(knownHeaderName).length;
  const firstHasData = first.some((c) => looksNumeric(c) || detectTimestampFormat([c]) !== null);
  const hasHeader = known >= 2 || (!firstHasData && second.some(looksNumeric));
  const header = hasHeader ? first : null;
  const data = hasHeader ? rows.slice(1) : rows;
  const columnCount = header?.length ?? first.length;
  const column = (i: number) => data.map((r) => r[i] ?? "");

  const idx: Partial<Record<CsvField | "symbol", number>> = {};
  const used = new Set<number>();
  const take = (field: CsvField | "symbol", i: number) => {
    idx[field] = i;
    used.add(i);
  };

  if (header) {
    const norm = header.map(normalizeName);
    const byName = (field: CsvField | "symbol") => {
      for (const syn of SYNONYMS[field]) {
        const i = norm.findIndex((n, j) => n === syn && !used.has(j));
        if (i >= 0) return take(field, i);
      }
    };
    // Specific names first so that "Adj Close" is never taken for close, nor "time" for the timestamp
    // when a better date column exists.
    for (const f of ["symbol", "adjClose", "open", "high", "low", "close", "volume", "vwap", "trades", "timestamp"] as const) byName(f);
    // A date-only timestamp column plus a time-of-day column (Date,Time,…).
    if (idx.timestamp !== undefined) {
      const ts = detectTimestampFormat(column(idx.timestamp));
      if (ts?.dateOnly) {
        const i = norm.findIndex((n, j) => !used.has(j) && SYNONYMS.time.includes(n));
        if (i >= 0 && column(i).every((v) => v === "" || !Number.isNaN(parseTimeOfDay(v)))) take("time", i);
      }
    }
  } else {
    warnings.push("no header row: columns guessed from their content");
    // Timestamp: the first column of dates/epochs (a numeric column only counts when it is the first).
    for (let i = 0; i < columnCount; i++) {
      const f = detectTimestampFormat(column(i));
      if (f && (i === 0 || !f.format.startsWith("unix"))) {
        take("timestamp", i);
        const next = column(i + 1);
        if (f.dateOnly && i + 1 < columnCount && next.every((v) => v.includes(":") && !Number.isNaN(parseTimeOfDay(v)))) take("time", i + 1);
        break;
      }
    }
    const numericCols: number[] = [];
    for (let i = 0; i < columnCount; i++) {
      if (used.has(i)) continue;
      const vals = column(i).filter((v) => v !== "");
      if (vals.length > 0 && vals.every(looksNumeric)) numericCols.push(i);
      else if (idx.symbol === undefined && vals.length > 0) take("symbol", i);
    }
    const order = ["open", "high", "low", "close", "volume"] as const;
    if (numericCols.length >= 4) order.forEach((f, k) => numericCols[k] !== undefined && take(f, numericCols[k]!));
  }

  // Timestamp format, zone and timeframe.
  let timestampFormat: TimestampFormat | null = null;
  let timestampZoned = false;
  let timeframe: Timeframe | null = null;
  const symbolCol = idx.symbol;
  const symbolsSeen = new Set<string>();
  if (symbolCol !== undefined) for (const r of data) if (r[symbolCol]) symbolsSeen.add(r[symbolCol]!.toUpperCase());

  if (idx.timestamp !== undefined) {
    const tsValues = column(idx.timestamp);
    const timeValues = idx.time !== undefined ? column(idx.time) : undefined;
    const guess = detectTimestampFormat(tsValues, timeValues);
    if (!guess) warnings.push(`column ${describe(header, idx.timestamp)} does not hold recognizable timestamps`);
    else {
      timestampFormat = guess.format;
      timestampZoned = guess.zoned;
      if (guess.ambiguousDayMonth) warnings.push("dates like 04/05/2021 read as month/day/year (no day > 12 in the sample)");
      const parser = createTimestampParser(guess.format);
      const ms: number[] = [];
      const keys: string[] = [];
      tsValues.forEach((v, i) => {
        const p = parser.parse(v, timeValues?.[i]);
        if (!p) return;
        ms.push(p.ms); // wall-clock or instant: both give bar steps without knowing the zone
        keys.push(symbolCol !== undefined ? (data[i]?.[symbolCol] ?? "") : "");
      });
      timeframe = detectTimeframe(ms, { dateOnly: guess.dateOnly, keys });
      if (!timeframe) warnings.push("timeframe not recognized (expected 1m, 5m, 15m, 1h, 4h or 1d steps)");
    }
  }

  // Decimal comma: price cells like 123,45 in a file that does not split on ",".
  let decimal: "." | "," = ".";
  if (delimiter !== "," && idx.close !== undefined) {
    const closes = column(idx.close).filter((v) => v !== "");
    if (closes.length > 0 && closes.filter((v) => /^-?\d+,\d+$/.test(v)).length / closes.length > 0.5) decimal = ",";
  }

  const missing = REQUIRED.filter((f) => idx[f] === undefined);
  if (missing.length) warnings.push(`columns not found: ${missing.join(", ")}`);

  // Mapping: header names when they are unique, else indexes.
  const ref = (i: number): TCsvColumnRef => {
    const name = header?.[i];
    if (name && header!.filter((h) => h.toLowerCase() === name.toLowerCase()).length === 1) return name;
    return i;
  };
  const mapping: Partial<TCsvMapping> = {};
  for (const f of ["timestamp", "time", "open", "high", "low", "close", "volume", "adjClose", "vwap", "trades"] as const) {
    const i = idx[f];
    if (i !== undefined) mapping[f] = ref(i);
  }
  if (symbolCol !== undefined) mapping.symbol = { column: ref(symbolCol) };

  const symbol = mapping.symbol ?? (opts.fallbackSymbol ? { value: opts.fallbackSymbol } : undefined);
  if (!symbol) warnings.push("no symbol column: pass a symbol for the whole file");
  const options: TCsvImportOptionsInput | null =
    missing.length === 0 && symbol
      ? {
          mapping: {
            ...(mapping as Omit<TCsvMapping, "symbol">),
            symbol,
          },
          timezone: opts.timezone ?? "UTC",
          timeframe: timeframe ?? "auto",
          timestampFormat: timestampFormat ?? "auto",
          delimiter,
          hasHeader,
          decimal,
        }
      : null;

  return {
    delimiter,
    hasHeader,
    header,
    columnCount,
    mapping,
    missing,
    timestampFormat,
    timestampZoned,
    timeframe,
    decimal,
    symbols: [...symbolsSeen].slice(0, 100),
    sampleRows: data.length,
    options,
    warnings,
  };
}

function describe(header: readonly string[] | null, i: number): string {
  return header?.[i] ? `"${header[i]}"` : `#${i}`;
}
