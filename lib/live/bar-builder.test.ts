import { describe, expect, it } from "vitest";
import type { BarColumns } from "../bars/columns";
import type { Timeframe } from "../bars/timeframe";
import { createSimulator } from "../sim";
import { barsFromTicks, LiveBarBuilder, type BuilderStep, type StoredBar } from "./bar-builder";
import type { Tick } from "./tick";

const MIN = 60_000;
const DAY = "2024-03-05"; // a Tuesday; NYSE session 14:30–21:00 UTC
const D0 = Date.parse(`${DAY}T00:00:00Z`);
const OPEN = Date.parse(`${DAY}T14:30:00Z`);
const CLOSE = Date.parse(`${DAY}T21:00:00Z`);
const TFS: Timeframe[] = ["1m", "5m", "15m", "1h", "4h", "1d"];

/** One simulated NYSE day of prints for `n` symbols, as Tick objects in time order per symbol. */
function simDay(n: number, seed = 7): { symbols: string[]; ticks: Map<string, Tick[]> } {
  const sim = createSimulator({ seed, symbols: n, start: "2024-01-02", end: "2024-03-29" });
  const out = new Map<string, Tick[]>();
  const symbols: string[] = [];
  for (let i = 0; i < n; i++) {
    const sym = `SIM${i}`;
    symbols.push(sym);
    const c = sim.ticks(i, D0, D0 + 86_400_000);
    const arr: Tick[] = [];
    for (let k = 0; k < c.length; k++) arr.push({ symbol: sym, ts: c.ts[k]!, price: c.price[k]!, size: c.size[k]!, id: String(k) });
    out.set(sym, arr);
  }
  return { symbols, ticks: out };
}

/** All prints of all symbols merged by ts (arrival order = time order). */
function merged(ticks: Map<string, Tick[]>): Tick[] {
  return [...ticks.values()].flat().sort((a, b) => a.ts - b.ts);
}

/** Final stored state: tf → symbol → ts → bar (later writes replace earlier ones, as an upsert does). */
type Store = Map<Timeframe, Map<string, Map<number, StoredBar>>>;
function collect(store: Store, step: BuilderStep): void {
  for (const [tf, bySym] of step.writes) {
    let t = store.get(tf);
    if (!t) store.set(tf, (t = new Map()));
    for (const [sym, bars] of bySym) {
      let m = t.get(sym);
      if (!m) t.set(sym, (m = new Map()));
      for (const b of bars) m.set(b.ts, b);
    }
  }
}

/** Feed prints in batches of `batch`, with a clock heartbeat every `beat` ms of print time. */
function run(builder: LiveBarBuilder, prints: Tick[], batch = 500, until = CLOSE + 60 * MIN): { store: Store; steps: BuilderStep[] } {
  const store: Store = new Map();
  const steps: BuilderStep[] = [];
  for (let i = 0; i < prints.length; i += batch) {
    const part = prints.slice(i, i + batch);
    builder.apply("sim", part, part[part.length - 1]!.ts);
    const s = builder.drain();
    collect(store, s);
    steps.push(s);
  }
  for (let clock = Math.ceil((prints[prints.length - 1]?.ts ?? OPEN) / MIN) * MIN; clock <= until; clock += MIN) {
    builder.apply("sim", [], clock);
    const s = builder.drain();
    collect(store, s);
    steps.push(s);
  }
  return { store, steps };
}

function expectEqualBars(store: Store, sym: string, tf: Timeframe, ref: BarColumns): void {
  const got = [...(store.get(tf)?.get(sym)?.values() ?? [])].filter((b) => !b.flat).sort((a, b) => a.ts - b.ts);
  expect(got.length, `${sym} ${tf} bar count`).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const g = got[i]!;
    expect(g.ts).toBe(ref.ts[i]);
    expect(g.open).toBe(ref.open[i]);
    expect(g.high).toBe(ref.high[i]);
    expect(g.low).toBe(ref.low[i]);
    expect(g.close).toBe(ref.close[i]);
    expect(g.volume).toBe(ref.volume[i]);
    expect(g.trades).toBe(ref.trades[i]);
    expect(g.vwap).toBeCloseTo(ref.vwap[i]!, 9);
  }
}

