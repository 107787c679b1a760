import { getQueue } from "./producers";

/** Repeatable jobs owned by the platform itself (idempotent: upserted by scheduler id). */
export async function upsertSystemSchedules(): Promise<void> {
  const q = getQueue("maintenance");
  await q.upsertJobScheduler(
    "maintenance-purge-sessions",
    { pattern: "17 3 * * *", tz: "UTC" },
    { name: "maintenance", data: { task: "purge-sessions", olderThanDays: 7 } },
  );
  await q.upsertJobScheduler(
    "maintenance-purge-audit-log",
    { pattern: "23 3 * * 0", tz: "UTC" },
    { name: "maintenance", data: { task: "purge-audit-log", olderThanDays: 365 } },
  );
}
