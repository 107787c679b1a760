import { readStorageMode, type StorageMode } from "@/db/migrate";
import { db, redis } from "../../db";
import { getQueueStats, type QueueStats } from "../system/get-queue-stats";
import { appVersion } from "../system/version";

export interface Health {
  status: "ok" | "degraded";
  version: string;
  gitSha: string;
  uptimeSeconds: number;
  time: string;
  storageMode: StorageMode | "unknown";
  db: { ok: boolean; latencyMs: number; error?: string };
  redis: { ok: boolean; latencyMs: number; error?: string };
  queues: QueueStats[];
}

async function timed<T>(fn: () => Promise<T>, timeoutMs = 3_000): Promise<{ ok: boolean; latencyMs: number; value?: T; error?: string }> {
  const t0 = performance.now();
  try {
    const value = await Promise.race([
      fn(),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs)),
    ]);
    return { ok: true, latencyMs: +(performance.now() - t0).toFixed(2), value };
  } catch (err) {
    return { ok: false, latencyMs: +(performance.now() - t0).toFixed(2), error: err instanceof Error ? err.message : String(err) };
  }
}

/** Liveness of every dependency; never throws, reports what is down instead. */
export async function getHealth(): Promise<Health> {
  const [dbCheck, redisCheck] = await Promise.all([
    timed(() => readStorageMode(db().$client)),
    timed(() => redis().ping()),
  ]);
  const queues = redisCheck.ok ? await timed(() => getQueueStats()) : { ok: false, value: [] as QueueStats[] };
  const { version, gitSha } = appVersion();
  return {
    status: dbCheck.ok && redisCheck.ok ? "ok" : "degraded",
    version,
    gitSha,
    uptimeSeconds: Math.round(process.uptime()),
    time: new Date().toISOString(),
    storageMode: dbCheck.value ?? "unknown",
    db: { ok: dbCheck.ok, latencyMs: dbCheck.latencyMs, ...(dbCheck.error ? { error: dbCheck.error } : {}) },
    redis: { ok: redisCheck.ok, latencyMs: redisCheck.latencyMs, ...(redisCheck.error ? { error: redisCheck.error } : {}) },
    queues: queues.value ?? [],
  };
}
