import { describe, expect, it } from "vitest";
import { columnFormat, fmtDuration, fmtUtc, fmtValue } from "./format";

describe("columnFormat", () => {
  it("gives prices two decimals and a thousands separator, the same in every row", () => {
    const f = columnFormat([29.6758, 2278.35, 744.12, 203.9]);
    expect([29.6758, 2278.35, 744.12, 203.9].map(f)).toEqual(["29.68", "2,278.35", "744.12", "203.90"]);
  });

  it("gives small ratios about four significant digits", () => {
    const f = columnFormat([0.1884, 0.124, 0.1161, 0.1752]);
    expect(f(0.124)).toBe("0.1240");
    expect(f(0.1884)).toBe("0.1884");
    expect(columnFormat([0.0042, 0.0031])(0.0042)).toBe("0.004200");
  });

  it("shows large counts (volume) whole and missing values as a dash", () => {
    const f = columnFormat([12_345_678.4, 987_654, null]);
    expect(f(12_345_678.4)).toBe("12,345,678");
    expect(f(null)).toBe("—");
    expect(f(Number.NaN)).toBe("—");
  });

  it("copes with a column of zeros or nothing", () => {
    expect(columnFormat([0, 0])(0)).toBe("0.00");
    expect(columnFormat([12, 4_500, 7])(4_500)).toBe("4,500"); // whole numbers (counts) stay whole
    expect(columnFormat([])(1.5)).toBe("1.50");
    expect(columnFormat([-250.5, -3])(-250.5)).toBe("-250.50");
  });
});

describe("fmtValue", () => {
  it("formats one value by the column rule", () => {
    expect([133.5, 127.97531, 45_109, 0.012345, null].map(fmtValue)).toEqual(["133.50", "127.98", "45,109", "0.01235", "—"]);
  });
});

describe("fmtUtc / fmtDuration", () => {
  it("formats in UTC and compactly", () => {
    expect(fmtUtc(Date.UTC(2025, 5, 11, 13, 30))).toBe("2025-06-11 13:30:00 UTC");
    expect(fmtUtc(null)).toBe("—");
    expect(fmtDuration(3_725)).toBe("1h 2m");
    expect(fmtDuration(42)).toBe("42s");
  });
});
