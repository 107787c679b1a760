import { describe, expect, it } from "vitest";
import { quoteFromDaily, SPARK_POINTS, upsertDaily, type DailyPoint } from "./watchlist-quote";

const DAY = 86_400_000;
const D0 = Date.UTC(2024, 0, 2);

describe("watchlist quotes", () => {
  it("last price and change vs the previous daily close; live daily bars replace or append", () => {
    let pts: DailyPoint[] = [
      { ts: D0, close: 100 },
      { ts: D0 + DAY, close: 110 },
    ];
    expect(quoteFromDaily("X", null, pts, null)).toMatchObject({ lastPrice: 110, prevClose: 100, changePct: 10, spark: [100, 110] });
    pts = upsertDaily(pts, { ts: D0 + DAY, close: 99 }); // the forming day ticks
    expect(quoteFromDaily("X", null, pts, 1).changePct).toBeCloseTo(-1, 10);
    pts = upsertDaily(pts, { ts: D0 + 2 * DAY + 3_600_000, close: 104.94 }); // next session (ts inside the day)
    const q = quoteFromDaily("X", "X Corp", pts, 2);
    expect(q).toMatchObject({ lastPrice: 104.94, prevClose: 99, lastTs: D0 + 2 * DAY, liveAt: 2, name: "X Corp" });
    expect(q.changePct).toBeCloseTo(6, 10);
  });

  it("keeps a bounded sparkline and handles empty/one-point histories", () => {
    let pts: DailyPoint[] = [];
    expect(quoteFromDaily("X", null, pts, null)).toMatchObject({ lastPrice: null, changePct: null, spark: [] });
    for (let i = 0; i < 100; i++) pts = upsertDaily(pts, { ts: D0 + i * DAY, close: i });
    expect(pts).toHaveLength(SPARK_POINTS + 1);
    const q = quoteFromDaily("X", null, pts, null);
    expect(q.spark).toHaveLength(SPARK_POINTS);
    expect(q.spark.at(-1)).toBe(99);
    expect(quoteFromDaily("X", null, [{ ts: D0, close: 5 }], null)).toMatchObject({ lastPrice: 5, prevClose: null, changePct: null });
  });
});
