import { randomBytes } from "node:crypto";
import { dropDatabase, ensureDatabase, migrateDatabase } from "@/db/migrate";

/**
 * A fresh, migrated database for one benchmark run on the machine's PostgreSQL (BENCH_DATABASE_URL or
 * 127.0.0.1:5432), exported as DATABASE_URL for the services; dropped by `cleanup()`.
 */
export async function benchDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const base = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/scanner_bench_${randomBytes(4).toString("hex")}`;
  const url = base.toString();
  await ensureDatabase(url);
  await migrateDatabase(url);
  Object.assign(process.env, {
    DATABASE_URL: url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0",
    AUTH_SECRET: "bench-secret-0123456789abcdef0123456789",
    LOG_LEVEL: "warn",
  });
  return { url, cleanup: () => dropDatabase(url) };
}

export const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
