import { afterEach, describe, expect, it } from "vitest";
import { createIdleScavenger } from "./idle-scavenge";

const g = globalThis as { gc?: unknown };
const had = g.gc;

afterEach(() => {
  g.gc = had;
});

describe("createIdleScavenger", () => {
  it("is null when the process has no gc function (node without --expose-gc)", () => {
    g.gc = undefined;
    expect(createIdleScavenger()).toBeNull();
  });

  it("asks for a minor collection only when the young generation is filled past the threshold", () => {
    const calls: unknown[] = [];
    g.gc = (opts: unknown) => calls.push(opts);
    expect(createIdleScavenger(0)!()).toBe(true);
    expect(calls).toEqual([{ type: "minor" }]);
    // Never more than full.
    expect(createIdleScavenger(1.01)!()).toBe(false);
    expect(calls).toHaveLength(1);
  });
});
