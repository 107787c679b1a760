import { randomBytes } from "node:crypto";
import type { BarColumns } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";
import { db, redis } from "../../db";
import { serverEnv } from "../../env";
import { logger } from "../../logger";
import { evalScript, luaScript } from "../../redis";

/**
 * Read-through cache of intraday bars in Redis, one packed chunk per (timeframe, symbol, UTC day).
 *
 * A month of 1m bars is ~8,000 rows; reading it from Postgres costs one COPY message and eight field
 * encodings per row (most of a ~12 ms query). Past days rarely change, so each is cached as one packed
 * value (8 float64 columns) and a month is one Redis round trip.
 *
 * Correctness without locks, through day tokens: each (timeframe, symbol, day) has a token key holding
 * a random value, and a chunk is stored under its day's token. A reader gets-or-creates the token BEFORE
 * it reads Postgres; a writer deletes the tokens of the days it changed AFTER its transaction commits. A
 * chunk built from data older than a commit is therefore stored under a token that no longer exists, and
 * is never read again (it expires). Tokens are random, never reused, so an expired token cannot make an
 * old chunk valid again. Keys carry the database's identity (oid and name), so a recreated database
 * never sees another one's chunks.
 *
 * Only days that have ended are cached (the current day changes every minute while live).
 */
export const DAY_CHUNK_TIMEFRAMES: readonly Timeframe[] = ["1m", "5m", "15m"];
const DAY = 86_400_000;
const TTL_S = 6 * 3600;
/** Longest range (in days) served through the cache; longer reads go straight to Postgres. */
export const MAX_CHUNK_DAYS = 62;

const g = globalThis as unknown as { __mssDbIdentity?: Promise<string> };

/** "<oid>:<name>" of the connected database (once per process). */
function dbIdentity(): Promise<string> {
  g.__mssDbIdentity ??= db()
    .$client<{ id: string }[]>`select oid::text || ':' || datname as id from pg_database where datname = current_database()`
    .then((r) => r[0]!.id)
    .catch((err: unknown) => {
      g.__mssDbIdentity = undefined;
      throw err;
    });
  return g.__mssDbIdentity;
}

const base = async (tf: Timeframe, symbol: string) => `${serverEnv().QUEUE_PREFIX}:bars-day:${await dbIdentity()}:${tf}:${symbol}`;
const tokenKey = (b: string, day: number) => `${b}:${day}:token`;
/** Must match READ_SCRIPT: the token key, then ":chunk:" and the token. */
const chunkKey = (b: string, day: number, token: string) => `${tokenKey(b, day)}:chunk:${token}`;

/** Get-or-create each day's token, and return [token, chunk or false] per day, in one round trip. */
const READ_SCRIPT = luaScript(`local out = {}
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local t = redis.call('GET', KEYS[i])
  if not t then
    t = ARGV[i + 1]
    redis.call('SET', KEYS[i], t, 'EX', ttl)
  end
  out[2 * i - 1] = t
  out[2 * i] = redis.call('GET', KEYS[i] .. ':chunk:' .. t)
end
return out`);

export const dayStart = (ts: number) => Math.floor(ts / DAY) * DAY;

/** The UTC days covering [from, to). */
export function daysOf(from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = dayStart(from); d < to; d += DAY) out.push(d);
  return out;
}

export interface DayChunkRead {
  /** Per day (same order as asked): its bars, or null when not cached (read it and `store` it). */
  chunks: (BarColumns | null)[];
  /** Store the days that were missing (only ended days; call with the bars just read from Postgres). */
  store: (day: number, bars: BarColumns) => Promise<void>;
}

/**
 * Cached chunks of the given days (ascending UTC day starts) of one symbol. Days that have not ended by
 * `now` are never cached (always null). Null when Redis cannot be used: the caller reads Postgres.
 */
export async function readDayChunks(tf: Timeframe, symbol: string, days: readonly number[], now = Date.now()): Promise<DayChunkRead | null> {
  try {
    const b = await base(tf, symbol);
    const ended = days.filter((d) => d + DAY <= now);
    const chunks: (BarColumns | null)[] = days.map(() => null);
    const tokens = new Map<number, string>();
    if (ended.length > 0) {
      const args: (string | number)[] = [ended.length, ...ended.map((d) => tokenKey(b, d)), TTL_S, ...ended.map(() => randomBytes(9).toString("base64url"))];
      const res = (await evalScript(redis(), READ_SCRIPT, args, { buffers: true })) as Buffer[];
      const at = new Map(days.map((d, i) => [d, i]));
      ended.forEach((d, k) => {
        tokens.set(d, res[2 * k]!.toString());
        const c = res[2 * k + 1];
        if (c && c.length > 0) chunks[at.get(d)!] = unpack(c);
      });
    }
    return {
      chunks,
      store: async (day, bars) => {
        const token = tokens.get(day);
        if (token === undefined) return;
        await redis().set(chunkKey(b, day, token), pack(bars), "EX", TTL_S);
      },
    };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "day-chunk cache unavailable; reading Postgres");
    return null;
  }
}

/**
 * After a committed write: forget the tokens of the days it touched, per timeframe and symbol, in one
 * pipeline. A failure is logged: the cached chunks then stay valid until their TTL, so callers should not
 * skip this.
 */
export async function invalidateDayChunks(timeframes: readonly Timeframe[], spans: readonly { symbol: string; lo: number; hi: number }[]): Promise<void> {
  const tfs = timeframes.filter((tf) => DAY_CHUNK_TIMEFRAMES.includes(tf));
  if (tfs.length === 0 || spans.length === 0) return;
  try {
    const pipe = redis().pipeline();
    for (const tf of tfs) {
      for (const s of spans) {
        const b = await base(tf, s.symbol);
        const keys = daysOf(s.lo, s.hi + 1).map((d) => tokenKey(b, d));
        for (let i = 0; i < keys.length; i += 1000) pipe.del(...keys.slice(i, i + 1000));
      }
    }
    await pipe.exec();
  } catch (err) {
    logger.error({ err: (err as Error).message, timeframes: tfs }, "day-chunk invalidation failed: cached intraday bars may be stale until their TTL");
  }
}

/** n (uint32 LE) + 8 columns of n float64 (platform order: little-endian on x86-64 and arm64) (ts, open, high, low, close, volume, vwap, trades). */
export function pack(c: BarColumns): Buffer {
  const n = c.length;
  const ab = new ArrayBuffer(8 + 64 * n); // own allocation: the float view needs 8-byte alignment
  const buf = Buffer.from(ab);
  buf.writeUInt32LE(n, 0);
  buf.writeUInt32LE(0, 4);
  const f = new Float64Array(ab, 8, 8 * n);
  [c.ts, c.open, c.high, c.low, c.close, c.volume, c.vwap, c.trades].forEach((col, k) => f.set(col.subarray(0, n), k * n));
  return buf;
}

export function unpack(buf: Buffer): BarColumns {
  const n = buf.readUInt32LE(0);
  if (buf.length !== 8 + 64 * n) throw new Error(`day chunk: ${buf.length} bytes for ${n} bars`);
  // Copy into an aligned allocation (a Redis reply buffer may start at any offset).
  const store = new Float64Array(8 * n);
  new Uint8Array(store.buffer).set(buf.subarray(8));
  const col = (k: number) => store.subarray(k * n, (k + 1) * n);
  return { length: n, ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5), vwap: col(6), trades: col(7) };
}
