import type { Redis } from "ioredis";
import { z } from "zod";
import type { Tick } from "@/lib/live/tick";

/**
 * The durable tick stream: collectors append batches of prints to a Redis Stream (one entry per batch,
 * so a busy feed costs one XADD per few thousand prints); the bar builder reads it with a consumer
 * group. Entry fields: src (provider), clk (source clock, ms), rcv (wall ms of the newest print's
 * arrival, empty for clock-only entries), d (JSON [symbol, ts, price, size, id?][]).
 */
export interface TickEntry {
  id: string;
  source: string;
  clock: number;
  receivedAt: number | null;
  ticks: Tick[];
}

const ZRow = z.tuple([z.string().min(1).max(32), z.number(), z.number(), z.number()]).rest(z.string());

export function encodeTicks(ticks: readonly Tick[]): string {
  const rows = ticks.map((t) => (t.id === undefined ? [t.symbol, t.ts, t.price, t.size] : [t.symbol, t.ts, t.price, t.size, t.id]));
  return JSON.stringify(rows);
}

/**
 * Parse one stream entry (flat [field, value, ...] as Redis returns it). Throws on a malformed entry. A
 * row with a symbol but a field that is not a number (a vendor's value out of float range is stored as
 * null) becomes a print with NaN there, which the bar builder rejects as invalid and quarantines: the
 * entry's other prints are kept.
 */
export function decodeEntry(id: string, fields: readonly string[]): TickEntry {
  let source = "";
  let clock = Number.NaN;
  let receivedAt: number | null = null;
  let data = "[]";
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const k = fields[i];
    const v = fields[i + 1]!;
    if (k === "src") source = v;
    else if (k === "clk") clock = Number(v);
    else if (k === "rcv") receivedAt = v === "" ? null : Number(v);
    else if (k === "d") data = v;
  }
  if (!source || !Number.isFinite(clock)) throw new Error(`tick entry ${id}: missing src/clk`);
  const raw: unknown = JSON.parse(data);
  if (!Array.isArray(raw)) throw new Error(`tick entry ${id}: d is not an array`);
  const ticks: Tick[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i] as unknown[];
    // Fast path for well-formed rows; zod only explains a bad one.
    if (Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "number" && typeof r[2] === "number" && typeof r[3] === "number") {
      ticks[i] = r.length > 4 ? { symbol: r[0], ts: r[1], price: r[2], size: r[3], id: String(r[4]) } : { symbol: r[0], ts: r[1], price: r[2], size: r[3] };
    } else if (Array.isArray(r) && typeof r[0] === "string" && r[0].length > 0 && r[0].length <= 32 && r.length >= 4) {
      const num = (x: unknown) => (typeof x === "number" ? x : Number.NaN);
      ticks[i] = { symbol: r[0], ts: num(r[1]), price: num(r[2]), size: num(r[3]) };
    } else {
      const p = ZRow.safeParse(r);
      throw new Error(`tick entry ${id}: row ${i} malformed${p.success ? "" : `: ${p.error.issues[0]?.message}`}`);
    }
  }
  return { id, source, clock, receivedAt, ticks };
}

/** Queue one XADD of a batch on `redis` (auto-pipelined by ioredis when called in a tight loop). */
export function xaddTicks(redis: Redis, key: string, source: string, clock: number, receivedAt: number | null, ticks: readonly Tick[]): Promise<string | null> {
  return redis.xadd(key, "*", "src", source, "clk", String(clock), "rcv", receivedAt === null ? "" : String(receivedAt), "d", encodeTicks(ticks));
}

export interface TickWriterOptions {
  redis: Redis;
  key: string;
  /** Flush when this many prints are buffered (default 2,000); otherwise on the next turn of the event loop. */
  maxBatch?: number;
  onError?: (err: Error) => void;
}

/**
 * Buffers prints from collector sinks (per source) and appends them in few, large entries: a flush is
 * scheduled with setImmediate, so prints that arrive in the same I/O turn share one XADD and nothing
 * waits for a timer. Clock-only calls produce a clock entry (needed to close bars on time).
 */
export class TickWriter {
  private readonly buf = new Map<string, { ticks: Tick[]; clock: number; receivedAt: number | null }>();
  private scheduled = false;
  private inflight: Promise<unknown> = Promise.resolve();
  private readonly maxBatch: number;
  appended = 0;
  entries = 0;

  constructor(private readonly opts: TickWriterOptions) {
    this.maxBatch = opts.maxBatch ?? 2_000;
  }

  push(source: string, ticks: readonly Tick[], clock: number, receivedAt: number | null = ticks.length > 0 ? Date.now() : null): void {
    let b = this.buf.get(source);
    if (!b) {
      b = { ticks: [], clock, receivedAt: null };
      this.buf.set(source, b);
    }
    for (const t of ticks) b.ticks.push(t);
    b.clock = Math.max(b.clock, clock);
    if (receivedAt !== null) b.receivedAt = Math.max(b.receivedAt ?? receivedAt, receivedAt);
    if (b.ticks.length >= this.maxBatch) this.flushNow();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushNow());
    }
  }

  private flushNow(): void {
    this.scheduled = false;
    if (this.buf.size === 0) return;
    const jobs: Promise<unknown>[] = [];
    for (const [source, b] of this.buf) {
      jobs.push(xaddTicks(this.opts.redis, this.opts.key, source, b.clock, b.receivedAt, b.ticks));
      this.appended += b.ticks.length;
      this.entries++;
    }
    this.buf.clear();
    this.inflight = Promise.all([this.inflight, ...jobs]).catch((err: Error) => this.opts.onError?.(err));
  }

  /** Flush the buffer and wait until every appended entry is in Redis. */
  async flush(): Promise<void> {
    this.flushNow();
    await this.inflight;
  }
}
