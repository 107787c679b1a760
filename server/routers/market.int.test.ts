import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { db } from "../db";
import { getQueue } from "../queues/producers";
import { createCaller } from "../root";
import { loadBundledData } from "../services/market/load-bundled-data";
import type { Context } from "../trpc";

const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
let analyst: SeededUser;
let viewer: SeededUser;

beforeAll(async () => {
  [analyst, viewer] = await Promise.all([seedUser(db(), { role: "analyst" }), seedUser(db(), { role: "viewer" })]);
  await loadBundledData({ symbols: ["MSFT", "KO"] });
});

afterAll(async () => {
  for (const q of ["ingestBars", "computeFeatures"] as const) {
    await getQueue(q).obliterate({ force: true });
    await getQueue(q).close();
  }
  await db().$client.end({ timeout: 2 });
});

describe("market API (through the tRPC router, with output validation)", () => {
  it("lists the universe with last bars and quality status; filters by search", async () => {
    const api = createCaller(ctx(viewer));
    const all = await api.market.symbols.list({ search: "MSFT" });
    const msft = all.rows.find((r) => r.symbol === "MSFT");
    expect(msft).toMatchObject({ name: "Microsoft Corp.", assetClass: "stock", sector: "Information Technology", bars1d: 2516 });
    expect(msft!.lastBarTs?.toISOString()).toBe("2021-04-21T00:00:00.000Z");
  });

  it("serves raw and adjusted bars, paginated backwards", async () => {
    const api = createCaller(ctx(viewer));
    const page1 = await api.market.bars.get({ symbol: "KO", timeframe: "1d", limit: 100 });
    expect(page1.bars).toHaveLength(100);
    expect(page1.hasMore).toBe(true);
    const page2 = await api.market.bars.get({ symbol: "KO", timeframe: "1d", limit: 100, to: page1.bars[0]!.ts });
    expect(page2.bars[99]!.ts).toBeLessThan(page1.bars[0]!.ts);
    const adj = await api.market.bars.get({ symbol: "KO", timeframe: "1d", limit: 5000, adjusted: true });
    const raw = await api.market.bars.get({ symbol: "KO", timeframe: "1d", limit: 5000 });
    const i = raw.bars.findIndex((b) => b.ts === Date.parse("2012-08-13T00:00:00Z")); // KO 2:1 split
    expect(raw.bars[i - 1]!.close / raw.bars[i]!.close).toBeGreaterThan(1.8);
    expect(Math.abs(adj.bars[i]!.close / adj.bars[i - 1]!.close - 1)).toBeLessThan(0.05);
  });

  it("serves indicator series aligned with the bars, warmed up, equal to a full-history computation", async () => {
    const api = createCaller(ctx(viewer));
    const { computeIndicator } = await import("@/lib/indicators/registry");
    const { getBars } = await import("../services/bars/get-bars");
    const res = await api.market.indicators.series({
      symbol: "KO",
      timeframe: "1d",
      limit: 300,
      adjusted: true,
      indicators: [
        { key: "rsi", id: "rsi", params: { period: 14 } },
        { key: "bb", id: "bbands" },
        { key: "sma", id: "sma", params: { period: 50 } },
      ],
    });
    const full = await getBars({ symbol: "KO", timeframe: "1d", limit: 50_000, adjusted: true });
    expect(res.ts).toEqual(Array.from(full.ts.slice(full.length - 300)));
    const sma = computeIndicator("sma", full, { period: 50 }).sma!;
    expect(res.series.sma!.sma!.every((v, i) => v !== null && Math.abs(v - sma[full.length - 300 + i]!) < 1e-9)).toBe(true);
    const rsi = computeIndicator("rsi", full, { period: 14 }).rsi!;
    expect(Math.abs(res.series.rsi!.rsi![299]! - rsi[full.length - 1]!)).toBeLessThan(1e-6);
    expect(Object.keys(res.series.bb!)).toEqual(expect.arrayContaining(["upper", "middle", "lower"]));
    await expect(api.market.indicators.series({ symbol: "KO", timeframe: "1d", indicators: [{ key: "x", id: "nope" }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.market.indicators.series({ symbol: "KO", timeframe: "1d", indicators: [{ key: "x", id: "rsi", params: { period: 0 } }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("rejects bad input with zod details, and viewers cannot write", async () => {
    const api = createCaller(ctx(viewer));
    await expect(api.market.bars.get({ symbol: "bad symbol!", timeframe: "1d" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.market.bars.get({ symbol: "KO", timeframe: "2d" as never })).rejects.toBeInstanceOf(TRPCError);
    await expect(api.market.symbols.add({ symbols: [{ symbol: "NEW1" }] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      api.market.ingestion.startBackfill({ symbols: ["KO"], provider: "sim", timeframe: "1d", start: new Date("2020-01-01"), end: new Date("2021-01-01") }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("analysts add symbols and start backfills; unknown symbols are refused", async () => {
    const api = createCaller(ctx(analyst));
    expect(await api.market.symbols.add({ symbols: [{ symbol: "sim0007", provider: "sim" }] })).toEqual({ added: 1 });
    const r = await api.market.ingestion.startBackfill({ symbols: ["SIM0007"], provider: "sim", timeframe: "1d", start: new Date("2020-01-01"), end: new Date("2020-02-01") });
    expect(r.jobId).toBe(`ingest-bars-${r.runId}`);
    const runs = await api.market.ingestion.runs({ limit: 10 });
    expect(runs.find((x) => x.id === r.runId)?.status).toBe("queued");
    await expect(
      api.market.ingestion.startBackfill({ symbols: ["NOPE1"], provider: "sim", timeframe: "1d", start: new Date("2020-01-01"), end: new Date("2020-02-01") }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("lists and resolves quality issues", async () => {
    await db().$client`insert into data_quality_issues (symbol, timeframe, ts, rule, severity, message, values) values ('KO', '1d', now(), 'spike', 'warning', 'test', '{"z": 13}')`;
    const api = createCaller(ctx(analyst));
    const open = await api.market.quality.list({ symbol: "KO", status: "open" });
    expect(open.length).toBeGreaterThan(0);
    await api.market.quality.resolve({ id: open[0]!.id, resolution: "checked: real move" });
    expect((await api.market.quality.list({ symbol: "KO", status: "open" })).find((x) => x.id === open[0]!.id)).toBeUndefined();
  });
});
