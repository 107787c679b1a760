import type { Redis } from "ioredis";
import { createSimulator, type Simulator } from "@/lib/sim";
import { db } from "../../db";
import { logger } from "../../logger";
import { metrics } from "../../metrics";
import type { LiveCollector, LiveProviderId, LiveStatus, LiveSymbol } from "../../providers/live/types";
import { getBars } from "../bars/get-bars";
import { SIM_CONFIG } from "../providers/get-history-provider";
import { liveKeys } from "./keys";
import { liveMetrics } from "./live-metrics";
import { replaySource } from "./persist-bar-steps";
import { readReplayRequest, type TReplayRequest } from "./replay-control";
import { ReplayCollector, type ReplaySymbol } from "./replay-collector";
import { TickWriter } from "./tick-stream";

/**
 * The collector supervisor of the ingest role: runs the configured vendor collectors on the universe
 * (re-read every `universeEveryMs`, so adding a symbol subscribes it without a restart), the replay
 * collector on request (replay-control), appends every print to the tick stream, sends clock heartbeats
 * (right at each minute boundary, so bars close on time without prints), and publishes
 * each collector's status (Redis status hash + metrics).
 */
export interface RunCollectorsOptions {
  commands: Redis;
  signal: AbortSignal;
  /** Vendor collectors by provider (built by the caller from env). */
  vendors: Partial<Record<Exclude<LiveProviderId, "replay">, LiveCollector>>;
  /** Accept replay requests (default true). */
  replay?: boolean;
  universeEveryMs?: number;
  controlEveryMs?: number;
  prefix?: string;
}

interface UniverseRow {
  symbol: string;
  asset_class: string;
  provider_ids: Record<string, string>;
}

const STATE_CODE: Record<LiveStatus["state"], number> = { live: 0, connecting: 1, stale: 2, disconnected: 3, stopped: 4 };
const BREAKER_CODE = { closed: 0, "half-open": 1, open: 2 } as const;

/** Which vendor streams which symbol: crypto → binance; stocks/ETFs → the first configured stock vendor. */
export function assignSymbols(rows: readonly UniverseRow[], vendors: readonly LiveProviderId[]): Map<LiveProviderId, LiveSymbol[]> {
  const out = new Map<LiveProviderId, LiveSymbol[]>();
  const stockVendor = (["alpaca", "polygon", "yahoo"] as const).find((v) => vendors.includes(v));
  for (const r of rows) {
    const p: LiveProviderId | undefined = r.asset_class === "crypto" ? (vendors.includes("binance") ? "binance" : undefined) : stockVendor;
    if (!p) continue;
    if (r.symbol.startsWith("SIM")) continue; // simulated symbols only exist in the replay
    const list = out.get(p) ?? [];
    list.push({ symbol: r.symbol, vendorSymbol: r.provider_ids[p] });
    out.set(p, list);
  }
  return out;
}

