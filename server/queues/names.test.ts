import { describe, expect, it } from "vitest";
import { jobId, QUEUES, queuesForRole, ZMaintenanceJob } from "./names";

describe("queue registry", () => {
  it("builds BullMQ-safe job ids", () => {
    expect(jobId("ingest-bars", "AAPL", "20240603")).toBe("ingest-bars-AAPL-20240603");
    expect(jobId("a:b", "c d")).toBe("a-b-c-d");
    expect(jobId(12345)).toBe("job-12345");
    expect(jobId("x", "BTC/USDT")).not.toContain(":");
  });

  it("assigns every queue to a role and filters by role", () => {
    for (const q of Object.values(QUEUES)) expect(["ingest", "ml"]).toContain(q.role);
    expect(queuesForRole("ingest")).toContain("maintenance");
    expect(queuesForRole("ml")).not.toContain("maintenance");
    expect(queuesForRole("all").length).toBe(Object.keys(QUEUES).length);
  });

  it("validates maintenance payloads", () => {
    expect(ZMaintenanceJob.parse({ task: "purge-sessions" })).toEqual({ task: "purge-sessions", olderThanDays: 7 });
    expect(ZMaintenanceJob.safeParse({ task: "drop-everything" }).success).toBe(false);
    expect(ZMaintenanceJob.safeParse({ task: "purge-audit-log", olderThanDays: 1 }).success).toBe(false);
  });
});
