import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CoalescingThrottle, throttleIntervalMs, type ThrottleFlush } from "./bar-feed-throttle";

interface Bar {
  ts: number;
  close: number;
  status: "forming" | "closed" | "updated";
}

function setup(intervalMs = 250) {
  const flushes: (ThrottleFlush<Bar> & { at: number })[] = [];
  const t = new CoalescingThrottle<Bar>({ intervalMs, key: (b) => b.ts, onFlush: (f) => flushes.push({ ...f, at: Date.now() }) });
  return { t, flushes };
}

describe("CoalescingThrottle", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it("sends the leading edge at once, coalesces the window by key and sends it at the window end", () => {
    const { t, flushes } = setup(250);
    t.push("1-0", [{ ts: 60_000, close: 10, status: "forming" }]);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toMatchObject({ id: "1-0", pushes: 1, at: 0, values: [{ ts: 60_000, close: 10 }] });

    vi.advanceTimersByTime(50);
    t.push("2-0", [{ ts: 60_000, close: 11, status: "forming" }]);
    vi.advanceTimersByTime(50);
    t.push("3-0", [{ ts: 60_000, close: 12, status: "forming" }]);
    expect(flushes).toHaveLength(1);
    vi.advanceTimersByTime(150);
    expect(flushes).toHaveLength(2);
    expect(flushes[1]).toMatchObject({ id: "3-0", pushes: 2, at: 250, values: [{ ts: 60_000, close: 12 }] });
  });

  it("never loses a closed bar: a close and the next forming bar in one window are both sent", () => {
    const { t, flushes } = setup(250);
    t.push("1-0", [{ ts: 0, close: 1, status: "forming" }]);
    t.push("2-0", [{ ts: 0, close: 2, status: "closed" }, { ts: 60_000, close: 2, status: "forming" }]);
    t.push("3-0", [{ ts: 60_000, close: 3, status: "forming" }]);
    t.push("4-0", [{ ts: 0, close: 2.5, status: "updated" }]);
    vi.advanceTimersByTime(250);
    expect(flushes[1]!.values).toEqual([
      { ts: 0, close: 2.5, status: "updated" },
      { ts: 60_000, close: 3, status: "forming" },
    ]);
    expect(flushes[1]!.id).toBe("4-0");
  });

  it("holds the rate: at most one flush per window under a continuous stream, at most 4/s at 250 ms", () => {
    const { t, flushes } = setup(throttleIntervalMs(4));
    for (let ms = 0; ms < 2_000; ms += 10) {
      t.push(`${ms}-0`, [{ ts: Math.floor(ms / 1000) * 1000, close: ms, status: "forming" }]);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(1_000);
    const times = flushes.map((f) => f.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
    expect(flushes.length).toBeLessThanOrEqual(9); // 2 s of input + the trailing window
    // The last value of every key arrives; the last flush carries the newest id.
    expect(flushes.at(-1)!.id).toBe("1990-0");
    const lastByTs = new Map<number, number>();
    for (const f of flushes) for (const v of f.values) lastByTs.set(v.ts, v.close);
    expect(lastByTs.get(0)).toBe(990);
    expect(lastByTs.get(1000)).toBe(1990);
    expect(flushes.reduce((n, f) => n + f.pushes, 0)).toBe(200);
  });

  it("closes the window when nothing is pending: the next change is a leading edge again", () => {
    const { t, flushes } = setup(250);
    t.push("1-0", [{ ts: 0, close: 1, status: "forming" }]);
    vi.advanceTimersByTime(250);
    expect(t.windowOpen).toBe(false);
    vi.advanceTimersByTime(1_000);
    t.push("2-0", [{ ts: 0, close: 2, status: "forming" }]);
    expect(flushes.map((f) => f.at)).toEqual([0, 1_250]);
  });

  it("unthrottled (0) sends every push; reset drops pending; close stops everything", () => {
    const u = setup(0);
    u.t.push("1-0", [{ ts: 0, close: 1, status: "forming" }]);
    u.t.push("2-0", [{ ts: 0, close: 2, status: "forming" }]);
    expect(u.flushes.map((f) => f.id)).toEqual(["1-0", "2-0"]);

    const { t, flushes } = setup(250);
    t.push("1-0", [{ ts: 0, close: 1, status: "forming" }]);
    t.push("2-0", [{ ts: 0, close: 2, status: "forming" }]);
    t.reset();
    vi.advanceTimersByTime(500);
    expect(flushes).toHaveLength(1);
    t.close();
    t.push("3-0", [{ ts: 0, close: 3, status: "forming" }]);
    expect(flushes).toHaveLength(1);
    expect(throttleIntervalMs(0)).toBe(0);
    expect(throttleIntervalMs(3)).toBe(334);
  });
});
