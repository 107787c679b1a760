import { z } from "zod";
import { serverEnv } from "../../env";
import { logger } from "../../logger";
import { redis } from "../../db";
import { liveKeys } from "./keys";

/** What the chart badge shows: data flowing, flowing with trouble, or not flowing. */
export const LIVE_OVERALL = ["live", "delayed", "disconnected"] as const;
export type LiveOverall = (typeof LIVE_OVERALL)[number];

const CONNECTION_STATES = ["connecting", "live", "stale", "disconnected", "stopped"] as const;
const BREAKER_STATES = ["closed", "open", "half-open"] as const;

/** A collector's status as stored in the status hash (server/providers/live/types.ts LiveStatus + updatedAt). */
const ZStoredCollectorStatus = z.object({
  provider: z.string(),
  state: z.enum(CONNECTION_STATES),
  breaker: z.enum(BREAKER_STATES),
  subscribed: z.number().default(0),
  rejected: z.number().default(0),
  lastMessageAt: z.number().nullable().default(null),
  lastTickAt: z.number().nullable().default(null),
  reconnects: z.number().default(0),
  malformed: z.number().default(0),
  duplicates: z.number().default(0),
  lastError: z.string().nullable().default(null),
  updatedAt: z.number(),
  /** Symbols the collector streams (the supervisor publishes them; used for per-symbol coverage, not returned). */
  symbols: z.array(z.string()).optional(),
});

/** The builder's status: only `updatedAt` is required; a `state` string and scalar details are shown. */
const ZStoredBuilderStatus = z.looseObject({ updatedAt: z.number(), state: z.string().optional() });

export const ZCollectorStatus = ZStoredCollectorStatus.omit({ symbols: true }).extend({
  /** Connection state after staleness: a status not refreshed within the window is "disconnected". */
  effectiveState: z.enum(CONNECTION_STATES),
  stale: z.boolean(),
  ageMs: z.number(),
});
export type TCollectorStatus = z.infer<typeof ZCollectorStatus>;