function newBuilder(symbols: string[], opts: ConstructorParameters<typeof LiveBarBuilder>[0] = {}): LiveBarBuilder {
  const b = new LiveBarBuilder(opts);
  for (const s of symbols) b.setSymbol({ symbol: s, calendar: "NYSE" });
  return b;
}

describe("LiveBarBuilder", () => {
  const { symbols, ticks } = simDay(3);
  const prints = merged(ticks);

  it("builds, from a simulated day of prints, exactly the bars the offline path builds (every timeframe)", () => {
    expect(prints.length).toBeGreaterThan(10_000);
    const { store } = run(newBuilder(symbols), prints);
    for (const sym of symbols) {
      const ref = barsFromTicks(ticks.get(sym)!, "NYSE");
      expect(ref.get("1m")!.length).toBe(390);
      for (const tf of TFS) expectEqualBars(store, sym, tf, ref.get(tf)!);
    }
  });

  it("matches the simulator's own 1m bars (an independent construction of the same minutes)", () => {
    const sim = createSimulator({ seed: 7, symbols: 3, start: "2024-01-02", end: "2024-03-29" });
    const { store } = run(newBuilder(symbols), prints);
    expectEqualBars(store, "SIM0", "1m", sim.minute(0, D0, D0 + 86_400_000));
  });

  it("is independent of batch size, and emits the forming bar of every timeframe", () => {
    const a = run(newBuilder(symbols), prints, 37).store;
    const b = run(newBuilder(symbols), prints, 5_000).store;
    for (const tf of TFS) expect([...a.get(tf)!.get("SIM1")!.values()]).toEqual([...b.get(tf)!.get("SIM1")!.values()]);
    const builder = newBuilder(symbols);
    builder.apply("sim", prints.slice(0, 50), prints[49]!.ts);
    const ev = builder.drain().events.get(prints[0]!.symbol)!;
    expect(new Set(ev.filter((e) => e.status === "forming").map((e) => e.tf))).toEqual(new Set(TFS));
  });

  it("closes a bar on the clock without a print, within the same step", () => {
    const b = newBuilder(["X"]);
    b.apply("v", [{ symbol: "X", ts: OPEN + 5_000, price: 10, size: 100 }], OPEN + 5_000);
    b.drain();
    b.apply("v", [], OPEN + MIN);
    const step = b.drain();
    const closed = step.events.get("X")!.find((e) => e.tf === "1m" && e.status === "closed");
    expect(closed).toMatchObject({ ts: OPEN, open: 10, close: 10, volume: 100, trades: 1 });
    expect(step.writes.get("1m")!.get("X")![0]).toMatchObject({ ts: OPEN, vwap: 10 });
  });

  it("marks silent session minutes flat while the clock walks through them, but not across a feed outage", () => {
    const b = newBuilder(["X"], { maxFlatGapMs: 5 * MIN });
    b.apply("v", [{ symbol: "X", ts: OPEN + 1_000, price: 10, size: 1 }], OPEN + 1_000);
    for (let t = OPEN + MIN; t <= OPEN + 4 * MIN; t += 10_000) b.apply("v", [], t);
    const s1 = b.drain();
    const bars1 = s1.writes.get("1m")!.get("X")!;
    expect(bars1.map((x) => [x.ts - OPEN, x.flat])).toEqual([
      [0, false],
      [MIN, true],
      [2 * MIN, true],
      [3 * MIN, true],
    ]);
    expect(bars1[1]).toMatchObject({ open: 10, high: 10, low: 10, close: 10, volume: 0, trades: 0 });
    // The clock jumps 30 minutes (collector was away): no flat bars for that span.
    b.apply("v", [], OPEN + 34 * MIN);
    expect(b.drain().writes.get("1m")?.get("X") ?? []).toEqual([]);
    // A print in a silent minute turns it into a real bar.
    const b2 = newBuilder(["X"]);
    b2.apply("v", [{ symbol: "X", ts: OPEN + 1_000, price: 10, size: 1 }], OPEN + 1_000);
    b2.apply("v", [], OPEN + 2 * MIN);
    b2.apply("v", [{ symbol: "X", ts: OPEN + MIN + 59_000, price: 11, size: 2 }], OPEN + 2 * MIN + 1_000);
    const bar = b2.drain().writes.get("1m")!.get("X")!.find((x) => x.ts === OPEN + MIN)!;
    expect(bar).toMatchObject({ flat: false, open: 11, close: 11, volume: 2, trades: 1 });
  });

  it("accepts late and out-of-order prints within the grace window (same bars as offline) and rejects older ones", () => {
    const sym = symbols[0]!;
    const own = ticks.get(sym)!;
    // Swap neighbours less than 5 s apart every 7 prints (some across minute boundaries); the clock runs 2 s ahead.
    const shuffled = own.slice();
    let swaps = 0;
    for (let i = 0; i + 1 < shuffled.length; i += 7) {
      if (shuffled[i + 1]!.ts - shuffled[i]!.ts >= 5_000) continue;
      [shuffled[i], shuffled[i + 1]] = [shuffled[i + 1]!, shuffled[i]!];
      swaps++;
    }
    expect(swaps).toBeGreaterThan(50);
    const builder = newBuilder([sym], { graceMs: 10_000 });
    const store: Store = new Map();
    for (let i = 0; i < shuffled.length; i += 20) {
      for (const t of shuffled.slice(i, i + 20)) builder.apply("sim", [t], t.ts + 2_000);
      const step = builder.drain();
      expect(step.rejects).toEqual([]);
      collect(store, step);
    }
    builder.apply("sim", [], CLOSE + MIN);
    collect(store, builder.drain());
    // Prints with the same timestamp keep their arrival order (as a stable sort of the arrivals would).
    const ref = barsFromTicks(shuffled, "NYSE");
    for (const tf of TFS) expectEqualBars(store, sym, tf, ref.get(tf)!);

    // Beyond the grace window: rejected with a reason, the bar is unchanged.
    const b = newBuilder(["X"], { graceMs: 1_000 });
    b.apply("v", [{ symbol: "X", ts: OPEN + 1_000, price: 10, size: 1 }], OPEN + 1_000);
    b.apply("v", [], OPEN + MIN + 500);
    b.apply("v", [{ symbol: "X", ts: OPEN + 2_000, price: 12, size: 1 }], OPEN + MIN + 900);
    const s = b.drain();
    expect(s.rejects).toEqual([]);
    expect(s.events.get("X")!.find((e) => e.tf === "1m" && e.ts === OPEN)).toMatchObject({ status: "updated", high: 12, close: 12 });
    b.apply("v", [{ symbol: "X", ts: OPEN + 3_000, price: 99, size: 1 }], OPEN + MIN + 2_500);
    expect(b.drain().rejects).toEqual([{ symbol: "X", source: "v", reason: "late", ts: OPEN + 3_000, price: 99, size: 1 }]);
  });

  it("restarts a symbol's bars when another source takes it over (a new replay of the same session)", () => {
    const b = newBuilder(["X"]);
    expect(b.sourceOf("X")).toBeNull();
    b.apply("replay:a", [{ symbol: "X", ts: OPEN + 1_000, price: 10, size: 5 }], OPEN + 1_000);
    expect(b.sourceOf("X")).toBe("replay:a");
    b.apply("replay:a", [{ symbol: "X", ts: OPEN + 3 * MIN + 1_000, price: 11, size: 5 }], OPEN + 3 * MIN + 1_000);
    b.drain();
    b.apply("replay:b", [{ symbol: "X", ts: OPEN + 2_000, price: 10, size: 5 }], OPEN + 2_000);
    expect(b.sourceOf("X")).toBe("replay:b");
    const s = b.drain();
    expect(s.rejects).toEqual([]);
    expect(s.events.get("X")!.find((e) => e.tf === "1m")).toMatchObject({ ts: OPEN, status: "forming", volume: 5, trades: 1 });
  });

  it("does not re-emit forming higher bars that a clock-only close left unchanged", () => {
    const b = newBuilder(["X"]);
    b.apply("v", [{ symbol: "X", ts: OPEN + 1_000, price: 10, size: 5 }], OPEN + 1_000);
    const first = b.drain().events.get("X")!;
    expect(new Set(first.map((e) => e.tf))).toEqual(new Set(TFS));
    // The minute closes on the clock alone: only the 1m bar changed (forming → closed).
    b.apply("v", [], OPEN + MIN);
    const close = b.drain().events.get("X")!;
    expect(close).toEqual([expect.objectContaining({ tf: "1m", ts: OPEN, status: "closed", close: 10, volume: 5 })]);
    // A print in the next minute changes every forming bar again.
    b.apply("v", [{ symbol: "X", ts: OPEN + MIN + 1_000, price: 11, size: 2 }], OPEN + MIN + 1_000);
    const next = b.drain().events.get("X")!;
    expect(next.filter((e) => e.tf !== "1m").map((e) => [e.tf, e.status, e.close, e.volume])).toEqual(TFS.slice(1).map((tf) => [tf, "forming", 11, 7]));
    // The 5m bucket's end closes it (emitted as closed) and starts nothing new until a print comes.
    b.apply("v", [], OPEN + 5 * MIN);
    const five = b.drain().events.get("X")!;
    expect(five.find((e) => e.tf === "5m")).toMatchObject({ ts: OPEN, status: "closed", close: 11, volume: 7 });
    expect(five.some((e) => e.tf === "15m" || e.tf === "1d")).toBe(false);
  });

  it("rejects invalid, unknown, future and out-of-session prints with a reason", () => {
    const b = newBuilder(["X"]);
    b.apply(
      "v",
      [
        { symbol: "X", ts: OPEN, price: -1, size: 1 },
        { symbol: "X", ts: OPEN, price: Number.NaN, size: 1 },
        { symbol: "NOPE", ts: OPEN, price: 1, size: 1 },
        { symbol: "X", ts: OPEN - 3_600_000, price: 1, size: 1 },
        { symbol: "X", ts: OPEN + 3_600_000, price: 1, size: 1 },
      ],
      OPEN,
    );
    expect(b.drain().rejects.map((r) => r.reason)).toEqual(["invalid", "invalid", "unknown-symbol", "outside-session", "future"]);
  });

  it("closes the 1d and 4h bars at the session close, not at UTC midnight", () => {
    const b = newBuilder(["X"]);
    b.apply("v", [{ symbol: "X", ts: CLOSE - 30_000, price: 10, size: 1 }], CLOSE - 30_000);
    b.drain();
    b.apply("v", [], CLOSE);
    const ev = b.drain().events.get("X")!;
    expect(ev.find((e) => e.tf === "1d")).toMatchObject({ status: "closed", ts: D0 });
    expect(ev.find((e) => e.tf === "4h")).toMatchObject({ status: "closed", ts: Date.parse(`${DAY}T20:00:00Z`) });
    expect(ev.find((e) => e.tf === "1h")).toMatchObject({ status: "closed" });
  });

  it("restores from a snapshot plus the stored minutes and continues to the same bars", () => {
    const sym = symbols[1]!;
    const own = ticks.get(sym)!;
    const cut = Math.floor(own.length * 0.6);
    const b1 = newBuilder([sym]);
    const store: Store = new Map();
    for (let i = 0; i < cut; i += 100) {
      const part = own.slice(i, Math.min(i + 100, cut));
      b1.apply("sim", part, part[part.length - 1]!.ts);
      collect(store, b1.drain());
    }
    const snap = JSON.parse(JSON.stringify(b1.snapshot()));
    const stored = [...store.get("1m")!.get(sym)!.values()].sort((a, b) => a.ts - b.ts);
    const b2 = newBuilder([sym]);
    b2.restore(snap, () => stored);
    for (let i = cut; i < own.length; i += 100) {
      const part = own.slice(i, i + 100);
      b2.apply("sim", part, part[part.length - 1]!.ts);
      collect(store, b2.drain());
    }
    b2.apply("sim", [], CLOSE + MIN);
    collect(store, b2.drain());
    const ref = barsFromTicks(own, "NYSE");
    for (const tf of TFS) expectEqualBars(store, sym, tf, ref.get(tf)!);
  });

  it("restores correctly when the store already holds bars of steps the snapshot does not include", () => {
    // The builder stores bars after each step but its snapshot (with the acknowledgements) lags behind:
    // it dies after storing and before acknowledging; the unacknowledged prints are applied again.
    const sym = symbols[2]!;
    const own = ticks.get(sym)!;
    const cut = Math.floor(own.length * 0.5);
    const b1 = newBuilder([sym]);
    const store: Store = new Map();
    let snap: ReturnType<LiveBarBuilder["snapshot"]> | null = null;
    let acked = 0;
    for (let i = 0; i < cut; i += 50) {
      const part = own.slice(i, Math.min(i + 50, cut));
      b1.apply("sim", part, part[part.length - 1]!.ts);
      collect(store, b1.drain());
      // Snapshot + ack only every 7th step: the store runs ahead of the snapshot.
      if ((i / 50) % 7 === 0) {
        snap = JSON.parse(JSON.stringify(b1.snapshot()));
        acked = Math.min(i + 50, cut);
      }
    }
    expect(acked).toBeLessThan(cut);
    const stored = [...store.get("1m")!.get(sym)!.values()].sort((a, b) => a.ts - b.ts);
    const b2 = newBuilder([sym]);
    b2.restore(snap!, () => stored);
    for (let i = acked; i < own.length; i += 50) {
      const part = own.slice(i, i + 50);
      b2.apply("sim", part, part[part.length - 1]!.ts);
      collect(store, b2.drain());
    }
    b2.apply("sim", [], CLOSE + MIN);
    collect(store, b2.drain());
    const ref = barsFromTicks(own, "NYSE");
    for (const tf of TFS) expectEqualBars(store, sym, tf, ref.get(tf)!);
  });
  it("keeps silent minutes out of the higher bars: a day with silent minutes equals the offline bars for the same prints", () => {
    const sym = symbols[1]!;
    // Silence: the session's first two minutes, a whole 5m bucket (10:00–10:05 ET) and every 7th minute.
    const silent = (ts: number) => {
      const m = Math.floor((ts - OPEN) / MIN);
      return m < 2 || (m >= 30 && m < 35) || m % 7 === 3;
    };
    const own = ticks.get(sym)!.filter((t) => !silent(t.ts));
    // The day before closes at a different price, so a flat minute at that close would show.
    const b = newBuilder([sym]);
    const prev = { symbol: sym, ts: OPEN - 86_400_000 + 6.5 * 60 * MIN - 10_000, price: own[0]!.price * 0.9, size: 1 };
    b.apply("sim", [prev], prev.ts);
    const store: Store = new Map();
    let i = 0;
    // The collector's clock walks in 10 s heartbeats (so silent minutes are flat bars), prints in between.
    for (let clock = prev.ts + 10_000; clock <= CLOSE + 10 * MIN; clock += 10_000) {
      const part: Tick[] = [];
      while (i < own.length && own[i]!.ts <= clock) part.push(own[i++]!);
      b.apply("sim", part, clock);
      collect(store, b.drain());
    }
    const flat1m = [...store.get("1m")!.get(sym)!.values()].filter((x) => x.flat && x.ts >= OPEN);
    expect(flat1m.length).toBeGreaterThan(50);
    const ref = barsFromTicks(own, "NYSE");
    for (const tf of TFS) {
      const dayRef = ref.get(tf)!;
      const got = [...(store.get(tf)?.get(sym)?.values() ?? [])].filter((x) => !x.flat && x.ts >= D0);
      expect(got.map((x) => [x.ts, x.open, x.high, x.low, x.close, x.volume, x.trades]), tf).toEqual(
        Array.from({ length: dayRef.length }, (_, k) => [dayRef.ts[k], dayRef.open[k], dayRef.high[k], dayRef.low[k], dayRef.close[k], dayRef.volume[k], dayRef.trades[k]]),
      );
    }
    // The silent 5m bucket is a flat bar at the last close, marked as such.
    const quiet = store.get("5m")!.get(sym)!.get(OPEN + 30 * MIN)!;
    const before = own.filter((t) => t.ts < OPEN + 30 * MIN).at(-1)!;
    expect(quiet).toMatchObject({ flat: true, open: before.price, high: before.price, low: before.price, close: before.price, volume: 0 });
  });

  it("closes every higher bucket a single clock step passes (a feed hiccup, a stall over midnight)", () => {
    const closed = (step: BuilderStep) => step.events.get("X")?.filter((e) => e.status === "closed" && e.tf !== "1m").map((e) => `${e.tf}@${new Date(e.ts).toISOString().slice(5, 16)}`) ?? [];
    const b = new LiveBarBuilder();
    b.setSymbol({ symbol: "X", calendar: "CRYPTO" });
    const t0 = Date.parse("2024-03-05T23:58:30Z");
    b.apply("v", [{ symbol: "X", ts: t0, price: 10, size: 1 }], t0);
    b.drain();
    // 100 s without a heartbeat, then a print at 00:00:10: the 23:55 5m, 23:45 15m, 23:00 1h, 20:00 4h
    // and the day all ended in that step (before, the day's close was never emitted: no 1d features/alerts).
    b.apply("v", [{ symbol: "X", ts: t0 + 100_000, price: 11, size: 1 }], t0 + 100_000);
    expect(closed(b.drain()).sort()).toEqual(["1d@03-05T00:00", "1h@03-05T23:00", "4h@03-05T20:00", "15m@03-05T23:45", "5m@03-05T23:55"].sort());
    // Within a day: the step from 10:04:30 to 10:06:10 closes minute 10:04 and flat 10:05, whose 5m
    // buckets differ; the first one closes in that step, the next at its own end.
    const c = new LiveBarBuilder();
    c.setSymbol({ symbol: "X", calendar: "CRYPTO" });
    const t1 = Date.parse("2024-03-05T10:04:30Z");
    c.apply("v", [{ symbol: "X", ts: t1, price: 10, size: 1 }], t1);
    c.drain();
    c.apply("v", [], t1 + 100_000); // 10:06:10: minute 10:04 closes, 10:05 is flat
    expect(closed(c.drain())).toEqual(["5m@03-05T10:00"]);
    c.apply("v", [], Date.parse("2024-03-05T10:10:00Z"));
    expect(closed(c.drain())).toEqual(["5m@03-05T10:05"]);
  });

  it("a gap (the feed away) survives a restart: no flat bars are invented for it", () => {
    const base = Date.parse("2024-03-05T10:00:00Z");
    const a = new LiveBarBuilder();
    a.setSymbol({ symbol: "X", calendar: "CRYPTO" });
    const stored: StoredBar[] = [];
    let snap: ReturnType<LiveBarBuilder["snapshot"]> = { clocks: {}, symbols: [] };
    const step = (t: Tick[], clock: number) => {
      a.apply("v", t, clock);
      const s = a.drain();
      stored.push(...(s.writes.get("1m")?.get("X") ?? []));
      // As run-bar-builder: the snapshot of the symbols with events in this step, merged into the saved one.
      const part = a.snapshot(s.events.keys());
      snap = { clocks: part.clocks, symbols: [...snap.symbols.filter((x) => !part.symbols.some((y) => y.symbol === x.symbol)), ...part.symbols] };
    };
    step([{ symbol: "X", ts: base + 10_000, price: 10, size: 1 }], base + 10_000);
    for (let c = base + 20_000; c <= base + 20 * MIN + 30_000; c += 10_000) step([], c); // flats to 10:19
    step([], base + 26 * MIN + 30_000); // the collector was away 6 minutes: a gap (no bar closes in it)
    const b = new LiveBarBuilder();
    b.setSymbol({ symbol: "X", calendar: "CRYPTO" });
    b.restore(JSON.parse(JSON.stringify(snap)), () => stored);
    b.apply("v", [], base + 26 * MIN + 40_000);
    b.apply("v", [], base + 27 * MIN + 10_000);
    const flats = (b.drain().writes.get("1m")?.get("X") ?? []).filter((x) => x.flat).map((x) => (x.ts - base) / MIN);
    expect(flats).toEqual([26]);
  });

  it("restores a stored minute without vwap or trade count as unknown, not zero", () => {
    const T = Date.parse("2024-03-05T10:00:00Z");
    const b = new LiveBarBuilder();
    b.setSymbol({ symbol: "X", calendar: "CRYPTO" });
    b.restore({ clocks: { v: T + 2 * MIN + 10_000 }, symbols: [{ symbol: "X", source: "v", forming: null, grace: [], lastClose: 10, closedUntil: T + 2 * MIN, higherClosed: {} }] }, () => [
      { ts: T, open: 10, high: 10, low: 10, close: 10, volume: 100, vwap: Number.NaN, trades: Number.NaN, flat: false },
      { ts: T + MIN, open: 10, high: 10, low: 10, close: 10, volume: 100, vwap: 10, trades: 5, flat: false },
    ]);
    b.apply("v", [], T + 5 * MIN);
    const bar = b.drain().writes.get("5m")!.get("X")![0]!;
    expect(bar.volume).toBe(200);
    expect(bar.vwap).toBeNaN();
    expect(bar.trades).toBeNaN();
  });
});
