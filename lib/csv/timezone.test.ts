import { describe, expect, it } from "vitest";
import { createZoneConverter, isValidTimeZone, zonedToUtc, zoneOffsetMs } from "./timezone";

const H = 3_600_000;
const local = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

describe("zone offsets", () => {
  it("knows UTC and rejects unknown zones", () => {
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(zonedToUtc(local(2021, 3, 14, 2, 30), "UTC")).toBe(local(2021, 3, 14, 2, 30));
  });

  it("gives standard and daylight offsets", () => {
    expect(zoneOffsetMs(Date.UTC(2021, 0, 15), "America/New_York")).toBe(-5 * H);
    expect(zoneOffsetMs(Date.UTC(2021, 6, 15), "America/New_York")).toBe(-4 * H);
    expect(zoneOffsetMs(Date.UTC(2021, 6, 15), "Asia/Kolkata")).toBe(5.5 * H);
    expect(zoneOffsetMs(Date.UTC(2021, 6, 15), "Europe/London")).toBe(1 * H);
  });
});

describe("wall clock → UTC across DST (America/New_York)", () => {
  const ny = createZoneConverter("America/New_York");

  it("converts around the spring-forward change (2021-03-14 02:00 → 03:00)", () => {
    expect(ny.toUtc(local(2021, 3, 14, 1, 30))).toBe(Date.UTC(2021, 2, 14, 6, 30)); // EST
    expect(ny.toUtc(local(2021, 3, 14, 3, 30))).toBe(Date.UTC(2021, 2, 14, 7, 30)); // EDT
    // 02:30 does not exist: moved forward by the gap (= 03:30 EDT), like Temporal "compatible".
    expect(ny.toUtc(local(2021, 3, 14, 2, 30))).toBe(Date.UTC(2021, 2, 14, 7, 30));
    // Session opens the Friday before and the Monday after.
    expect(ny.toUtc(local(2021, 3, 12, 9, 30))).toBe(Date.UTC(2021, 2, 12, 14, 30));
    expect(ny.toUtc(local(2021, 3, 15, 9, 30))).toBe(Date.UTC(2021, 2, 15, 13, 30));
  });

  it("converts around the fall-back change (2021-11-07 02:00 → 01:00)", () => {
    expect(ny.toUtc(local(2021, 11, 7, 0, 30))).toBe(Date.UTC(2021, 10, 7, 4, 30)); // EDT
    // 01:30 happens twice: the earlier instant (EDT) is taken.
    expect(ny.toUtc(local(2021, 11, 7, 1, 30))).toBe(Date.UTC(2021, 10, 7, 5, 30));
    expect(ny.toUtc(local(2021, 11, 7, 2, 30))).toBe(Date.UTC(2021, 10, 7, 7, 30)); // EST
  });

  it("round-trips every 7 minutes of 2021 except the repeated hour", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (let u = Date.UTC(2021, 0, 1); u < Date.UTC(2022, 0, 1); u += 7 * 60_000) {
      const back = ny.toUtc(ny.toLocal(u));
      // The second 01:xx on 2021-11-07 (06:00–07:00Z) maps to the first one, an hour earlier.
      const expected = u >= Date.UTC(2021, 10, 7, 6) && u < Date.UTC(2021, 10, 7, 7) ? u - H : u;
      if (back !== expected) wrong.push(new Date(u).toISOString());
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(70_000);
  });

  it("handles half-hour zones and half-hour DST shifts (Australia/Lord_Howe)", () => {
    const lh = createZoneConverter("Australia/Lord_Howe");
    // DST ended 2021-04-04 02:00 local (+11:00 → +10:30): 01:45 local is ambiguous, 03:00 is +10:30.
    expect(lh.toUtc(local(2021, 4, 4, 3, 0))).toBe(local(2021, 4, 4, 3, 0) - 10.5 * H);
    expect(lh.toUtc(local(2021, 4, 4, 1, 45))).toBe(local(2021, 4, 4, 1, 45) - 11 * H);
    const wrong: number[] = [];
    for (let u = Date.UTC(2021, 3, 3); u < Date.UTC(2021, 3, 5); u += 60_000) {
      const back = lh.toUtc(lh.toLocal(u));
      if (back !== u && back !== u - 0.5 * H) wrong.push(u);
    }
    expect(wrong).toEqual([]);
  });
});
