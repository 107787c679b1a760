/**
 * Statistical properties of the simulated market. Tolerances are set from the sampling error of each
 * statistic at the sizes used (stated per test), with fixed seeds so the tests are deterministic.
 */
import { describe, expect, it } from "vitest";
import { createSimulator, pearson, spearman } from "./index";

function logReturns(close: Float64Array): Float64Array {
  const r = new Float64Array(close.length - 1);
  for (let i = 1; i < close.length; i++) r[i - 1] = Math.log(close[i]! / close[i - 1]!);
  return r;
}

describe("stylised facts", () => {
  const sim = createSimulator({ seed: 4, symbols: 120, start: "2018-01-01", end: "2022-12-31" });
  const u = sim.universe();
  const rets = u.map((s) => logReturns(sim.daily(s.index).close));
  const D = rets[0]!.length;

  it("clusters volatility: |returns| are autocorrelated, returns are not", () => {
    // ~1,250 days per symbol: the st.error of one autocorrelation is ~0.03, of the mean over 120 symbols ~0.003.
    let acfAbs = 0;
    let acf = 0;
    for (const r of rets) {
      const a = r.map(Math.abs);
      for (let lag = 1; lag <= 5; lag++) acfAbs += pearson(a.subarray(lag), a.subarray(0, D - lag), D - lag) / (5 * rets.length);
      acf += pearson(r.subarray(1), r.subarray(0, D - 1), D - 1) / rets.length;
    }
    expect(acfAbs).toBeGreaterThan(0.08);
    expect(Math.abs(acf)).toBeLessThan(0.03);
  });

  it("has fat tails and the configured volatility level", () => {
    let kurt = 0;
    let vol = 0;
    for (const r of rets) {
      const m = r.reduce((a, b) => a + b, 0) / D;
      const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / D;
      kurt += r.reduce((a, b) => a + (b - m) ** 4, 0) / D / (v * v) / rets.length;
      vol += Math.sqrt(v * 252) / rets.length;
    }
    const calm = u.reduce((a, s) => a + s.vol, 0) / u.length;
    expect(kurt).toBeGreaterThan(4);
    // Realised vol exceeds the calm-regime vol (turbulent regime, jumps) but stays in its ballpark.
    expect(vol).toBeGreaterThan(calm);
    expect(vol).toBeLessThan(1.6 * calm);
  });

  it("correlates returns cross-sectionally: within sector > across sectors > 0", () => {
    // 7,140 pairs; the mean pairwise correlation's sampling error is far below the gaps asserted.
    let within = 0;
    let nWithin = 0;
    let across = 0;
    let nAcross = 0;
    for (let i = 0; i < rets.length; i++) {
      for (let j = i + 1; j < rets.length; j++) {
        const c = pearson(rets[i]!, rets[j]!, D);
        if (u[i]!.sector === u[j]!.sector) {
          within += c;
          nWithin++;
        } else {
          across += c;
          nAcross++;
        }
      }
    }
    within /= nWithin;
    across /= nAcross;
    expect(across).toBeGreaterThan(0.1);
    expect(within).toBeGreaterThan(across + 0.03);
  });

  it("ties volume to |return|", () => {
    let c = 0;
    for (let i = 0; i < 40; i++) {
      const b = sim.daily(i);
      const lv = new Float64Array(D);
      const ar = new Float64Array(D);
      for (let d = 1; d <= D; d++) {
        lv[d - 1] = Math.log(b.volume[d]!);
        ar[d - 1] = Math.abs(Math.log(b.close[d]! / b.close[d - 1]!));
      }
      c += pearson(lv, ar, D) / 40;
    }
    expect(c).toBeGreaterThan(0.2);
  });
});

describe("planted signal", () => {
  // 500 symbols × ~500 dates: the per-date IC has st.dev. ≈ 0.045, so the mean over dates has a
  // sampling error ≈ 0.002; the analytic calibration adds a small bias. Tolerance: ±0.01 Pearson,
  // ±0.02 rank IC (rank IC runs ~10% above Pearson with fat-tailed, heteroskedastic returns).
  const base = { symbols: 500, start: "2020-01-01", end: "2021-12-31" } as const;

  it("realises the planted IC", () => {
    const sim = createSimulator({ ...base, seed: 1, plantedIC: 0.05 });
    const ic = sim.realisedIC();
    expect(ic.symbols).toBe(500);
    expect(ic.dates).toBeGreaterThan(490);
    expect(ic.target).toBe(0.05);
    expect(Math.abs(ic.pearson - 0.05)).toBeLessThan(0.01);
    expect(Math.abs(ic.spearman - 0.05)).toBeLessThan(0.02);
    expect(ic.perDate.pearson).toHaveLength(ic.dates);
  });

  it("realises a negative IC and is ≈ 0 when not planted", () => {
    const neg = createSimulator({ ...base, seed: 3, plantedIC: -0.05 }).realisedIC();
    expect(Math.abs(neg.pearson + 0.05)).toBeLessThan(0.01);
    const none = createSimulator({ ...base, seed: 3 }).realisedIC();
    expect(Math.abs(none.pearson)).toBeLessThan(0.008);
    expect(Math.abs(none.spearman)).toBeLessThan(0.008);
  });

  it("matches an IC computed by hand from daily() and signal()", () => {
    const sim = createSimulator({ ...base, symbols: 60, seed: 6, plantedIC: 0.1 });
    const closes = sim.universe().map((s) => sim.daily(s.index).close);
    const sigs = sim.universe().map((s) => sim.signal(s.index).value);
    const n = closes.length;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const scratch = { rx: new Float64Array(n), ry: new Float64Array(n), tmp: new Float64Array(n) };
    let sp = 0;
    let ss = 0;
    const dates = closes[0]!.length - 1;
    for (let d = 0; d < dates; d++) {
      for (let i = 0; i < n; i++) {
        x[i] = sigs[i]![d]!;
        y[i] = closes[i]![d + 1]! / closes[i]![d]! - 1;
      }
      sp += pearson(x, y, n);
      ss += spearman(x, y, n, scratch);
    }
    const ic = sim.realisedIC();
    expect(ic.dates).toBe(dates);
    expect(ic.pearson).toBeCloseTo(sp / dates, 12);
    expect(ic.spearman).toBeCloseTo(ss / dates, 12);
  });

  it("signal() is independent of the planted strength and lines up with the daily grid", () => {
    const a = createSimulator({ ...base, symbols: 5, seed: 2, plantedIC: 0.05 });
    const b = createSimulator({ ...base, symbols: 5, seed: 2 });
    const sa = a.signal(3);
    expect(Array.from(sa.value)).toEqual(Array.from(b.signal(3).value));
    expect(Array.from(sa.ts)).toEqual(Array.from(a.daily(3).ts));
  });
});