export async function runCollectors(opts: RunCollectorsOptions): Promise<void> {
  const keys = liveKeys(opts.prefix);
  const { commands, signal } = opts;
  const log = logger.child({ component: "collectors" });
  const m = liveMetrics();
  const writer = new TickWriter({ redis: commands, key: keys.ticks(0), onError: (err) => log.error({ err: err.message }, "tick stream append failed") });
  const collectors = new Map<LiveProviderId, LiveCollector>();
  const unsub: (() => void)[] = [];

  /** Symbols each collector streams (published with its status for the per-symbol live badge). */
  const streamed = new Map<LiveProviderId, string[]>();
  const publishStatus = (s: LiveStatus, extra: Record<string, unknown> = {}) => {
    m.collectorState.set({ provider: s.provider }, STATE_CODE[s.state]);
    metrics().providerBreaker.set({ provider: `live-${s.provider}` }, BREAKER_CODE[s.breaker]);
    void commands.hset(keys.status, s.provider, JSON.stringify({ ...s, ...extra, symbols: streamed.get(s.provider) ?? [], updatedAt: Date.now() })).catch(() => undefined);
  };

  const attach = async (c: LiveCollector) => {
    collectors.set(c.provider, c);
    unsub.push(c.onStatus((s) => publishStatus(s)));
    await c.start((ticks, clock) => {
      if (ticks.length > 0) m.collectorTicks.inc({ provider: c.provider }, ticks.length);
      writer.push(c.provider, ticks, clock);
    });
    publishStatus(c.status());
  };

  for (const c of Object.values(opts.vendors)) if (c) await attach(c);

  // Universe → subscriptions.
  const syncUniverse = async () => {
    if (Object.keys(opts.vendors).length === 0) return;
    const rows = await db().$client<UniverseRow[]>`select symbol, asset_class, provider_ids from symbols where active order by symbol`;
    const plan = assignSymbols(rows, Object.keys(opts.vendors) as LiveProviderId[]);
    for (const [p, c] of collectors) {
      if (p === "replay") continue;
      const list = plan.get(p) ?? [];
      await c.setSymbols(list);
      streamed.set(p, list.map((s) => s.symbol));
      publishStatus(c.status());
    }
  };

  // Replay on request.
  let replay: { req: TReplayRequest; collector: ReplayCollector; info: () => Record<string, unknown> } | null = null;
  let sim: Simulator | undefined;
  const syncReplay = async () => {
    if (opts.replay === false) return;
    const req = await readReplayRequest(commands, opts.prefix);
    if (replay && (!req || req.id !== replay.req.id)) {
      await replay.collector.stop();
      collectors.delete("replay");
      replay = null;
    }
    if (!req || replay) return;
    if (req.to <= req.from) return;
    sim ??= createSimulator(SIM_CONFIG);
    const collector = new ReplayCollector({
      from: req.from,
      to: req.to,
      speed: req.speed,
      sim,
      loadBars: (symbol, from, to) => getBars({ symbol, timeframe: "1m", from, to, adjusted: false, limit: 5_000 }),
      onDone: () => log.info({ id: req.id, prints: collector.emitted }, "replay finished"),
    });
    // A symbol a vendor streams live keeps its feed: a replay taking it over would restart its bars
    // from the replay's prints and drop the live feed's (one feed per symbol, see the bar builder).
    const live = new Set([...streamed].filter(([p]) => p !== "replay").flatMap(([, list]) => list));
    const skipped = req.symbols.filter((s) => live.has(s));
    if (skipped.length > 0) log.warn({ id: req.id, skipped }, "replay leaves out symbols streamed live");
    const syms: ReplaySymbol[] = req.symbols.filter((s) => !live.has(s)).map((s) => {
      const mm = /^SIM(\d{4,})$/.exec(s);
      const idx = mm ? Number(mm[1]) - 1 : -1;
      return idx >= 0 && idx < SIM_CONFIG.symbols ? { symbol: s, simIndex: idx } : { symbol: s };
    });
    await collector.setSymbols(syms);
    streamed.set("replay", syms.map((x) => x.symbol));
    const info = () => ({ replay: { id: req.id, from: req.from, to: req.to, speed: req.speed, symbols: syms.map((x) => x.symbol), skipped, clock: collector.clock(), done: collector.done } });
    replay = { req, collector, info };
    collectors.set("replay", collector);
    unsub.push(collector.onStatus((s) => publishStatus(s, info())));
    // Each replay is its own source (clock): a new replay of the same session restarts its symbols' bars.
    const source = replaySource(req.id);
    await collector.start((ticks, clock) => {
      if (ticks.length > 0) m.collectorTicks.inc({ provider: "replay" }, ticks.length);
      writer.push(source, ticks, clock);
    });
    log.info({ id: req.id, symbols: req.symbols.length, from: new Date(req.from).toISOString(), speed: req.speed }, "replay started");
  };

  // Vendor collectors send clock heartbeats while live (every second without prints); on top of that, a
  // beat right after each minute boundary closes bars on time. Never while a feed is down: silence
  // during an outage is a gap, not flat bars.
  const beat = () => {
    const now = Date.now();
    for (const [p, c] of collectors) if (p !== "replay" && c.status().state === "live") writer.push(p, [], now - (c.feedDelayMs ?? 0), null);
  };
  let boundary: NodeJS.Timeout | null = null;
  const scheduleBoundary = () => {
    const now = Date.now();
    boundary = setTimeout(
      () => {
        beat();
        scheduleBoundary();
      },
      60_000 - (now % 60_000) + 1,
    );
  };
  scheduleBoundary();
  const statusTimer = setInterval(() => {
    for (const c of collectors.values()) {
      publishStatus(c.status(), c === replay?.collector ? replay.info() : {});
    }
  }, 2_000);

  let lastUniverse = 0;
  try {
    while (!signal.aborted) {
      try {
        if (Date.now() - lastUniverse >= (opts.universeEveryMs ?? 10_000)) {
          lastUniverse = Date.now();
          await syncUniverse();
        }
        await syncReplay();
      } catch (err) {
        log.error({ err: (err as Error).message }, "collector supervisor step failed");
      }
      await new Promise((r) => setTimeout(r, opts.controlEveryMs ?? 1_000));
    }
  } finally {
    clearInterval(statusTimer);
    if (boundary) clearTimeout(boundary);
    for (const u of unsub) u();
    await Promise.allSettled([...collectors.values()].map((c) => c.stop()));
    for (const c of collectors.values()) publishStatus(c.status());
    await writer.flush().catch(() => undefined);
  }
}
