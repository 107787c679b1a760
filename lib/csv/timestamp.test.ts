import { describe, expect, it } from "vitest";
import { createTimestampParser, detectTimestampFormat, parseTimeOfDay } from "./timestamp";

const snap = (p: { ms: number; zoned: boolean; hasTime: boolean } | null) => (p ? { ...p } : null);

describe("timestamp parser", () => {
  it("parses ISO dates and datetimes, with and without zone", () => {
    const p = createTimestampParser("iso-datetime");
    expect(snap(p.parse("2021-04-21"))).toEqual({ ms: Date.UTC(2021, 3, 21), zoned: false, hasTime: false });
    expect(snap(p.parse("2021-04-21T13:30:00"))).toEqual({ ms: Date.UTC(2021, 3, 21, 13, 30), zoned: false, hasTime: true });
    expect(snap(p.parse("2021-04-21 13:30"))).toEqual({ ms: Date.UTC(2021, 3, 21, 13, 30), zoned: false, hasTime: true });
    expect(p.parse("2021-04-21T13:30:00.250Z")?.ms).toBe(Date.UTC(2021, 3, 21, 13, 30, 0, 250));
    expect(snap(p.parse("2021-04-21T09:30:00-04:00"))).toEqual({ ms: Date.UTC(2021, 3, 21, 13, 30), zoned: true, hasTime: true });
    expect(p.parse("2021-04-21 15:30:00+0200")?.ms).toBe(Date.UTC(2021, 3, 21, 13, 30));
    expect(p.parse("2021.04.21 13:30")?.ms).toBe(Date.UTC(2021, 3, 21, 13, 30));
  });

  it("rejects impossible dates and garbage", () => {
    const p = createTimestampParser("iso-date");
    expect(p.parse("2021-02-30")).toBeNull();
    expect(p.parse("2021-13-01")).toBeNull();
    expect(p.parse("2021-04-21 24:00")).toBeNull();
    expect(p.parse("yesterday")).toBeNull();
    expect(p.parse("")).toBeNull();
    expect(p.parse("2020-02-29")?.ms).toBe(Date.UTC(2020, 1, 29));
  });

  it("parses US and day-first slash dates, AM/PM and compact dates", () => {
    expect(createTimestampParser("mdy").parse("04/21/2021")?.ms).toBe(Date.UTC(2021, 3, 21));
    expect(createTimestampParser("mdy").parse("4/21/2021 1:30 PM")?.ms).toBe(Date.UTC(2021, 3, 21, 13, 30));
    expect(createTimestampParser("mdy").parse("4/21/2021 12:05 AM")?.ms).toBe(Date.UTC(2021, 3, 21, 0, 5));
    expect(createTimestampParser("dmy").parse("21/04/2021 13:30")?.ms).toBe(Date.UTC(2021, 3, 21, 13, 30));
    expect(createTimestampParser("mdy").parse("21/04/2021")).toBeNull();
    expect(createTimestampParser("ymd-compact").parse("20210421")?.ms).toBe(Date.UTC(2021, 3, 21));
    expect(createTimestampParser("ymd-compact").parse("20210421 133000")?.ms).toBe(Date.UTC(2021, 3, 21, 13, 30));
  });

  it("parses unix seconds and milliseconds as instants", () => {
    expect(snap(createTimestampParser("unix-s").parse("1618963200"))).toEqual({ ms: 1618963200000, zoned: true, hasTime: true });
    expect(createTimestampParser("unix-s").parse("1618963200.5")?.ms).toBe(1618963200500);
    expect(createTimestampParser("unix-ms").parse("1618963200000")?.ms).toBe(1618963200000);
    expect(createTimestampParser("unix-ms").parse("12abc")).toBeNull();
  });

  it("combines a date column with a time-of-day column", () => {
    const p = createTimestampParser("mdy");
    expect(p.parse("04/21/2021", "09:30")?.ms).toBe(Date.UTC(2021, 3, 21, 9, 30));
    expect(p.parse("04/21/2021", "0930")?.ms).toBe(Date.UTC(2021, 3, 21, 9, 30));
    expect(p.parse("04/21/2021", "25:00")).toBeNull();
    expect(parseTimeOfDay("16:00:00.500")).toBe(16 * 3_600_000 + 500);
    expect(parseTimeOfDay("noon")).toBeNaN();
  });
});

