import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BarColumns } from "@/lib/bars/columns";
import { bucketStart, type Timeframe } from "@/lib/bars/timeframe";
import { sessionOf } from "@/lib/calendar";
import { barsFromTicks } from "@/lib/live/bar-builder";
import { ZBarEvent } from "@/lib/live/bar-event";
import type { Tick } from "@/lib/live/tick";
import { createSimulator } from "@/lib/sim";
import { db } from "@/server/db";
import { createRedis } from "@/server/redis";
import { barView } from "@/server/services/bars/rollup-bars";
import { writeBars } from "@/server/services/bars/write-bars";
import { upsertSymbols } from "@/server/services/market/upsert-symbols";
import { SIM_CONFIG } from "@/server/services/providers/get-history-provider";
import { BAR_BUILDER_GROUP, liveKeys } from "./keys";
import { liveMetrics } from "./live-metrics";
import { ReplayCollector } from "./replay-collector";
import { runBarBuilder } from "./run-bar-builder";
import { TickWriter } from "./tick-stream";

/**
 * The live path on real parts: replay collector → Redis Stream → bar builder (consumer group) →
 * Postgres, compared bar for bar (every timeframe) with the bars built offline from the same prints;
 * then a builder PROCESS killed with SIGKILL mid-stream and restarted: nothing lost, nothing twice.
 */
const ROOT = path.resolve(import.meta.dirname, "../../..");
const TFS: Timeframe[] = ["1m", "5m", "15m", "1h", "4h", "1d"];
const DAY = Date.parse("2025-06-11T00:00:00Z"); // a Wednesday
const SESSION = sessionOf("NYSE", DAY)!;
const sim = createSimulator(SIM_CONFIG);
const children: ChildProcess[] = [];
const redisClients: Redis[] = [];

function client(): Redis {
  const r = createRedis(process.env.REDIS_URL!, "worker");
  redisClients.push(r);
  return r;
}

async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function simTicks(symbol: string, from: number, to: number): Tick[] {
  const idx = Number(symbol.slice(3)) - 1;
  const c = sim.ticks(idx, from, to);
  const out: Tick[] = [];
  for (let i = 0; i < c.length; i++) out.push({ symbol, ts: c.ts[i]!, price: c.price[i]!, size: c.size[i]! });
  return out;
}

async function storedBars(symbol: string, tf: Timeframe, from: number, to: number) {
  return db().$client<{ t: number; open: number; high: number; low: number; close: number; volume: number; vwap: number | null; trades: string; source: string }[]>`
    select (extract(epoch from ts) * 1000)::float8 as t, open, high, low, close, volume, vwap, trades, source
    from ${db().$client(barView(tf))} where symbol = ${symbol} and ts >= ${new Date(from).toISOString()}::timestamptz and ts < ${new Date(to).toISOString()}::timestamptz
    order by ts`;
}

/** The stored bars of `symbol` over [from, to) are those built offline from `ticks`: the replay's 1m bars and their rollups. */
async function expectStoredEqualsOffline(symbol: string, ticks: Tick[], from: number, to: number): Promise<void> {
  const ref = barsFromTicks(ticks, "NYSE");
  for (const tf of TFS) {
    const r = ref.get(tf) as BarColumns;
    const rows = await storedBars(symbol, tf, bucketStart(from, tf), to);
    expect(rows.length, `${symbol} ${tf}`).toBe(r.length);
    rows.forEach((row, i) => {
      expect(row.t).toBe(r.ts[i]);
      expect([row.open, row.high, row.low, row.close, row.volume, Number(row.trades)]).toEqual([r.open[i], r.high[i], r.low[i], r.close[i], r.volume[i], r.trades[i]]);
      expect(row.vwap!).toBeCloseTo(r.vwap[i]!, 8);
      expect(row.source).toBe(tf === "1m" ? "replay" : "rollup");
    });
  }
}

