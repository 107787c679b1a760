import { describe, expect, it } from "vitest";
import { runEtaSeconds } from "./list-runs";

describe("runEtaSeconds", () => {
  const startedAt = new Date("2026-01-05T10:00:00Z");
  const now = Date.parse("2026-01-05T10:01:00Z");

  it("extrapolates the pace so far: a quarter done in 60 s leaves 180 s", () => {
    expect(runEtaSeconds({ status: "running", progress: 0.25, startedAt }, now)).toBe(180);
    expect(runEtaSeconds({ status: "running", progress: 0.9, startedAt }, now)).toBe(7);
  });

  it("has no estimate before any progress, for runs not running, or without a start", () => {
    expect(runEtaSeconds({ status: "running", progress: 0, startedAt }, now)).toBeNull();
    expect(runEtaSeconds({ status: "queued", progress: 0.5, startedAt }, now)).toBeNull();
    expect(runEtaSeconds({ status: "succeeded", progress: 1, startedAt }, now)).toBeNull();
    expect(runEtaSeconds({ status: "running", progress: 0.5, startedAt: null }, now)).toBeNull();
  });
});
