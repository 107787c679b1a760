/**
 * Streaming CSV → bar columns. Reads any size of file with bounded memory: records are pulled from
 * csv-parse one at a time (backpressure reaches the input), rows are packed into typed-array
 * batches of `chunkSize`, and each batch is yielded grouped by symbol before the next is read.
 * Pure parsing: storing, sorting, de-duplication and quality checks happen downstream.
 */
import { Readable } from "node:stream";
import { Parser } from "csv-parse";
import { z } from "zod";
import { emptyColumns, type BarColumns } from "../bars/columns";
import { isSymbolCode, SYMBOL_CODE_HINT } from "../bars/symbol";
import type { Timeframe } from "../bars/timeframe";
import { AppError } from "../errors";
import { detectTimeframe, parseCsvNumber } from "./detect";
import { ZCsvImportOptions, type TCsvColumnRef, type TCsvImportOptions, type TCsvImportOptionsInput } from "./options";
import { createTimestampParser, detectTimestampFormat, type TimestampFormat } from "./timestamp";
import { createZoneConverter } from "./timezone";

const DAY = 86_400_000;
/** Data rows read before resolving "auto" timestamp format and timeframe. */
const LOOKAHEAD_ROWS = 1_000;
/** Rejected rows keep at most this much of the row text. */
const MAX_RAW_CHARS = 500;
/**
 * Default longest record (characters, all cells of one row, header included). A bar row is well under
 * 1 KB; a longer one is a binary file or one without line breaks, which would otherwise be buffered whole.
 */
export const MAX_RECORD_CHARS = 65_536;
/** Raw symbol cells longer than this are not cached (the cache holds at most 100 000 cells). */
const MAX_CACHED_SYMBOL_CELL = 64;
/** symbolId() results that are not symbol ids. */
const EMPTY_SYMBOL = -1;
const INVALID_SYMBOL = -2;

export interface CsvRejectedRow {
  /** 1-based line number in the file (the last line of a row that spans several lines). */
  line: number;
  reason: string;
  /** The row's cells joined with the delimiter (quotes removed), truncated to 500 characters. */
  raw: string;
}

export interface CsvBarChunk {
  /** Upper-cased symbol. "" only for a chunk holding nothing but rows whose symbol could not be read. */
  symbol: string;
  timeframe: Timeframe;
  /** File order (not sorted, not de-duplicated). vwap and trades are NaN when the file has no such column. */
  bars: BarColumns;
  /** Adjusted close per bar when mapped (NaN for empty cells), else null. */
  adjClose: Float64Array | null;
  /**
   * Rows of this batch that could not be parsed. Each rejected row is reported once: in the chunk
   * of its symbol when that cell was readable, otherwise in the batch's first chunk.
   */
  rejected: CsvRejectedRow[];
}

export interface CsvParseSummary {
  rows: number;
  rejected: number;
  symbols: string[];
  /** Null only when the file has no data rows and the timeframe was "auto". */
  timeframe: Timeframe | null;
  timestampFormat: TimestampFormat | null;
}

export interface ParseCsvBarsOptions {
  /** Rows per batch (bars + rejected); each batch is yielded as one chunk per symbol. */
  chunkSize?: number;
  /** Longest record in characters (default MAX_RECORD_CHARS); a longer one stops the parse with UNPROCESSABLE. */
  maxRecordChars?: number;
}

export type CsvInput = NodeJS.ReadableStream | AsyncIterable<string | Uint8Array>;

interface TaggedRecord {
  line: number;
  cells: string[];
}

/**
 * csv-parse Parser that tags each record with the line it ends on. `info: true` gives the same number
 * but copies the whole info object per record (twice the parse time on large files); here the live
 * `info.lines` counter is read at the moment the record is pushed.
 */
