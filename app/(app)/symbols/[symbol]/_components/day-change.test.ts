import { describe, expect, it } from "vitest";
import { quoteFromDaily } from "@/server/services/live/watchlist-quote";
import { changeVsPrevDailyClose, sessionDayOf } from "./day-change";

const DAY = 86_400_000;
const D = Date.UTC(2024, 0, 3);
const daily = [
  { ts: D - 2 * DAY, close: 90 },
  { ts: D - DAY, close: 100 },
  { ts: D, close: 104 }, // today's forming daily bar
];

describe("changeVsPrevDailyClose", () => {
  it("on any timeframe, compares with the previous session's daily close, not the previous candle", () => {
    const lastMinute = { ts: D + 14 * 3_600_000 + 37 * 60_000, close: 104 };
    expect(sessionDayOf(lastMinute.ts)).toBe(D);
    const c = changeVsPrevDailyClose(lastMinute, daily)!;
    expect(c.prevClose).toBe(100);
    expect(c.changePct).toBeCloseTo(4, 12);
    // Golden: the watchlist's quote of the same daily closes.
    expect(c.changePct).toBeCloseTo(quoteFromDaily("X", null, daily, null).changePct!, 12);
    // Only the daily bars before today (what the page fetches with `to` = session day) give the same.
    expect(changeVsPrevDailyClose(lastMinute, daily.slice(0, 2))).toEqual(c);
    // The daily chart's last candle: same definition.
    expect(changeVsPrevDailyClose({ ts: D, close: 104 }, daily)).toEqual(c);
  });

  it("no previous session or a zero close: no change", () => {
    expect(changeVsPrevDailyClose({ ts: D + 60_000, close: 1 }, [{ ts: D, close: 1 }])).toBeNull();
    expect(changeVsPrevDailyClose({ ts: D + 60_000, close: 1 }, [{ ts: D - DAY, close: 0 }])).toBeNull();
  });

  it("sub-cent prices keep their precision", () => {
    const c = changeVsPrevDailyClose({ ts: D + 1, close: 0.00001236 }, [{ ts: D - DAY, close: 0.0000120 }])!;
    expect(c.changePct).toBeCloseTo(3, 9);
  });
});
