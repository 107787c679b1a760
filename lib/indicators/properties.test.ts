/**
 * Properties checked for EVERY registry indicator and every candlestick pattern (a new entry is
 * covered automatically):
 * 1. batch = incremental, bit for bit, under random push / replace-last-bar (update) sequences
 *    with random params within bounds, random gaps (NaN) and session changes (fast-check);
 * 2. live-tick replay: each bar arrives as a few evolving updates, then is final;
 * 3. missing data: a NaN/Infinity bar splits the series; the result equals the indicator computed
 *    on every clean segment separately, with NaN at the gap bars; NaN in unread fields is ignored;
 * 4. lookback: on clean data, every output is defined from `lookback(params)` on, and not all before.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bar, BarColumns } from "@/lib/bars/columns";
import { columnsFromBars, sliceColumns } from "@/lib/bars/columns";
import { CANDLE_PATTERNS, detectPattern, patternIncremental } from "./patterns";
import { type BarField, getIndicator, INDICATOR_IDS, type IndicatorDef, type ParamSpec, requiredInputs } from "./registry";
import { barAt, cloneColumns, firstValid, loadDaily, randomWalk, rng, sameValue } from "./test-helpers";

const FIELDS: readonly BarField[] = ["ts", "open", "high", "low", "close", "volume"];

/** Small params derived from the spec (so warm-ups fit in short random sequences). */
function smallParams(d: IndicatorDef): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(d.params)) {
    if (s.kind === "int") p[k] = Math.min(s.default, Math.max(s.min, Math.ceil(s.default / 4)));
  }
  return d.parseParams(p);
}

/** fast-check arbitrary of valid params (ints near their minimum so outputs appear quickly). */
function paramsArb(d: IndicatorDef): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(d.params).map(([k, s]: [string, ParamSpec]) => {
    if (s.kind === "int") return [k, fc.integer({ min: s.min, max: Math.min(s.max, s.min + 6) })] as const;
    if (s.kind === "number") return [k, fc.double({ min: s.min, max: s.max, noNaN: true, noDefaultInfinity: true })] as const;
    return [k, fc.constantFrom(...s.values)] as const;
  });
  return fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>);
}

/** Random bar: integer-ish prices (ties, flat bars), sometimes a gap, ts steps crossing sessions. */
const barArb: fc.Arbitrary<Omit<Bar, "ts"> & { step: number }> = fc
  .record({
    a: fc.integer({ min: 90, max: 110 }),
    b: fc.integer({ min: 90, max: 110 }),
    c: fc.double({ min: 90, max: 110, noNaN: true }),
    d: fc.double({ min: 90, max: 110, noNaN: true }),
    flip: fc.boolean(),
    volume: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
    gap: fc.integer({ min: 0, max: 30 }),
    gapField: fc.constantFrom("open", "high", "low", "close", "volume"),
    step: fc.constantFrom(60_000, 3_600_000, 86_400_000, 7 * 86_400_000),
  })
  .map((r) => {
    const xs = [r.a, r.b, r.c, r.d].sort((x, y) => x - y);
    const bar = {
      open: r.flip ? xs[1]! : xs[2]!,
      high: xs[3]!,
      low: xs[0]!,
      close: r.flip ? xs[2]! : xs[1]!,
      volume: r.volume,
      vwap: NaN,
      trades: NaN,
      step: r.step,
    };
    if (r.gap === 0) bar[r.gapField] = NaN; // ~3% of bars have one missing field
    return bar;
  });

type Op = { kind: "push" | "update"; bar: Omit<Bar, "ts"> & { step: number } };
const opsArb = fc.array(fc.record({ kind: fc.constantFrom("push", "push", "update"), bar: barArb }) as fc.Arbitrary<Op>, { minLength: 1, maxLength: 60 });

function expectSameOutputs(got: Record<string, number>, want: Record<string, Float64Array>, i: number, ctx: string) {
  for (const [k, arr] of Object.entries(want)) {
    const w = arr[i];
    if (!sameValue(got[k], w)) expect.fail(`${ctx}: output ${k} at bar ${i}: incremental ${got[k]}, batch ${w}`);
  }
}

