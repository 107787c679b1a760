/**
 * CSV bar import: format detection and streaming parsing.
 * This barrel pulls in node:stream and csv-parse (through parse-bars); client components that only
 * need detection import "@/lib/csv/detect" directly, which is plain string code.
 */
export { detectCsvFormat, detectTimeframe, parseCsvNumber, splitCsvLine, symbolFromFileName, DETECT_SAMPLE_BYTES } from "./detect";
export type { CsvFormatDetection, DetectCsvFormatOptions } from "./detect";
export { CSV_DELIMITERS, ZCsvColumnRef, ZCsvImportOptions, ZCsvMapping } from "./options";
export type { CsvDelimiter, CsvField, TCsvColumnRef, TCsvImportOptions, TCsvImportOptionsInput, TCsvMapping } from "./options";
export { parseCsvBars } from "./parse-bars";
export type { CsvBarChunk, CsvInput, CsvParseSummary, CsvRejectedRow, ParseCsvBarsOptions } from "./parse-bars";
export { TIMESTAMP_FORMATS, createTimestampParser, detectTimestampFormat, parseTimeOfDay } from "./timestamp";
export type { ParsedTimestamp, TimestampFormat, TimestampFormatGuess, TimestampParser } from "./timestamp";
export { createZoneConverter, isValidTimeZone, zoneOffsetMs, zonedToUtc } from "./timezone";
export type { ZoneConverter } from "./timezone";