async function drained(r: Redis, prefix: string): Promise<boolean> {
  const groups = (await r.xinfo("GROUPS", liveKeys(prefix).ticks(0))) as unknown[][];
  const g = groups.map((x) => Object.fromEntries(Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i], x[2 * i + 1]]))).find((x) => x.name === BAR_BUILDER_GROUP);
  return !!g && Number(g.pending) === 0 && Number(g.lag) === 0;
}

beforeAll(async () => {
  // History provider "csv": fed here by live prints only, so the universe updater has nothing to fetch for them.
  await upsertSymbols(["SIM0101", "SIM0102", "SIM0103", "SIM0104", "SIM0105"].map((symbol) => ({ symbol, assetClass: "stock", provider: "csv" })));
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const r of redisClients) r.disconnect();
  await db().$client.end({ timeout: 2 });
});

describe("live pipeline", () => {
  it("replays 90 minutes of prints through stream and builder into Postgres, equal to the offline bars, and publishes bar events", async () => {
    const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
    const keys = liveKeys(prefix);
    const from = SESSION.open;
    const to = SESSION.open + 90 * 60_000;
    const commands = client();
    const writer = new TickWriter({ redis: commands, key: keys.ticks(0) });
    const ac = new AbortController();
    // SIM0105's first 30 minutes are already stored, from a vendor whose vwap and trade counts differ.
    const vendor = barsFromTicks(simTicks("SIM0105", from, from + 30 * 60_000), "NYSE").get("1m")!;
    for (let i = 0; i < vendor.length; i++) {
      vendor.vwap[i] = vendor.low[i]!;
      vendor.trades[i] = 1_000 + i;
    }
    await writeBars({ timeframe: "1m", source: "csv", batches: [{ symbol: "SIM0105", bars: vendor, assetClass: "stock" }] });
    const vendor5m = await storedBars("SIM0105", "5m", from, from + 30 * 60_000);
    const builder = runBarBuilder({ redis: client(), commands: client(), signal: ac.signal, prefix, blockMs: 200 });
    const replay = new ReplayCollector({ from, to, speed: 1000, sim, intervalMs: 10 });
    await replay.setSymbols([
      { symbol: "SIM0101", simIndex: 100 },
      { symbol: "SIM0102", simIndex: 101 },
      { symbol: "SIM0105", simIndex: 104 },
    ] as never);
    await replay.start((ticks, clock) => writer.push("replay", ticks, clock));
    await waitFor(async () => replay.done, 30_000, "replay to finish");
    await writer.flush();
    await waitFor(() => drained(commands, prefix), 30_000, "builder to drain the stream");
    ac.abort();
    await builder;

    for (const s of ["SIM0101", "SIM0102"]) await expectStoredEqualsOffline(s, simTicks(s, from, to), from, to);
    expect(replay.emitted).toBe(["SIM0101", "SIM0102", "SIM0105"].reduce((n, s) => n + simTicks(s, from, to).length, 0));
    // A replay fills what is not stored and leaves the vendor's bars (and their rollups) as they were.
    const m1 = await storedBars("SIM0105", "1m", from, to);
    expect(m1.length).toBe(90);
    m1.slice(0, 30).forEach((row, i) => expect([row.source, row.vwap, Number(row.trades)]).toEqual(["csv", vendor.vwap[i], vendor.trades[i]]));
    const rest = barsFromTicks(simTicks("SIM0105", from + 30 * 60_000, to), "NYSE").get("1m")!;
    m1.slice(30).forEach((row, i) => expect([row.t, row.source, row.close, Number(row.trades)]).toEqual([rest.ts[i], "replay", rest.close[i], rest.trades[i]]));
    expect(await storedBars("SIM0105", "5m", from, from + 30 * 60_000)).toEqual(vendor5m);

    // The per-symbol event stream ends with the last minute closed and valid events throughout.
    const last = (await commands.xrevrange(keys.bars("SIM0101"), "+", "-", "COUNT", 1))[0]!;
    const ev = ZBarEvent.parse(JSON.parse(last[1][1]!));
    expect(ev.bars.some((b) => b.tf === "1m" && b.status === "closed" && b.ts === to - 60_000)).toBe(true);
    // Acknowledged entries were trimmed from the tick stream.
    expect(await commands.xlen(keys.ticks(0))).toBeLessThan(50);
    // The builder measured its closes (close signalled → bars published) and reports them in its status.
    const status = JSON.parse((await commands.hget(keys.status, "builder"))!) as Record<string, number>;
    expect(status.closeSamples).toBeGreaterThan(10);
    expect(status.closeSamples).toBeLessThanOrEqual(90);
    expect(status.closeP50Ms).toBeGreaterThanOrEqual(0);
    expect(status.closeP99Ms).toBeGreaterThanOrEqual(status.closeP50Ms!);
    expect(status.closeMaxMs).toBeGreaterThanOrEqual(status.closeP99Ms!);
    expect(status.closeMaxMs).toBeLessThan(5_000);
    const hist = (await liveMetrics().barClose.get()).values.find((v) => v.metricName === "mss_live_bar_close_seconds_count");
    expect(hist?.value).toBeGreaterThanOrEqual(status.closeSamples!);
  }, 90_000);

  it("survives kill -9 of the builder process mid-stream: no missing and no duplicated bars after restart", async () => {
    const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID()}`;
    const keys = liveKeys(prefix);
    const from = SESSION.open + 60 * 60_000;
    const to = from + 120 * 60_000;
    const symbols = ["SIM0103", "SIM0104"];
    const all = symbols.flatMap((s) => simTicks(s, from, to)).sort((a, b) => a.ts - b.ts);
    const commands = client();
    const writer = new TickWriter({ redis: commands, key: keys.ticks(0), maxBatch: 50 });
    const startBuilder = () => {
      const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, QUEUE_PREFIX: prefix, WORKER_ROLE: "ingest", LIVE_SOURCES: "", LIVE_LEASE_MS: "1500", LOG_LEVEL: "warn", NODE_ENV: "production" },
      });
      children.push(child);
      return child;
    };
    // Feed in small entries paced so that the builder is mid-stream when it dies.
    const feed = async (ticks: Tick[]) => {
      for (let i = 0; i < ticks.length; i += 40) {
        const part = ticks.slice(i, i + 40);
        writer.push("replay", part, part[part.length - 1]!.ts);
        if (i % 400 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await writer.flush();
    };
    const first = startBuilder();
    const quarter = Math.floor(all.length / 4);
    const half = 2 * quarter;
    await feed(all.slice(0, quarter));
    await waitFor(async () => (await storedBars("SIM0103", "1m", from, to)).length > 10, 60_000, "first builder to store bars");
    // A burst of a few hundred entries, and the builder dies while working through it.
    for (let i = quarter; i < half; i += 40) {
      const part = all.slice(i, Math.min(i + 40, half));
      writer.push("replay", part, part[part.length - 1]!.ts);
    }
    await writer.flush();
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    // It died with work in flight (entries read but not acknowledged, or not read yet).
    expect(await drained(commands, prefix)).toBe(false);
    await feed(all.slice(half));
    writer.push("replay", [], to);
    await writer.flush();
    // The restarted builder takes the lease after it expires, claims the dead consumer's pending entries and resumes.
    startBuilder();
    await waitFor(() => drained(commands, prefix), 90_000, "restarted builder to drain the stream");
    const consumers = (await commands.xinfo("CONSUMERS", keys.ticks(0), BAR_BUILDER_GROUP)) as unknown[][];
    expect(consumers.length).toBe(2);
    for (const s of symbols) {
      await expectStoredEqualsOffline(
        s,
        all.filter((t) => t.symbol === s),
        from,
        to,
      );
    }
  }, 180_000);
});
