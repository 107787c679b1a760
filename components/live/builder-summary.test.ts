import { describe, expect, it } from "vitest";
import { builderSummary } from "./builder-summary";

describe("builderSummary", () => {
  it("states backlog, work and close timing when the builder reports them", () => {
    expect(builderSummary("running", { pending: 1, processedTicks: 35_738, closeP50Ms: 1.53, closeP99Ms: 6.99, closeSamples: 240 })).toBe(
      "running · 1 entries pending · 35,738 prints applied · bar close p50 1.5 ms, p99 7.0 ms (last 240 closes)",
    );
  });

  it("leaves out what is missing or not a number (no closes timed yet, an older builder)", () => {
    expect(builderSummary("running", { pending: 0, processedTicks: 10 })).toBe("running · 0 entries pending · 10 prints applied");
    expect(builderSummary("disconnected", { pending: "3", closeP50Ms: null, closeP99Ms: 2, closeSamples: 5 })).toBe("disconnected");
  });
});
