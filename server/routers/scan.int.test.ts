import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { computeIndicator } from "@/lib/indicators/registry";
import { db } from "../db";
import { createCaller } from "../root";
import { columnsFromBars } from "@/lib/bars/columns";
import { getBars } from "../services/bars/get-bars";
import { writeBars } from "../services/bars/write-bars";
import { upsertSymbols } from "../services/market/upsert-symbols";
import { loadBundledData } from "../services/market/load-bundled-data";
import type { Context } from "../trpc";

const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
let alice: SeededUser;
let bob: SeededUser;
const SYMS = ["AMZN", "GOOGL", "HD", "MCD", "NKE", "ORCL", "PEP", "TXN", "UNH", "V"];

beforeAll(async () => {
  [alice, bob] = await Promise.all([seedUser(db(), { role: "analyst" }), seedUser(db(), { role: "analyst" })]);
  await loadBundledData({ symbols: SYMS });
});

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("scanner API", () => {
  it("validates with positions and suggestions", async () => {
    const api = createCaller(ctx(alice));
    expect(await api.scan.validate({ text: "rsi(14) < 30 and close > sma(200)" })).toMatchObject({ ok: true, timeframe: "1d" });
    const bad = await api.scan.validate({ text: "close > 1 and rsii(14) < 30" });
    expect(bad).toMatchObject({ ok: false, line: 1, column: 15, suggestion: "rsi" });
    const typed = await api.scan.validate({ text: "close and 3" });
    expect(typed.ok).toBe(false);
  });

  it("runs over the universe, sorted and limited, with explain values that match a naive computation", async () => {
    const api = createCaller(ctx(alice));
    const r = await api.scan.run({ text: "universe symbols in (AMZN, GOOGL, HD, MCD, NKE, ORCL, PEP, TXN, UNH, V) where close > sma(50) sort by ROC20 desc limit 5" });
    expect(r.universe).toBe(SYMS.length);
    expect(r.results.length).toBeLessThanOrEqual(5);
    expect(r.sortBy).toBe("ROC20 desc");
    expect(r.asOf).toBe(Date.parse("2021-04-21T00:00:00Z")); // the newest bar of the scan's universe (bundled data ends there)
    // Naive check of every symbol: matches are exactly those with close > SMA50 at the last bar.
    const expected: string[] = [];
    const lastTs = new Map<string, number>();
    for (const s of SYMS) {
      const b = await getBars({ symbol: s, timeframe: "1d", adjusted: true, limit: 5000 });
      lastTs.set(s, b.ts[b.length - 1]!);
      const sma = computeIndicator("sma", b, { period: 50 }).sma!;
      if (b.close[b.length - 1]! > sma[b.length - 1]!) expected.push(s);
    }
    expect(r.total).toBe(expected.length);
    for (const row of r.results) {
      expect(expected).toContain(row.symbol);
      expect(row.values.close).toBeGreaterThan(row.values["sma(50)"]!);
      expect(row.barTs).toBe(lastTs.get(row.symbol)); // the bar the symbol was read at
    }
    const keys = r.results.map((x) => x.sortKey!);
    expect([...keys].sort((a, b) => b - a)).toEqual(keys);
    await expect(api.scan.run({ text: "ml_score > 0.5" })).rejects.toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
  });

  it("keeps saved scans and runs private, and reports new hits against the previous run", async () => {
    const a = createCaller(ctx(alice));
    const b = createCaller(ctx(bob));
    const saved = await a.scan.saved.create({ name: "uptrend", text: "universe symbols in (AMZN, GOOGL, HD, MCD, NKE, ORCL, PEP, TXN, UNH, V) where close > sma(20)" });
    expect((await a.scan.saved.list()).map((s) => s.id)).toContain(saved.id);
    expect((await b.scan.saved.list()).map((s) => s.id)).not.toContain(saved.id);
    await expect(b.scan.run({ scanId: saved.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.scan.saved.delete({ id: saved.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const first = await a.scan.run({ scanId: saved.id });
    expect(first.newHits).toEqual(first.results.map((x) => x.symbol));
    const second = await a.scan.run({ scanId: saved.id });
    expect(second.newHits).toEqual([]);
    expect(second.source).toBe("cache");
    const runs = await a.scan.runs.list({ scanId: saved.id });
    expect(runs).toHaveLength(2);
    await expect(b.scan.runs.get({ id: runs[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await b.scan.runs.list({})).some((r) => r.scanId === saved.id)).toBe(false);
    const upd = await a.scan.saved.update({ id: saved.id, text: "close > sma(30)" });
    expect(upd.version).toBe(2);
  });

  it("reads each symbol at its own newest bar and says which one (a symbol with newer data does not date the others)", async () => {
    const api = createCaller(ctx(alice));
    const day = Date.parse("2021-06-01T00:00:00Z"); // after the bundled history's last day
    await upsertSymbols([{ symbol: "NEWER1", assetClass: "stock", provider: "csv" }]);
    const bars = Array.from({ length: 30 }, (_, i) => ({ ts: day + i * 86_400_000, open: 10 + i, high: 11 + i, low: 9 + i, close: 10.5 + i, volume: 1_000, vwap: 10.5 + i, trades: 10 }));
    await writeBars({ timeframe: "1d", source: "test", batches: [{ symbol: "NEWER1", bars: columnsFromBars(bars) }], trusted: true });
    const amzn = await getBars({ symbol: "AMZN", timeframe: "1d", adjusted: true, limit: 1 });
    const r = await api.scan.run({ text: "universe symbols in (AMZN, NEWER1) where close > 0" });
    const row = (s: string) => r.results.find((x) => x.symbol === s)!;
    expect(row("NEWER1").barTs).toBe(bars[29]!.ts);
    expect(row("AMZN").barTs).toBe(amzn.ts[amzn.length - 1]);
    expect(row("AMZN").barTs!).toBeLessThan(row("NEWER1").barTs!);
    expect(r.asOf).toBe(row("NEWER1").barTs); // the newest bar of the scan's universe, not of every symbol
    const older = await api.scan.run({ text: "universe symbols in (AMZN, GOOGL) where close > 0" });
    expect(older.asOf).toBe(row("AMZN").barTs);
    // `current` leaves out the symbols whose data stopped before the universe's newest bar.
    const current = await api.scan.run({ text: "universe symbols in (AMZN, NEWER1), current where close > 0" });
    expect(current.results.map((x) => x.symbol)).toEqual(["NEWER1"]);
    expect(current.universe).toBe(1);
    // Stored with the run, as returned.
    const stored = await api.scan.runs.get({ id: r.runId });
    expect(stored.results.find((x) => x.symbol === "AMZN")?.barTs).toBe(row("AMZN").barTs);
  });
});