class LineTaggingParser extends Parser {
  private lastRawLines = 0;
  /** csv-parse counts a CRLF inside a quoted cell as two lines; this is the running excess. */
  private crlfInCells = 0;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding);
    const cells = chunk as string[];
    const raw = this.info.lines;
    // Only rows spanning several lines (or following blank lines) can hold line breaks in cells.
    if (raw - this.lastRawLines > 1) {
      for (const c of cells) if (c.includes("\r\n")) this.crlfInCells += c.split("\r\n").length - 1;
    }
    this.lastRawLines = raw;
    const tagged: TaggedRecord = { line: raw - this.crlfInCells, cells };
    return super.push(tagged, encoding);
  }

  /** Correct a raw csv-parse line number (e.g. from a skipped-record error). */
  fileLine(rawLine: number): number {
    return rawLine - this.crlfInCells;
  }
}

/** Typed-array batch of parsed rows, reused between flushes. */
class Batch {
  n = 0;
  readonly cols: BarColumns;
  readonly adj: Float64Array | null;
  readonly sym: Int32Array;
  /** Rejected rows with their symbol id (−1 when unknown). */
  rejected: { row: CsvRejectedRow; sym: number }[] = [];

  constructor(readonly capacity: number, withAdj: boolean) {
    this.cols = emptyColumns(capacity);
    this.adj = withAdj ? new Float64Array(capacity) : null;
    this.sym = new Int32Array(capacity);
  }

  get size(): number {
    return this.n + this.rejected.length;
  }

  /** Split into one chunk per symbol (first-appearance order) with exact-size copies; then reset. */
  flush(symbols: readonly string[], timeframe: Timeframe, unknownSymbol: string): CsvBarChunk[] {
    const { n, cols, adj, sym } = this;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(sym[i]!, (counts.get(sym[i]!) ?? 0) + 1);
    for (const r of this.rejected) if (r.sym >= 0 && !counts.has(r.sym)) counts.set(r.sym, 0);
    if (counts.size === 0 && this.rejected.length > 0) counts.set(-1, 0);

    const chunks = new Map<number, CsvBarChunk>();
    for (const [id, count] of counts) {
      const bars = emptyColumns(count);
      bars.length = count;
      chunks.set(id, { symbol: id >= 0 ? symbols[id]! : unknownSymbol, timeframe, bars, adjClose: adj ? new Float64Array(count) : null, rejected: [] });
    }
    if (counts.size === 1 && n > 0) {
      // One symbol (the usual file): block copies.
      const c = chunks.values().next().value!;
      for (const f of ["ts", "open", "high", "low", "close", "volume", "vwap", "trades"] as const) c.bars[f].set(cols[f].subarray(0, n));
      if (adj) c.adjClose!.set(adj.subarray(0, n));
    } else if (n > 0) {
      const fill = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const id = sym[i]!;
        const c = chunks.get(id)!;
        const j = fill.get(id) ?? 0;
        fill.set(id, j + 1);
        const b = c.bars;
        b.ts[j] = cols.ts[i]!;
        b.open[j] = cols.open[i]!;
        b.high[j] = cols.high[i]!;
        b.low[j] = cols.low[i]!;
        b.close[j] = cols.close[i]!;
        b.volume[j] = cols.volume[i]!;
        b.vwap[j] = cols.vwap[i]!;
        b.trades[j] = cols.trades[i]!;
        if (adj) c.adjClose![j] = adj[i]!;
      }
    }
    const firstChunk = chunks.values().next().value;
    for (const r of this.rejected) (chunks.get(r.sym) ?? firstChunk)?.rejected.push(r.row);

    this.n = 0;
    this.rejected = [];
    return [...chunks.values()];
  }
}

/** A symbol cell for a rejection reason: quoted, at most 40 characters of it. */
function shownSymbol(cell: string): string {
  const s = cell.trim();
  return s.length > 40 ? `${JSON.stringify(s.slice(0, 40))}… (${s.length} characters)` : JSON.stringify(s);
}

/** Resolve a mapping entry to a cell index. Throws when the column does not exist. */
function columnIndex(ref: TCsvColumnRef, field: string, header: readonly string[] | null, columnCount: number): number {
  if (typeof ref === "number") {
    if (ref >= columnCount) {
      throw new AppError("BAD_REQUEST", { message: `CSV mapping: ${field} is column #${ref} but rows have ${columnCount} columns` });
    }
    return ref;
  }
  if (!header) {
    throw new AppError("BAD_REQUEST", { message: `CSV mapping: ${field} names column "${ref}" but the file has no header row; use a column index` });
  }
  const want = ref.trim().toLowerCase();
  const i = header.findIndex((h) => h.trim().toLowerCase() === want);
  if (i < 0) {
    throw new AppError("BAD_REQUEST", {
      message: `CSV mapping: column "${ref}" (${field}) not found; header is ${header.map((h) => JSON.stringify(h)).join(", ")}`,
    });
  }
  return i;
}

