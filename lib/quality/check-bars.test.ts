import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnsFromBars, type Bar } from "../bars/columns";
import { checkBars, findGaps } from "./check-bars";

const DIR = path.resolve(import.meta.dirname, "../../db/seed/market-data/daily");
const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
const NOW = day("2030-01-01");

function load(sym: string): Bar[] {
  return readFileSync(path.join(DIR, `${sym}.csv`), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => {
      const [d, o, h, lo, c, v] = l.split(",");
      return { ts: day(d!), open: +o!, high: +h!, low: +lo!, close: +c!, volume: +v!, vwap: Number.NaN, trades: Number.NaN };
    });
}
const actionDays = (sym: string) =>
  new Set(
    readFileSync(path.join(DIR, "corporate_actions.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","))
      .filter((r) => r[0] === sym)
      .map((r) => day(r[1]!)),
  );

describe("checkBars on the bundled real data", () => {
  it("quarantines nothing and finds no gaps in any of the 59 symbols", () => {
    for (const f of readdirSync(DIR).filter((x) => x.endsWith(".csv") && x !== "corporate_actions.csv")) {
      const sym = f.replace(".csv", "");
      const r = checkBars(columnsFromBars(load(sym)), { timeframe: "1d", calendar: "NYSE", now: NOW, actionDays: actionDays(sym) });
      expect([sym, r.keep.every((k) => k === 1)]).toEqual([sym, true]);
      expect([sym, r.findings.filter((x) => x.rule === "gap")]).toEqual([sym, []]);
    }
  });

  it("does not call the AAPL 7:1 split or the ABT spin-off a spike, but would without the actions", () => {
    const aapl = checkBars(columnsFromBars(load("AAPL")), { timeframe: "1d", calendar: "NYSE", now: NOW, actionDays: actionDays("AAPL") });
    expect(aapl.findings.filter((f) => f.rule === "spike" && f.ts === day("2014-06-09"))).toEqual([]);
    const naive = checkBars(columnsFromBars(load("AAPL")), { timeframe: "1d", calendar: "NYSE", now: NOW });
    expect(naive.findings.some((f) => f.rule === "spike" && f.ts === day("2014-06-09"))).toBe(true);
    const abt = checkBars(columnsFromBars(load("ABT")), { timeframe: "1d", calendar: "NYSE", now: NOW, actionDays: actionDays("ABT") });
    expect(abt.findings.filter((f) => f.rule === "spike" && f.ts === day("2013-01-02"))).toEqual([]);
  });

  it("flags a bad print that reverts (out-and-back), but no real move in 10 years of 59 stocks", () => {
    const bars = load("MSFT");
    const i = 1500;
    bars[i] = { ...bars[i]!, close: bars[i]!.close * 1.3, high: bars[i]!.close * 1.3 };
    const r = checkBars(columnsFromBars(bars), { timeframe: "1d", calendar: "NYSE", now: NOW, actionDays: actionDays("MSFT") });
    const spikes = r.findings.filter((f) => f.rule === "spike");
    expect(spikes.map((f) => f.ts)).toEqual([bars[i]!.ts]);
    expect(spikes[0]!.quarantined).toBe(false);
    let real = 0;
    for (const f of readdirSync(DIR).filter((x) => x.endsWith(".csv") && x !== "corporate_actions.csv")) {
      const sym = f.replace(".csv", "");
      real += checkBars(columnsFromBars(load(sym)), { timeframe: "1d", calendar: "NYSE", now: NOW, actionDays: actionDays(sym) }).findings.filter((x) => x.rule === "spike").length;
    }
    expect(real).toBe(0);
  });

  it("reports a zero-volume trading day as info and keeps it", () => {
    const bars = load("MSFT").slice(0, 50);
    bars[20] = { ...bars[20]!, volume: 0 };
    const r = checkBars(columnsFromBars(bars), { timeframe: "1d", calendar: "NYSE", now: NOW });
    expect(r.keep.every((k) => k === 1)).toBe(true);
    expect(r.findings.filter((x) => x.rule === "zero_volume").map((x) => [x.ts, x.severity])).toEqual([[bars[20]!.ts, "info"]]);
  });
});

describe("checkBars rules", () => {
  const base = (ts: number, p = 100): Bar => ({ ts, open: p, high: p + 1, low: p - 1, close: p, volume: 10, vwap: p, trades: 3 });

  it("quarantines each kind of bad bar with its rule and values, keeps the good ones", () => {
    const d0 = day("2021-03-01");
    const bars: Bar[] = [
      base(d0),
      { ...base(d0 + 86_400_000), high: 90 }, // high < low
      { ...base(d0 + 2 * 86_400_000), close: -1 }, // non-positive
      { ...base(d0 + 3 * 86_400_000), volume: -5 },
      { ...base(d0 + 4 * 86_400_000), open: Number.NaN },
      base(d0 + 4 * 86_400_000 + 3_600_000), // not on a day boundary
      base(day("2021-03-06")), // Saturday
      base(day("2031-01-02")), // future
      base(d0), // duplicate
    ];
    const r = checkBars(columnsFromBars(bars), { timeframe: "1d", calendar: "NYSE", now: NOW });
    expect(Array.from(r.keep)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const rules = r.findings.filter((f) => f.quarantined).map((f) => f.rule);
    expect(rules).toEqual(["duplicate_ts", "invalid_ohlc", "non_positive_price", "negative_volume", "non_finite", "misaligned_ts", "not_trading_day", "future_ts"]);
    expect(r.findings.find((f) => f.rule === "invalid_ohlc")?.values).toMatchObject({ high: 90, low: 99 });
  });

  it("finds intraday gaps only inside sessions and quarantines out-of-session minutes", () => {
    const open = Date.parse("2021-03-01T14:30:00Z");
    const ts = [0, 1, 2, 10, 11].map((m) => open + m * 60_000);
    const gaps = findGaps(Float64Array.from(ts), "1m", "NYSE");
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.values).toMatchObject({ missing: 7 });
    // Friday close → Monday open is not a gap.
    expect(findGaps(Float64Array.of(Date.parse("2021-03-05T20:59:00Z"), Date.parse("2021-03-08T14:30:00Z")), "1m", "NYSE")).toEqual([]);
    const r = checkBars(columnsFromBars([base(Date.parse("2021-03-01T22:00:00Z"))]), { timeframe: "1m", calendar: "NYSE", now: NOW });
    expect(r.findings[0]?.rule).toBe("outside_session");
    expect(checkBars(columnsFromBars([base(Date.parse("2021-03-06T22:00:00Z"))]), { timeframe: "1m", calendar: "CRYPTO", now: NOW }).keep[0]).toBe(1);
  });

  it("flags stale series", () => {
    const d0 = Date.parse("2021-03-01T14:30:00Z");
    const bars = Array.from({ length: 8 }, (_, i) => ({ ...base(d0 + i * 60_000), high: 100, low: 100, volume: 0 }));
    const r = checkBars(columnsFromBars(bars), { timeframe: "1m", calendar: "NYSE", now: NOW });
    expect(r.findings.filter((f) => f.rule === "stale")).toHaveLength(1);
  });
});
