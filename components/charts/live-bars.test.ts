import { describe, expect, it } from "vitest";
import type { ChartBar } from "./chart-data";
import { liveBadgeState, mergeLiveBars } from "./live-bars";

const MIN = 60_000;
const bar = (i: number, close = 100 + i): ChartBar => ({ ts: i * MIN, open: 100, high: Math.max(100, close), low: Math.min(100, close), close, volume: 1 });

describe("mergeLiveBars", () => {
  const history = [bar(0), bar(1), bar(2)];

  it("keeps the same reference when nothing changes", () => {
    expect(mergeLiveBars(history, [])).toBe(history);
    expect(mergeLiveBars(history, [{ ...bar(2) }])).toBe(history);
  });

  it("replaces the forming bar, appends new bars, updates a closed bar, in ts order", () => {
    const out = mergeLiveBars(history, [bar(4, 1), bar(2, 5), bar(3, 7), bar(1, 9)]);
    expect(out.map((b) => [b.ts / MIN, b.close])).toEqual([
      [0, 100],
      [1, 9],
      [2, 5],
      [3, 7],
      [4, 1],
    ]);
    expect(history.map((b) => b.close)).toEqual([100, 101, 102]); // not mutated
  });

  it("ignores bars before the loaded history; fills a missing bar inside it", () => {
    const gappy = [bar(5), bar(7)];
    const out = mergeLiveBars(gappy, [bar(1), bar(6)]);
    expect(out.map((b) => b.ts / MIN)).toEqual([5, 6, 7]);
    expect(mergeLiveBars([], [bar(1)]).map((b) => b.ts)).toEqual([MIN]);
  });
});

describe("liveBadgeState", () => {
  it("is disconnected without a stream or a status, else the server's verdict", () => {
    expect(liveBadgeState("live", false)).toBe("disconnected");
    expect(liveBadgeState(null, true)).toBe("disconnected");
    expect(liveBadgeState("delayed", true)).toBe("delayed");
    expect(liveBadgeState("live", true)).toBe("live");
  });
});
