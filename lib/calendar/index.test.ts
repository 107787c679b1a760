import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isOpenAt, isTradingDay, sessionMinutes, sessionOf, tradingDays } from "./index";

const d = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe("NYSE calendar", () => {
  it("matches every trading day of the bundled 2011-2021 AAPL history exactly", () => {
    const csv = readFileSync(path.resolve(import.meta.dirname, "../../db/seed/market-data/daily/AAPL.csv"), "utf8");
    const days = csv.trim().split("\n").slice(1).map((l) => d(l.slice(0, 10)));
    const first = days[0]!;
    const last = days[days.length - 1]!;
    expect(tradingDays("NYSE", first, last)).toEqual(days);
  });

  it("knows holidays, observed rules and special closures", () => {
    expect(isTradingDay("NYSE", d("2021-12-24"))).toBe(false); // Christmas on Saturday, observed Friday
    expect(isTradingDay("NYSE", d("2021-12-31"))).toBe(true); // New Year on Saturday is not moved to Friday
    expect(isTradingDay("NYSE", d("2012-10-29"))).toBe(false); // Hurricane Sandy
    expect(isTradingDay("NYSE", d("2020-04-10"))).toBe(false); // Good Friday
    expect(isTradingDay("NYSE", d("2022-06-20"))).toBe(false); // Juneteenth observed
    expect(isTradingDay("NYSE", d("2021-06-18"))).toBe(true); // before Juneteenth existed
  });

  it("gives sessions in UTC across DST and early closes", () => {
    expect(sessionOf("NYSE", d("2021-01-04"))).toEqual({ open: Date.parse("2021-01-04T14:30:00Z"), close: Date.parse("2021-01-04T21:00:00Z") });
    expect(sessionOf("NYSE", d("2021-07-01"))).toEqual({ open: Date.parse("2021-07-01T13:30:00Z"), close: Date.parse("2021-07-01T20:00:00Z") });
    expect(sessionOf("NYSE", d("2020-11-27"))?.close).toBe(Date.parse("2020-11-27T18:00:00Z")); // day after Thanksgiving
    expect(sessionOf("NYSE", d("2021-01-02"))).toBeNull();
    expect(isOpenAt("NYSE", Date.parse("2021-01-04T14:29:59Z"))).toBe(false);
    expect(isOpenAt("NYSE", Date.parse("2021-01-04T14:30:00Z"))).toBe(true);
    expect(sessionMinutes("NYSE", d("2021-01-04"), d("2021-01-05"))).toHaveLength(390);
  });

  it("follows the DST rules of each era (1987–2006: April to October; before 1987: late April)", () => {
    const open = (day: string) => new Date(sessionOf("NYSE", d(day))!.open).toISOString().slice(11, 16);
    expect([open("2006-03-20"), open("2006-03-31"), open("2006-04-03"), open("2006-10-27"), open("2006-10-30")]).toEqual(["14:30", "14:30", "13:30", "13:30", "14:30"]);
    expect([open("2007-03-12"), open("2007-11-02"), open("2007-11-05")]).toEqual(["13:30", "13:30", "14:30"]);
    expect([open("1985-04-26"), open("1985-04-29"), open("1985-10-25"), open("1985-10-28")]).toEqual(["14:30", "13:30", "13:30", "14:30"]);
  });

  it("serves the same session for any instant of a day, from the memo once computed (frozen, shared)", () => {
    const a = sessionOf("NYSE", Date.parse("2023-03-13T03:00:00Z")); // first Monday after the DST switch
    const b = sessionOf("NYSE", Date.parse("2023-03-13T22:59:59Z"));
    expect(a).toEqual({ open: Date.parse("2023-03-13T13:30:00Z"), close: Date.parse("2023-03-13T20:00:00Z") });
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(sessionOf("NYSE", Date.parse("2023-03-10T15:00:00Z"))).toEqual({ open: Date.parse("2023-03-10T14:30:00Z"), close: Date.parse("2023-03-10T21:00:00Z") });
    expect(sessionOf("CRYPTO", Date.parse("2023-03-10T15:00:00Z"))).toEqual({ open: Date.parse("2023-03-10T00:00:00Z"), close: Date.parse("2023-03-11T00:00:00Z") });
  });

  it("treats crypto as 24/7", () => {
    expect(isTradingDay("CRYPTO", d("2021-12-25"))).toBe(true);
    expect(sessionMinutes("CRYPTO", d("2021-12-25"), d("2021-12-26"))).toHaveLength(1440);
  });
});