/** Everything the per-row conversion needs, resolved once from the header and the first rows. */
interface RowPlan {
  columnCount: number;
  iTs: number;
  iTime: number;
  iOpen: number;
  iHigh: number;
  iLow: number;
  iClose: number;
  iVolume: number;
  iAdj: number;
  iVwap: number;
  iTrades: number;
  iSymbol: number;
  timestampFormat: TimestampFormat;
  timeframe: Timeframe;
}

function planRows(opts: TCsvImportOptions, header: readonly string[] | null, firstRows: readonly TaggedRecord[]): RowPlan {
  const columnCount = header?.length ?? firstRows[0]?.cells.length ?? 0;
  const m = opts.mapping;
  const col = (ref: TCsvColumnRef | undefined, field: string) => (ref === undefined ? -1 : columnIndex(ref, field, header, columnCount));
  const plan: Omit<RowPlan, "timestampFormat" | "timeframe"> = {
    columnCount,
    iTs: col(m.timestamp, "timestamp"),
    iTime: col(m.time, "time"),
    iOpen: col(m.open, "open"),
    iHigh: col(m.high, "high"),
    iLow: col(m.low, "low"),
    iClose: col(m.close, "close"),
    iVolume: col(m.volume, "volume"),
    iAdj: col(m.adjClose, "adjClose"),
    iVwap: col(m.vwap, "vwap"),
    iTrades: col(m.trades, "trades"),
    iSymbol: "column" in m.symbol ? col(m.symbol.column, "symbol") : -1,
  };

  // Sample cells of rows that have the expected shape.
  const sample = firstRows.filter((r) => r.cells.length === columnCount);
  const tsCells = sample.map((r) => r.cells[plan.iTs] ?? "");
  const timeCells = plan.iTime >= 0 ? sample.map((r) => r.cells[plan.iTime] ?? "") : undefined;

  let timestampFormat: TimestampFormat;
  let dateOnly = false;
  if (opts.timestampFormat === "auto") {
    // A lower bar than file detection: a short file may be mostly bad rows, which are then rejected.
    const guess = detectTimestampFormat(tsCells, timeCells, 0.5);
    if (!guess) {
      if (sample.length === 0) return { ...plan, timestampFormat: "iso-date", timeframe: opts.timeframe === "auto" ? "1d" : opts.timeframe };
      throw new AppError("UNPROCESSABLE", {
        message: `CSV: timestamps not recognized (first value ${JSON.stringify(tsCells[0] ?? "")}); set timestampFormat`,
      });
    }
    timestampFormat = guess.format;
    dateOnly = guess.dateOnly;
  } else timestampFormat = opts.timestampFormat;

  let timeframe: Timeframe;
  if (opts.timeframe === "auto") {
    const parser = createTimestampParser(timestampFormat);
    const ms: number[] = [];
    const keys: string[] = [];
    let anyTime = false;
    sample.forEach((r, k) => {
      const p = parser.parse(tsCells[k]!, timeCells?.[k]);
      if (!p) return;
      anyTime ||= p.hasTime;
      ms.push(p.ms);
      keys.push(plan.iSymbol >= 0 ? (r.cells[plan.iSymbol] ?? "").trim().toUpperCase() : "");
    });
    const tf = detectTimeframe(ms, { dateOnly: dateOnly || (ms.length > 0 && !anyTime), keys });
    if (!tf) {
      throw new AppError("UNPROCESSABLE", { message: "CSV: could not detect the timeframe from the first rows; set timeframe explicitly" });
    }
    timeframe = tf;
  } else timeframe = opts.timeframe;

  return { ...plan, timestampFormat, timeframe };
}

