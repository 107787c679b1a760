import { z } from "zod";
import { TIMEFRAMES } from "../bars/timeframe";
import { TIMESTAMP_FORMATS } from "./timestamp";
import { isValidTimeZone } from "./timezone";

/** Field delimiters we detect and accept. */
export const CSV_DELIMITERS = [",", ";", "\t", "|"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** A column, by header name (case-insensitive, trimmed) or by 0-based index. */
export const ZCsvColumnRef = z.union([z.string().trim().min(1), z.number().int().min(0)]);
export type TCsvColumnRef = z.infer<typeof ZCsvColumnRef>;

/** Where each bar field comes from. */
export const ZCsvMapping = z.object({
  /** Date, datetime or unix epoch column. */
  timestamp: ZCsvColumnRef,
  /** Separate time-of-day column (files with `Date,Time,…`); combined with `timestamp`. */
  time: ZCsvColumnRef.optional(),
  open: ZCsvColumnRef,
  high: ZCsvColumnRef,
  low: ZCsvColumnRef,
  close: ZCsvColumnRef,
  /** Without a volume column every bar gets volume 0. */
  volume: ZCsvColumnRef.optional(),
  adjClose: ZCsvColumnRef.optional(),
  vwap: ZCsvColumnRef.optional(),
  trades: ZCsvColumnRef.optional(),
  /** A symbol column, or one fixed symbol for the whole file. Symbols are trimmed and upper-cased. */
  symbol: z.union([
    z.object({ column: ZCsvColumnRef }).strict(),
    z.object({ value: z.string().trim().min(1).max(64) }).strict(),
  ]),
});
export type TCsvMapping = z.infer<typeof ZCsvMapping>;
export type CsvField = Exclude<keyof TCsvMapping, "symbol">;

export const ZCsvImportOptions = z.object({
  mapping: ZCsvMapping,
  /**
   * Zone of timezone-naive timestamps ("UTC" or an IANA name such as "America/New_York").
   * Naive intraday times are converted to UTC; values with their own offset and unix epochs are
   * instants already. Daily bars keep their session date: ts = that date at 00:00 UTC.
   */
  timezone: z
    .string()
    .trim()
    .min(1)
    .default("UTC")
    .refine(isValidTimeZone, { message: "unknown time zone (use \"UTC\" or an IANA name like \"America/New_York\")" }),
  /** Bar timeframe; "auto" detects it from the first rows. */
  timeframe: z.union([z.enum(TIMEFRAMES), z.literal("auto")]).default("auto"),
  /** Timestamp format; "auto" detects it from the first rows. */
  timestampFormat: z.union([z.enum(TIMESTAMP_FORMATS), z.literal("auto")]).default("auto"),
  delimiter: z.enum(CSV_DELIMITERS).default(","),
  hasHeader: z.boolean().default(true),
  /** Decimal separator of numbers ("," for European exports, usually with ";" delimiters). */
  decimal: z.enum([".", ","]).default("."),
});
/** Parsed options (defaults applied). */
export type TCsvImportOptions = z.infer<typeof ZCsvImportOptions>;
/** Options as callers write them (defaults optional). */
export type TCsvImportOptionsInput = z.input<typeof ZCsvImportOptions>;
