import { describe, expect, it } from "vitest";
import { CloseLatencyWindow, crossesMinute, streamIdMs } from "./close-latency";

describe("CloseLatencyWindow", () => {
  it("summarises nearest-rank p50 / p99 / max of the newest samples", () => {
    const w = new CloseLatencyWindow(100);
    expect(w.summary()).toBeNull();
    for (let i = 1; i <= 100; i++) w.add(i);
    expect(w.summary()).toEqual({ p50: 50, p99: 99, max: 100, samples: 100 });
  });

  it("keeps only the newest `size` samples", () => {
    const w = new CloseLatencyWindow(4);
    for (const v of [100, 100, 100, 1, 2, 3, 4]) w.add(v);
    expect(w.summary()).toEqual({ p50: 2, p99: 4, max: 4, samples: 4 });
  });

  it("clamps a negative sample (clock skew) to 0 and ignores a non-number", () => {
    const w = new CloseLatencyWindow(8);
    w.add(-3);
    w.add(Number.NaN);
    expect(w.summary()).toEqual({ p50: 0, p99: 0, max: 0, samples: 1 });
    expect(() => new CloseLatencyWindow(0)).toThrow(/positive integer/);
  });
});

describe("streamIdMs / crossesMinute", () => {
  it("reads the append time of a stream id", () => {
    expect(streamIdMs("1718112000123-7")).toBe(1718112000123);
    expect(streamIdMs("1718112000123")).toBe(1718112000123);
    expect(streamIdMs("x-1")).toBeNaN();
  });

  it("tells when a clock passes a minute boundary", () => {
    expect(crossesMinute(59_999, 60_000)).toBe(true);
    expect(crossesMinute(60_000, 119_999)).toBe(false);
    expect(crossesMinute(30_000, 200_000)).toBe(true);
    expect(crossesMinute(Number.NEGATIVE_INFINITY, 60_000)).toBe(false); // a source's first clock closes nothing
  });
});
