import { sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { sessionOf, tradingDays } from "@/lib/calendar";
import { createSimulator } from "@/lib/sim";
import { db } from "../../db";
import { startBackfill } from "../ingestion/start-backfill";
import { upsertSymbols } from "../market/upsert-symbols";
import { SIM_CONFIG } from "../providers/get-history-provider";
import { lastClosedSession, startReplay } from "./replay-control";

/** The simulated symbols the offline demo streams live (history and live come from the same simulator). */
export const DEMO_LIVE_SYMBOLS = Array.from({ length: 8 }, (_, i) => `SIM${String(101 + i).padStart(4, "0")}`);

/**
 * First start of the demo: put the live demo symbols in the universe and backfill their history up to
 * the session the demo replays (daily since 2016, 1m for the five sessions before), through the normal
 * ingestion runs.
 */
export async function seedLiveDemo(opts: { now?: number } = {}): Promise<{ symbols: string[] }> {
  const now = opts.now ?? Date.now();
  const sim = createSimulator(SIM_CONFIG);
  await upsertSymbols(
    DEMO_LIVE_SYMBOLS.map((symbol) => {
      const s = sim.symbol(Number(symbol.slice(3)) - 1);
      return { symbol, name: `Simulated ${symbol.slice(3)}`, assetClass: "stock" as const, exchange: "SIM", sector: s.sector, provider: "sim" };
    }),
  );
  const [admin] = await db()
    .select({ id: users.id })
    .from(users)
    .where(sql`${users.role} = 'admin'`)
    .limit(1);
  if (!admin) return { symbols: DEMO_LIVE_SYMBOLS };
  const replay = lastClosedSession(now);
  const days = tradingDays("NYSE", replay.day - 14 * 86_400_000, replay.day - 1);
  const firstMinuteDay = days[Math.max(0, days.length - 5)]!;
  await startBackfill({ userId: admin.id, symbols: DEMO_LIVE_SYMBOLS, provider: "sim", timeframe: "1d", start: new Date("2016-01-04T00:00:00Z"), end: new Date(replay.day) });
  await startBackfill({ userId: admin.id, symbols: DEMO_LIVE_SYMBOLS, provider: "sim", timeframe: "1m", start: new Date(sessionOf("NYSE", firstMinuteDay)!.open), end: new Date(replay.open) });
  return { symbols: DEMO_LIVE_SYMBOLS };
}

/** Every start of the demo: replay the last closed session of the demo symbols as if live. */
export async function startDemoReplay(speed: number, now = Date.now()) {
  const s = lastClosedSession(now);
  return startReplay({ symbols: DEMO_LIVE_SYMBOLS, from: s.open, to: s.close, speed, userId: null });
}
