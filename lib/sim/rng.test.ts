import { describe, expect, it } from "vitest";
import { hashNormal, hashUniform, mix32, Rng } from "./rng";

describe("Rng", () => {
  it("is a pure function of its key", () => {
    const a = new Rng(1, 2, 3, 4, 5);
    const b = new Rng(1, 2, 3, 4, 5);
    for (let i = 0; i < 1000; i++) expect(a.u32()).toBe(b.u32());
    const c = new Rng(1, 2, 3, 4, 6);
    const d = new Rng(1, 2, 3, 4, 5);
    let same = 0;
    for (let i = 0; i < 1000; i++) if (c.u32() === d.u32()) same++;
    expect(same).toBeLessThan(3);
  });

  it("draws uniforms in (0, 1) and standard normals with the right moments", () => {
    const r = new Rng(42);
    const n = 200_000;
    let su = 0;
    let minU = 1;
    let maxU = 0;
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      su += u;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      const z = r.normal();
      s1 += z;
      s2 += z * z;
      s4 += z ** 4;
    }
    expect(minU).toBeGreaterThan(0);
    expect(maxU).toBeLessThan(1);
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(s1 / n).toBeCloseTo(0, 2);
    expect(s2 / n).toBeCloseTo(1, 1);
    expect(s4 / n).toBeGreaterThan(2.9);
    expect(s4 / n).toBeLessThan(3.1);
  });

  it("samples Poisson counts with the right mean", () => {
    const r = new Rng(7);
    let s = 0;
    for (let i = 0; i < 100_000; i++) s += r.poisson(0.3);
    expect(s / 100_000).toBeCloseTo(0.3, 2);
    expect(r.poisson(0)).toBe(0);
  });

  it("hashes keys into well-spread uniforms and normals", () => {
    expect(mix32(0)).toBe(mix32(0));
    let s = 0;
    let s2 = 0;
    let su = 0;
    let inside = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const u = hashUniform(1, i, 2, 3, 0);
      if (u > 0 && u < 1) inside++;
      su += u;
      const z = hashNormal(1, i, 5, 9);
      s += z;
      s2 += z * z;
    }
    expect(inside).toBe(n);
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });
});
