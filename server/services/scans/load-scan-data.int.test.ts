import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser } from "@/db/seed";
import { columnsFromBars, type Bar } from "@/lib/bars/columns";
import { db } from "../../db";
import { writeBars } from "../bars/write-bars";
import { setSymbolActive } from "../market/set-symbol-active";
import { upsertSymbols } from "../market/upsert-symbols";
import { loadScanData } from "./load-scan-data";

const SYMS = ["LSDVA", "LSDVB"];
const DAY = 86_400_000;
const START = Date.parse("2021-03-01T00:00:00Z");

let actorId = "";
beforeAll(async () => {
  actorId = (await seedUser(db(), { role: "admin" })).id;
});

afterAll(async () => {
  for (const symbol of SYMS) await setSymbolActive({ actorId, symbol, active: false }).catch(() => undefined);
  await db().$client.end({ timeout: 2 });
});

/** 30 consecutive daily bars (the rules are not under test: trusted writes). */
function daily(base: number, n = 30): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const c = base + i;
    return { ts: START + i * DAY, open: c - 0.5, high: c + 1, low: c - 1, close: c, volume: 1000 + i, vwap: c, trades: 10 };
  });
}

const write = (symbol: string, bars: Bar[]) => writeBars({ timeframe: "1d", source: "test", batches: [{ symbol, bars: columnsFromBars(bars) }], trusted: true, rollup: false });
const load = () => loadScanData({ timeframe: "1d", barsNeeded: 50, withFeatures: false });
const lastClose = (d: Awaited<ReturnType<typeof load>>, symbol: string) => {
  const b = d.bars[d.symbols.indexOf(symbol)]!;
  return b.close[b.length - 1];
};

describe("scanner data cache", () => {
  it("serves from memory until a writer changes the timeframe's bars or the universe, also for a corrected bar at an existing ts", async () => {
    await upsertSymbols(SYMS.map((symbol) => ({ symbol, provider: "csv", assetClass: "stock" })));
    await write(SYMS[0]!, daily(100));
    await write(SYMS[1]!, daily(200));

    expect((await load()).source).toBe("postgres");
    const warm = await load();
    expect(warm.source).toBe("cache");
    expect(lastClose(warm, SYMS[0]!)).toBe(129);

    // An identical re-write changes nothing: still warm.
    expect((await write(SYMS[0]!, daily(100))).rowsOut).toBe(0);
    expect((await load()).source).toBe("cache");

    // A correction of the newest bar (same ts, so the newest timestamp of the universe does not move).
    const corrected = daily(100);
    corrected[29] = { ...corrected[29]!, close: 128.5 };
    expect((await write(SYMS[0]!, corrected)).rowsOut).toBe(1);
    const reloaded = await load();
    expect(reloaded.source).toBe("postgres");
    expect(lastClose(reloaded, SYMS[0]!)).toBe(128.5);
    expect((await load()).source).toBe("cache");

    // Bars of another timeframe do not invalidate the daily cache.
    await writeBars({ timeframe: "1h", source: "test", batches: [{ symbol: SYMS[1]!, bars: columnsFromBars(daily(300, 3).map((b, i) => ({ ...b, ts: START + i * 3_600_000 }))) }], trusted: true, rollup: false });
    expect((await load()).source).toBe("cache");

    // A universe change reloads: the deactivated symbol is gone.
    await setSymbolActive({ actorId, symbol: SYMS[1]!, active: false });
    const after = await load();
    expect(after.source).toBe("postgres");
    expect(after.symbols).not.toContain(SYMS[1]);
    expect(after.symbols).toContain(SYMS[0]);
  });
});