describe("detectTimestampFormat", () => {
  it("recognizes each format family", () => {
    expect(detectTimestampFormat(["2021-04-21", "2021-04-22"])).toMatchObject({ format: "iso-date", dateOnly: true, zoned: false });
    expect(detectTimestampFormat(["2021-04-21T13:30:00Z", "2021-04-21T13:31:00Z"])).toMatchObject({ format: "iso-datetime", zoned: true });
    expect(detectTimestampFormat(["2021-04-21 13:30:00", "2021-04-21 13:31:00"])).toMatchObject({ format: "ymd-hms", zoned: false, dateOnly: false });
    expect(detectTimestampFormat(["04/21/2021", "04/22/2021"])).toMatchObject({ format: "mdy", ambiguousDayMonth: false });
    expect(detectTimestampFormat(["01/04/2021", "02/04/2021", "13/04/2021"])).toMatchObject({ format: "dmy" });
    expect(detectTimestampFormat(["01/04/2021", "02/04/2021"])).toMatchObject({ format: "mdy", ambiguousDayMonth: true });
    expect(detectTimestampFormat(["20210421", "20210422"])).toMatchObject({ format: "ymd-compact", dateOnly: true });
    expect(detectTimestampFormat(["1618963200", "1619049600"])).toMatchObject({ format: "unix-s", zoned: true });
    expect(detectTimestampFormat(["1618963200000", "1618963260000"])).toMatchObject({ format: "unix-ms", zoned: true });
  });

  it("tolerates a few bad cells but not a column of prices", () => {
    expect(detectTimestampFormat(["2021-04-21", "2021-04-22", "2021-04-23", "2021-04-26", "oops"])?.format).toBe("iso-date");
    expect(detectTimestampFormat(["12.5", "13.25", "11.75"])).toBeNull();
    expect(detectTimestampFormat(["", " "])).toBeNull();
  });

  it("reports time from a separate time column", () => {
    expect(detectTimestampFormat(["2021-04-21", "2021-04-21"], ["09:30", "09:31"])).toMatchObject({ format: "iso-date", dateOnly: false });
  });
});

describe("ISO fast path", () => {
  it("agrees with the regex path on common shapes", () => {
    const p = createTimestampParser("iso-datetime");
    const cases: [string, number | null, boolean][] = [
      ["2021-04-21", Date.UTC(2021, 3, 21), false],
      ["2021-04-21T13:30", Date.UTC(2021, 3, 21, 13, 30), false],
      ["2021-04-21 13:30:05", Date.UTC(2021, 3, 21, 13, 30, 5), false],
      ["2021-04-21T13:30:05.1Z", Date.UTC(2021, 3, 21, 13, 30, 5, 100), true],
      ["2021-04-21T13:30:05.123456z", Date.UTC(2021, 3, 21, 13, 30, 5, 123), true],
      ["2021-04-21T13:30:05.Z", null, false],
      ["2021-04-21T13:30:05+01:00", Date.UTC(2021, 3, 21, 12, 30, 5), true], // regex path
      ["2021-4-21", Date.UTC(2021, 3, 21), false], // regex path
      ["2021-04-21T25:00", null, false],
      ["2021-04-21X", null, false],
    ];
    for (const [v, ms, zoned] of cases) {
      const r = p.parse(v);
      if (ms === null) expect(r, v).toBeNull();
      else expect({ ms: r?.ms, zoned: r?.zoned }, v).toEqual({ ms, zoned });
    }
  });
});
