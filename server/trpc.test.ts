import { describe, expect, it } from "vitest";
import { z } from "zod";
import { zodSummary } from "./trpc";

describe("zodSummary", () => {
  it("turns a failed input check into a sentence with the field paths, not zod's JSON", () => {
    const r = z.object({ schedule: z.string().min(9, "too short"), rule: z.object({ name: z.string().max(3, "at most 3") }) }).safeParse({ schedule: "* *", rule: { name: "long name" } });
    expect(r.success).toBe(false);
    expect(zodSummary(r.error!)).toBe("schedule: too short; rule.name: at most 3");
    const many = z.array(z.number()).safeParse(["a", "b", "c", "d", "e"]);
    expect(zodSummary(many.error!)).toMatch(/^0: .+; 1: .+; 2: .+ \(\+2 more\)$/);
  });
});