export const ZBuilderStatus = z.object({
  state: z.string(),
  effectiveState: z.string(),
  stale: z.boolean(),
  ageMs: z.number(),
  updatedAt: z.number(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export const ZLiveStatus = z.object({
  now: z.number(),
  overall: z.enum(LIVE_OVERALL),
  /** Why overall is not "live" (null when it is). */
  reason: z.string().nullable(),
  staleAfterMs: z.number(),
  collectors: z.array(ZCollectorStatus),
  builder: ZBuilderStatus.nullable(),
  /** When asked about one symbol: is it streamed by an active collector? (null when no symbol was asked) */
  symbol: z.string().nullable(),
  symbolCovered: z.boolean().nullable(),
  /** …and is it in any collector's subscriptions, whatever that collector's state? (false: no feed carries it at all) */
  symbolListed: z.boolean().nullable(),
});
export type TLiveStatus = z.infer<typeof ZLiveStatus>;

/** Collector and builder status from the status hash, with staleness, and an overall verdict. */
export async function getLiveStatus(opts: { now?: number; staleAfterMs?: number; symbol?: string } = {}): Promise<TLiveStatus> {
  const now = opts.now ?? Date.now();
  const staleAfterMs = opts.staleAfterMs ?? serverEnv().LIVE_STATUS_STALE_MS;
  const hash = await redis().hgetall(liveKeys().status);
  return summarizeLiveStatus(hash, now, staleAfterMs, opts.symbol);
}

/**
 * Pure: the symbols the vendor collectors of the status hash stream → their provider; collectors that
 * stopped or whose status went stale (older than `staleAfterMs`) are left out, the replay too.
 */
export function streamedSymbols(hash: Record<string, string>, now: number, staleAfterMs: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const [field, json] of Object.entries(hash)) {
    if (field === "builder" || field === "replay") continue;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      continue;
    }
    const c = ZStoredCollectorStatus.safeParse(value);
    if (!c.success || c.data.state === "stopped" || now - c.data.updatedAt > staleAfterMs) continue;
    for (const sym of c.data.symbols ?? []) out.set(sym, c.data.provider);
  }
  return out;
}

/**
 * Pure: the status hash (field → JSON) as a verdict at `now`: over every collector, or, for one
 * symbol, over the collectors that stream it only (`collectors` always lists them all).
 */
export function summarizeLiveStatus(hash: Record<string, string>, now: number, staleAfterMs: number, symbol?: string): TLiveStatus {
  const collectors: TCollectorStatus[] = [];
  /** The collectors whose subscriptions list the symbol (whatever their state): the only ones that matter for it. */
  const feeding: TCollectorStatus[] = [];
  let builder: TLiveStatus["builder"] = null;
  for (const [field, json] of Object.entries(hash)) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      logger.warn({ field }, "live status: invalid JSON");
      continue;
    }
    if (field === "builder") {
      const b = ZStoredBuilderStatus.safeParse(value);
      if (!b.success) {
        logger.warn({ field, issues: b.error.issues.length }, "live status: invalid builder status");
        continue;
      }
      const ageMs = Math.max(0, now - b.data.updatedAt);
      const stale = ageMs > staleAfterMs;
      const state = b.data.state ?? "running";
      const details: Record<string, string | number | boolean | null> = {};
      for (const [k, v] of Object.entries(b.data)) {
        if (k === "updatedAt" || k === "state") continue;
        if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") details[k] = v;
      }
      builder = { state, effectiveState: stale ? "disconnected" : state, stale, ageMs, updatedAt: b.data.updatedAt, details };
      continue;
    }
    const c = ZStoredCollectorStatus.safeParse(value);
    if (!c.success) {
      logger.warn({ field, issues: c.error.issues.length }, "live status: invalid collector status");
      continue;
    }
    const ageMs = Math.max(0, now - c.data.updatedAt);
    const stale = ageMs > staleAfterMs;
    const { symbols: streamed, ...rest } = c.data;
    const effectiveState = stale ? "disconnected" : c.data.state;
    const status = { ...rest, effectiveState, stale, ageMs };
    if (symbol && streamed?.includes(symbol)) feeding.push(status);
    collectors.push(status);
  }
  collectors.sort((a, b) => a.provider.localeCompare(b.provider));
  if (!symbol) return { now, ...verdict(collectors, builder), staleAfterMs, collectors, builder, symbol: null, symbolCovered: null, symbolListed: null };
  // For one symbol: judge only the collectors that stream it (an unrelated feed's trouble is not this symbol's).
  feeding.sort((a, b) => a.provider.localeCompare(b.provider));
  const symbolCovered = feeding.some(isActive);
  const { overall, reason } =
    feeding.length === 0
      ? { overall: "disconnected" as const, reason: `no live feed streams ${symbol}` }
      : !symbolCovered
        ? { overall: "disconnected" as const, reason: `${feeding[0]!.provider}, which streams ${symbol}, is ${feeding[0]!.effectiveState}` }
        : verdict(feeding, builder);
  return { now, overall, reason, staleAfterMs, collectors, builder, symbol, symbolCovered, symbolListed: feeding.length > 0 };
}

const isActive = (c: TCollectorStatus) => c.effectiveState !== "disconnected" && c.effectiveState !== "stopped";

function verdict(collectors: TCollectorStatus[], builder: TLiveStatus["builder"]): { overall: LiveOverall; reason: string | null } {
  const active = collectors.filter(isActive);
  if (active.length === 0) return { overall: "disconnected", reason: collectors.length ? "no collector is connected" : "no collector is running" };
  if (!builder) return { overall: "disconnected", reason: "the bar builder is not running" };
  if (builder.stale || /^(stopped|disconnected|failed)$/.test(builder.effectiveState)) return { overall: "disconnected", reason: "the bar builder is not running" };
  const healthy = active.filter((c) => c.effectiveState === "live" && c.breaker === "closed");
  if (healthy.length === active.length) return { overall: "live", reason: null };
  const trouble = active.find((c) => c.effectiveState !== "live" || c.breaker !== "closed")!;
  return {
    overall: "delayed",
    reason: `${trouble.provider}: ${trouble.effectiveState}${trouble.breaker !== "closed" ? `, breaker ${trouble.breaker}` : ""}`,
  };
}