describe.each(INDICATOR_IDS)("indicator %s", (id) => {
  const d = getIndicator(id);

  it("batch = incremental under random push/update sequences (fast-check)", () => {
    fc.assert(
      fc.property(paramsArb(d), opsArb, (rawParams, ops) => {
        const params = d.parseParams(rawParams);
        const inc = d.createIncremental(params);
        const bars: Bar[] = [];
        let ts = Date.UTC(2024, 0, 1, 14, 30);
        for (const op of ops) {
          const isUpdate = op.kind === "update" && bars.length > 0;
          if (!isUpdate) ts += op.bar.step;
          const { step: _step, ...rest } = op.bar;
          const bar: Bar = { ...rest, ts };
          if (isUpdate) bars[bars.length - 1] = bar;
          else bars.push(bar);
          const got = isUpdate ? inc.update(bar) : inc.push(bar);
          expect(inc.length).toBe(bars.length);
          const want = d.compute(columnsFromBars(bars), params);
          expectSameOutputs(got, want, bars.length - 1, `${id}(${JSON.stringify(params)})`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("live-tick replay over real data equals batch on the final bars", () => {
    const c = loadDaily("AAPL");
    const params = smallParams(d);
    const want = d.compute(c, params);
    const inc = d.createIncremental(params);
    const r = rng(42);
    for (let i = 0; i < c.length; i++) {
      const final = barAt(c, i);
      // The forming bar: starts at the open, wanders, then settles on the final values.
      let tick: Bar = { ...final, high: final.open, low: final.open, close: final.open, volume: 0 };
      inc.push(tick);
      for (let k = 0; k < 3; k++) {
        const px = final.low + (final.high - final.low) * r();
        tick = { ...tick, close: px, high: Math.max(tick.high, px), low: Math.min(tick.low, px), volume: tick.volume + final.volume / 4 };
        inc.update(tick);
      }
      const got = inc.update(final);
      expectSameOutputs(got, want, i, `${id} replay`);
    }
  });

  it("a missing value splits the series into independently computed segments", () => {
    for (const params of [smallParams(d), d.parseParams({})]) {
      const c = cloneColumns(randomWalk(700, { seed: 9, stepMs: 3_600_000 }));
      const reads = requiredInputs(id, params);
      const gaps = [0, 5, 6, 60, 61, 62, 300, 480, 699];
      gaps.forEach((g, k) => {
        const f = reads[k % reads.length]!;
        c[f][g] = k % 3 === 2 ? Infinity : NaN;
      });
      const full = d.compute(c, params);
      const gapSet = new Set(gaps);
      let start = 0;
      for (let i = 0; i <= c.length; i++) {
        if (i < c.length && !gapSet.has(i)) continue;
        if (i > start) {
          const seg = d.compute(sliceColumns(c, start, i), params);
          for (const [k, arr] of Object.entries(seg)) {
            for (let j = 0; j < arr.length; j++) {
              if (!sameValue(full[k]![start + j], arr[j])) expect.fail(`${id}.${k}[${start + j}]: full ${full[k]![start + j]}, segment ${arr[j]}`);
            }
          }
        }
        if (i < c.length) for (const arr of Object.values(full)) expect(arr[i], `${id} at gap ${i}`).toBeNaN();
        start = i + 1;
      }
    }
  });

  it("ignores missing values in fields it does not read", () => {
    const params = d.parseParams({});
    const c = randomWalk(400, { seed: 4 });
    const reads = new Set(requiredInputs(id, params));
    const dirty = cloneColumns(c);
    for (const f of FIELDS) if (!reads.has(f)) dirty[f].fill(NaN);
    dirty.vwap.fill(NaN);
    dirty.trades.fill(NaN);
    const a = d.compute(c, params);
    const b = d.compute(dirty, params);
    for (const k of d.outputs) for (let i = 0; i < c.length; i++) expect(sameValue(a[k]![i], b[k]![i])).toBe(true);
  });

  it("lookback(params) is the first bar where every output is defined", () => {
    for (const params of [smallParams(d), d.parseParams({})]) {
      const c = randomWalk(1200, { seed: 21, vol: 0.02, stepMs: 60_000 });
      const out = d.compute(c, params);
      const lb = d.lookback(params);
      const firsts = d.outputs.map((k) => firstValid(out[k]!));
      expect(Math.max(...firsts), `${id}(${JSON.stringify(params)})`).toBe(lb);
      for (const k of d.outputs) {
        for (let i = lb; i < c.length; i++) if (!Number.isFinite(out[k]![i])) expect.fail(`${id}.${k}[${i}] = ${out[k]![i]} after lookback ${lb}`);
      }
    }
  });
});

describe.each(CANDLE_PATTERNS.map((p) => p.id))("pattern %s", (id) => {
  it("batch = incremental under random push/update sequences (fast-check)", () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const inc = patternIncremental(id);
        const bars: Bar[] = [];
        for (const op of ops) {
          const isUpdate = op.kind === "update" && bars.length > 0;
          const { step: _s, ...rest } = op.bar;
          const bar: Bar = { ...rest, ts: bars.length };
          if (isUpdate) bars[bars.length - 1] = bar;
          else bars.push(bar);
          const got = isUpdate ? inc.update(bar) : inc.push(bar);
          const want = detectPattern(id, columnsFromBars(bars));
          expect(got).toBe(want[bars.length - 1]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("batch = incremental over real data", () => {
    const c: BarColumns = loadDaily("AAPL");
    const want = detectPattern(id, c);
    const inc = patternIncremental(id);
    for (let i = 0; i < c.length; i++) expect(inc.push(barAt(c, i))).toBe(want[i]);
  });
});