/**
 * Parse a CSV stream of OHLCV rows into per-symbol typed-array chunks.
 *
 * - Memory is bounded by `chunkSize` and csv-parse's buffers, whatever the file size: the next
 *   batch is read only when the consumer asks for the next chunk.
 * - Rows that cannot be parsed (wrong column count, bad number, bad or impossible date, empty
 *   symbol, a symbol that breaks the symbol rule (lib/bars/symbol), CSV syntax errors) are reported
 *   in `rejected` with their line number, never dropped.
 * - A record longer than `maxRecordChars` stops the parse with AppError("UNPROCESSABLE"): memory stays
 *   bounded on a file without line breaks.
 * - Timestamps: naive intraday times are wall-clock in `timezone` and become UTC (DST-aware);
 *   daily bars get their session date at 00:00 UTC.
 * - Throws AppError for a broken contract: invalid options (a fixed symbol that breaks the symbol rule
 *   included), a mapped column missing from the header, or an "auto" format/timeframe that cannot be detected.
 *
 * The generator's return value (for callers that drive it by hand) is a CsvParseSummary.
 */
export async function* parseCsvBars(
  input: CsvInput,
  options: TCsvImportOptionsInput,
  { chunkSize = 50_000, maxRecordChars = MAX_RECORD_CHARS }: ParseCsvBarsOptions = {},
): AsyncGenerator<CsvBarChunk, CsvParseSummary, undefined> {
  const parsedOpts = ZCsvImportOptions.safeParse(options);
  if (!parsedOpts.success) {
    throw new AppError("BAD_REQUEST", {
      message: `invalid CSV import options: ${z.prettifyError(parsedOpts.error)}`,
      userMessage: "Invalid CSV import settings.",
    });
  }
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (!Number.isInteger(maxRecordChars) || maxRecordChars < 1) throw new RangeError(`maxRecordChars must be a positive integer, got ${maxRecordChars}`);
  const opts = parsedOpts.data;
  const { delimiter, decimal } = opts;
  const zone = createZoneConverter(opts.timezone);
  const fixedSymbol = "value" in opts.mapping.symbol ? opts.mapping.symbol.value.toUpperCase() : null;
  if (fixedSymbol !== null && !isSymbolCode(fixedSymbol)) {
    throw new AppError("BAD_REQUEST", { userMessage: `Invalid CSV import settings: symbol ${JSON.stringify(fixedSymbol)} is not a valid symbol (${SYMBOL_CODE_HINT})` });
  }

  // csv-parse: syntax errors are skipped and reported through on_skip; column counts are checked here.
  // An over-long record is not skippable (its end may be hundreds of MB away): on_skip throws, which
  // csv-parse turns into the stream's error.
  const syntaxErrors: CsvRejectedRow[] = [];
  const parser = new LineTaggingParser({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordChars,
    on_skip: (err) => {
      const rawLine = Number(err?.["lines"]) || 0;
      if (err?.code === "CSV_MAX_RECORD_SIZE") {
        throw new AppError("UNPROCESSABLE", {
          message: `CSV record at line ${parser.fileLine(rawLine)} exceeds ${maxRecordChars} characters`,
          userMessage: `CSV line ${parser.fileLine(rawLine)} is longer than ${maxRecordChars} characters: not a bar file, or its line breaks are missing`,
        });
      }
      syntaxErrors.push({ line: parser.fileLine(rawLine), reason: `CSV syntax: ${err?.message ?? "unreadable record"}`, raw: "" });
      return undefined;
    },
  });
  const source = input instanceof Readable ? input : Readable.from(input as AsyncIterable<string | Uint8Array>);
  source.on("error", (err) => parser.destroy(err));
  source.pipe(parser);

  // Symbols: the id is the index in `symbols`; raw cells are cached to skip trim/upper-case per row.
  const symbols: string[] = [];
  const symbolIds = new Map<string, number>();
  const rawSymbolIds = new Map<string, number>();
  if (fixedSymbol !== null) {
    symbols.push(fixedSymbol);
    symbolIds.set(fixedSymbol, 0);
  }
  /** Symbol id of a cell; EMPTY_SYMBOL or INVALID_SYMBOL (breaks the symbol rule) otherwise. */
  const symbolId = (cell: string): number => {
    let id = rawSymbolIds.get(cell);
    if (id !== undefined) return id;
    const s = cell.trim().toUpperCase();
    if (s === "") return EMPTY_SYMBOL;
    if (!isSymbolCode(s)) id = INVALID_SYMBOL;
    else {
      id = symbolIds.get(s);
      if (id === undefined) {
        id = symbols.length;
        symbols.push(s);
        symbolIds.set(s, id);
      }
    }
    if (rawSymbolIds.size < 100_000 && cell.length <= MAX_CACHED_SYMBOL_CELL) rawSymbolIds.set(cell, id);
    return id;
  };

  const withAdj = opts.mapping.adjClose !== undefined;
  const batch = new Batch(chunkSize, withAdj);
  let header: string[] | null = null;
  let headerPending = opts.hasHeader;
  // Lookahead rows are held until the plan (columns, format, timeframe) is resolved.
  const st: { pending: TaggedRecord[]; plan: RowPlan | null; convert: ((cells: string[], line: number) => void) | null } = {
    pending: [],
    plan: null,
    convert: null,
  };
  let rows = 0;
  let rejectedCount = 0;

  const reject = (line: number, reason: string, cells: readonly string[] | null, sym: number) => {
    const raw = cells ? cells.join(delimiter) : "";
    batch.rejected.push({ row: { line, reason, raw: raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw }, sym });
    rejectedCount++;
  };

  /** Build the hot per-row converter once the plan is known. */
  const makeConverter = (p: RowPlan) => {
    const tsParser = createTimestampParser(p.timestampFormat);
    const daily = p.timeframe === "1d";
    const { columnCount, iTs, iTime, iOpen, iHigh, iLow, iClose, iVolume, iAdj, iVwap, iTrades, iSymbol } = p;
    const num = decimal === "," ? (s: string) => parseCsvNumber(s, ",") : (s: string) => parseCsvNumber(s, ".");
    /** Optional numeric cell: NaN when blank, null when present but not a number. */
    const optional = (s: string): number | null => {
      const v = num(s);
      if (!Number.isNaN(v)) return Number.isFinite(v) ? v : null;
      return s.trim() === "" ? NaN : null;
    };

    return (cells: string[], line: number): void => {
      // Column count first: a short or long row's cells are misaligned, its symbol cell included.
      if (cells.length !== columnCount) return reject(line, `expected ${columnCount} columns, got ${cells.length}`, cells, -1);
      const sym = iSymbol >= 0 ? symbolId(cells[iSymbol]!) : 0;
      if (sym === EMPTY_SYMBOL) return reject(line, "empty symbol", cells, -1);
      if (sym === INVALID_SYMBOL) return reject(line, `invalid symbol ${shownSymbol(cells[iSymbol]!)} (${SYMBOL_CODE_HINT})`, cells, -1);

      const tsCell = cells[iTs]!;
      const parsed = tsParser.parse(tsCell, iTime >= 0 ? cells[iTime]! : undefined);
      if (!parsed) {
        const shown = iTime >= 0 ? `${tsCell} ${cells[iTime]}` : tsCell;
        return reject(line, `bad timestamp ${JSON.stringify(shown)} (expected ${p.timestampFormat})`, cells, sym);
      }
      let ts: number;
      if (daily) {
        // Session date at 00:00 UTC: the wall-clock date, for instants in the file's zone.
        const local = parsed.zoned ? zone.toLocal(parsed.ms) : parsed.ms;
        ts = Math.floor(local / DAY) * DAY;
      } else ts = parsed.zoned ? parsed.ms : zone.toUtc(parsed.ms);

      const o = num(cells[iOpen]!);
      const h = num(cells[iHigh]!);
      const l = num(cells[iLow]!);
      const c = num(cells[iClose]!);
      const v = iVolume >= 0 ? num(cells[iVolume]!) : 0;
      if (!Number.isFinite(o)) return reject(line, `bad number in open: ${JSON.stringify(cells[iOpen])}`, cells, sym);
      if (!Number.isFinite(h)) return reject(line, `bad number in high: ${JSON.stringify(cells[iHigh])}`, cells, sym);
      if (!Number.isFinite(l)) return reject(line, `bad number in low: ${JSON.stringify(cells[iLow])}`, cells, sym);
      if (!Number.isFinite(c)) return reject(line, `bad number in close: ${JSON.stringify(cells[iClose])}`, cells, sym);
      if (!Number.isFinite(v)) return reject(line, `bad number in volume: ${JSON.stringify(cells[iVolume])}`, cells, sym);
      const adj = iAdj >= 0 ? optional(cells[iAdj]!) : NaN;
      if (adj === null) return reject(line, `bad number in adjClose: ${JSON.stringify(cells[iAdj])}`, cells, sym);
      const vwap = iVwap >= 0 ? optional(cells[iVwap]!) : NaN;
      if (vwap === null) return reject(line, `bad number in vwap: ${JSON.stringify(cells[iVwap])}`, cells, sym);
      const trades = iTrades >= 0 ? optional(cells[iTrades]!) : NaN;
      if (trades === null) return reject(line, `bad number in trades: ${JSON.stringify(cells[iTrades])}`, cells, sym);

      const b = batch;
      const i = b.n++;
      const cols = b.cols;
      cols.ts[i] = ts;
      cols.open[i] = o;
      cols.high[i] = h;
      cols.low[i] = l;
      cols.close[i] = c;
      cols.volume[i] = v;
      cols.vwap[i] = vwap;
      cols.trades[i] = trades;
      if (b.adj) b.adj[i] = adj;
      b.sym[i] = sym;
      rows++;
    };
  };

  const unknownSymbol = fixedSymbol ?? "";
  /** Timeframe for chunks: the plan's, or the option's when no data row was seen. */
  const chunkTimeframe = (): Timeframe => st.plan?.timeframe ?? (opts.timeframe === "auto" ? "1d" : opts.timeframe);
  /** Resolve the plan from the lookahead rows; returns those rows for conversion. */
  const startPlan = (): TaggedRecord[] => {
    st.plan = planRows(opts, header, st.pending);
    st.convert = makeConverter(st.plan);
    const first = st.pending;
    st.pending = [];
    return first;
  };
  const drainSyntaxErrors = () => {
    for (const e of syntaxErrors.splice(0)) {
      batch.rejected.push({ row: e, sym: -1 });
      rejectedCount++;
    }
  };

  try {
    for await (const rec of parser as AsyncIterable<TaggedRecord>) {
      if (syntaxErrors.length) drainSyntaxErrors();
      if (headerPending) {
        header = rec.cells.map((c) => c.trim());
        headerPending = false;
        continue;
      }
      const convert = st.convert;
      if (convert) {
        convert(rec.cells, rec.line);
        if (batch.size >= chunkSize) yield* batch.flush(symbols, chunkTimeframe(), unknownSymbol);
        continue;
      }
      st.pending.push(rec);
      if (st.pending.length < LOOKAHEAD_ROWS) continue;
      for (const r of startPlan()) {
        st.convert!(r.cells, r.line);
        if (batch.size >= chunkSize) yield* batch.flush(symbols, chunkTimeframe(), unknownSymbol);
      }
    }

    // End of input: short files never filled the lookahead.
    if (!st.convert && st.pending.length > 0) {
      for (const r of startPlan()) {
        st.convert!(r.cells, r.line);
        if (batch.size >= chunkSize) yield* batch.flush(symbols, chunkTimeframe(), unknownSymbol);
      }
    }
    drainSyntaxErrors();
    if (batch.size > 0) yield* batch.flush(symbols, chunkTimeframe(), unknownSymbol);
  } finally {
    // Normal end: no-ops. Early exit by the consumer (break/return/throw): release the input.
    parser.destroy();
    if ("destroy" in source && typeof source.destroy === "function") source.destroy();
  }

  return {
    rows,
    rejected: rejectedCount,
    symbols,
    timeframe: st.plan?.timeframe ?? (opts.timeframe === "auto" ? null : opts.timeframe),
    timestampFormat: st.plan?.timestampFormat ?? (opts.timestampFormat === "auto" ? null : opts.timestampFormat),
  };
}
