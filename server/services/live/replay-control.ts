import type { Redis } from "ioredis";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { sessionOf, tradingDays } from "@/lib/calendar";
import { db, redis } from "../../db";
import { serverEnv } from "../../env";
import { recordAudit } from "../audit/record-audit";
import { liveKeys } from "./keys";
import { streamedSymbols } from "./live-status";

/**
 * Replay requests travel from the web (an admin starts a replay) to the collector supervisor of the
 * ingest role through one Redis key: the supervisor polls it and (re)starts its replay collector when
 * the request id changes.
 */
export const ZReplayRequest = z.object({
  id: z.string().min(1).max(64),
  symbols: z.array(z.string().min(1).max(32)).min(1).max(500),
  from: z.number().int(),
  to: z.number().int(),
  speed: z.number().min(1).max(1000),
  requestedBy: z.string().nullable(),
  requestedAt: z.number(),
});
export type TReplayRequest = z.infer<typeof ZReplayRequest>;

export interface StartReplayOptions {
  symbols: string[];
  /** A session day (UTC date, YYYY-MM-DD): replays that day's NYSE session (or the whole UTC day for crypto). */
  day?: string;
  from?: number;
  to?: number;
  speed: number;
  userId: string | null;
}

/** The last NYSE session that has fully closed before `now` (UTC midnight of its day). */
export function lastClosedSession(now: number): { day: number; open: number; close: number } {
  const days = tradingDays("NYSE", now - 10 * 86_400_000, now);
  for (let i = days.length - 1; i >= 0; i--) {
    const s = sessionOf("NYSE", days[i]!);
    if (s && s.close <= now) return { day: days[i]!, ...s };
  }
  throw new Error("no closed NYSE session in the last 10 days");
}

export async function startReplay(opts: StartReplayOptions, client: Redis = redis()): Promise<TReplayRequest> {
  const symbols = [...new Set(opts.symbols.map((s) => s.trim().toUpperCase()).filter(Boolean))];
  const known = await db().$client<{ symbol: string }[]>`select symbol from symbols where symbol = any(${db().$client.array(symbols)}::text[]) and active`;
  const missing = symbols.filter((s) => !known.some((k) => k.symbol === s));
  if (missing.length > 0) throw new AppError("NOT_FOUND", { message: `unknown symbols: ${missing.join(", ")}`, userMessage: `Unknown or inactive symbols: ${missing.join(", ")}` });
  let from = opts.from;
  let to = opts.to;
  if (opts.day) {
    const d = Date.parse(`${opts.day}T00:00:00Z`);
    const s = sessionOf("NYSE", d);
    if (!s) throw new AppError("BAD_REQUEST", { message: `no NYSE session on ${opts.day}`, userMessage: `${opts.day} is not a trading day` });
    from = s.open;
    to = s.close;
  }
  if (from === undefined || to === undefined) {
    const s = lastClosedSession(Date.now());
    from = s.open;
    to = s.close;
  }
  if (!(to > from)) throw new AppError("BAD_REQUEST", { message: "empty replay range", userMessage: "The replay range is empty" });
  const streamed = streamedSymbols(await client.hgetall(liveKeys().status), Date.now(), serverEnv().LIVE_STATUS_STALE_MS);
  const busy = symbols.filter((s) => streamed.has(s));
  if (busy.length > 0) {
    const list = busy.map((s) => `${s} (${streamed.get(s)})`).join(", ");
    throw new AppError("BAD_REQUEST", { message: `replay of live-streamed symbols: ${list}`, userMessage: `Streamed live, so not replayed (a replay would restart their bars): ${list}` });
  }
  if (to > Date.now()) throw new AppError("BAD_REQUEST", { message: "replay range ends in the future", userMessage: "A replay can only cover the past" });
  const req: TReplayRequest = ZReplayRequest.parse({
    id: `replay-${Date.now().toString(36)}`,
    symbols,
    from,
    to,
    speed: opts.speed,
    requestedBy: opts.userId,
    requestedAt: Date.now(),
  });
  await client.set(liveKeys().control, JSON.stringify(req));
  if (opts.userId) await recordAudit({ actorId: opts.userId, action: "live.replay.start", target: req.id, detail: { symbols: req.symbols.length, from: req.from, to: req.to, speed: req.speed } });
  return req;
}

export async function stopReplay(client: Redis = redis()): Promise<void> {
  await client.del(liveKeys().control);
}

export async function readReplayRequest(client: Redis, prefix?: string): Promise<TReplayRequest | null> {
  const raw = await client.get(liveKeys(prefix).control);
  if (!raw) return null;
  const p = ZReplayRequest.safeParse(JSON.parse(raw));
  return p.success ? p.data : null;
}

export const ZReplayState = z.object({
  request: ZReplayRequest.nullable(),
  /** Replay clock (market time, ms) and whether it reached the end, as last reported by the collector. */
  clock: z.number().nullable(),
  done: z.boolean(),
  updatedAt: z.number().nullable(),
});
export type TReplayState = z.infer<typeof ZReplayState>;

/** The requested replay and its progress (from the replay collector's status entry). */
export async function getReplayState(client: Redis = redis()): Promise<TReplayState> {
  const keys = liveKeys();
  const [request, raw] = await Promise.all([readReplayRequest(client), client.hget(keys.status, "replay")]);
  let clock: number | null = null;
  let done = false;
  let updatedAt: number | null = null;
  if (raw) {
    const s = z.object({ replay: z.object({ id: z.string(), clock: z.number(), done: z.boolean() }).optional(), updatedAt: z.number() }).safeParse(JSON.parse(raw));
    if (s.success && s.data.replay && request && s.data.replay.id === request.id) {
      clock = s.data.replay.clock;
      done = s.data.replay.done;
      updatedAt = s.data.updatedAt;
    }
  }
  return { request, clock, done, updatedAt };
}
