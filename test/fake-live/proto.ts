import type { YahooSnapshot } from "./types";

/**
 * Minimal protobuf writer for the fake Yahoo streamer: encodes a PricingData message (the field
 * numbers of Yahoo's finance streamer schema) so the collector's decoder is tested against bytes
 * it did not produce itself.
 */

function varint(n: number, out: number[]): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`);
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function key(field: number, wire: number, out: number[]): void {
  varint(field * 8 + wire, out);
}

function str(field: number, s: string, out: number[]): void {
  const b = Buffer.from(s, "utf8");
  key(field, 2, out);
  varint(b.length, out);
  out.push(...b);
}

function float(field: number, x: number, out: number[]): void {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  key(field, 5, out);
  out.push(...b);
}

function sint(field: number, n: number, out: number[]): void {
  key(field, 0, out);
  varint(zigzag(n), out);
}

function int(field: number, n: number, out: number[]): void {
  key(field, 0, out);
  varint(n, out);
}

/** PricingData → bytes. Zero/absent fields are omitted, as proto3 does. */
export function encodePricingData(s: YahooSnapshot): Buffer {
  const out: number[] = [];
  str(1, s.id, out);
  float(2, s.price, out);
  sint(3, s.time, out);
  str(4, "USD", out);
  if (s.exchange) str(5, s.exchange, out);
  if (s.quoteType) int(6, s.quoteType, out);
  if (s.marketHours) int(7, s.marketHours, out);
  if (s.changePercent !== undefined) float(8, s.changePercent, out);
  if (s.dayVolume) sint(9, s.dayVolume, out);
  if (s.priceHint) sint(27, s.priceHint, out);
  return Buffer.from(out);
}

export function pricingBase64(s: YahooSnapshot): string {
  return encodePricingData(s).toString("base64");
}
