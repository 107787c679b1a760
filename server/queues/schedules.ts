import { getQueue } from "./producers";

/** Repeatable jobs owned by the platform itself (idempotent: upserted by scheduler id). */
export async function upsertSystemSchedules(): Promise<void> {
  const q = getQueue("maintenance");
  await q.upsertJobScheduler(
    "maintenance-purge-sessions",
    { pattern: "17 3 * * *", tz: "UTC" },
    { name: "maintenance", data: { task: "purge-sessions", olderThanDays: 7 } },
  );
  // After the US close (16:00 New York is 20:00/21:00 UTC): fetch the day's bars for the whole universe.
  await q.upsertJobScheduler(
    "maintenance-update-universe",
    { pattern: "30 22 * * 1-5", tz: "UTC" },
    { name: "maintenance", data: { task: "update-universe", timeframe: "1d", maxLookbackDays: 30 } },
  );
  await q.upsertJobScheduler(
    "maintenance-purge-audit-log",
    { pattern: "23 3 * * 0", tz: "UTC" },
    { name: "maintenance", data: { task: "purge-audit-log", olderThanDays: 365 } },
  );
}

/** The ml host's schedules: the daily batch prediction of the production model(s), after the universe update. */
export async function upsertMlSchedules(): Promise<void> {
  await getQueue("predictBatch").upsertJobScheduler(
    "predict-batch-daily",
    { pattern: "30 23 * * 1-5", tz: "UTC" },
    { name: "predict-batch", data: { bars: 5 } },
  );
}
