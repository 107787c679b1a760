import { describe, expect, it } from "vitest";
import { createIdleScavenger } from "./idle-scavenge";

describe("createIdleScavenger", () => {
  it("is null without a gc function", () => {
    expect(createIdleScavenger(0.5, null)).toBeNull();
  });

  it("asks for a minor collection only when the young generation is filled past the threshold", () => {
    const calls: unknown[] = [];
    const gc = (opts: unknown) => void calls.push(opts);
    expect(createIdleScavenger(0, gc)!()).toBe(true);
    expect(calls).toEqual([{ type: "minor" }]);
    // Never more than full.
    expect(createIdleScavenger(1.01, gc)!()).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it("exposes the engine's gc at run time and collects with it", () => {
    const scavenge = createIdleScavenger(0);
    expect(scavenge).not.toBeNull();
    expect(scavenge!()).toBe(true);
  });
});
