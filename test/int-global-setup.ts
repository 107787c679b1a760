import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { dropDatabase, ensureDatabase, migrateDatabase } from "../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

/** Remove this run's Redis keys (queues, live streams, status: everything under its prefix). */
async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  let removed = 0;
  try {
    await r.connect();
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1_000);
      cursor = next;
      if (keys.length > 0) removed += await r.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    r.disconnect();
  }
  return removed;
}

/**
 * One fresh database per run on the machine's real PostgreSQL, migrated once, dropped after; one Redis
 * key prefix per run (tests derive theirs from it), removed after.
 */
export default async function setup(project: TestProject) {
  const base = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `scanner_test_${randomBytes(5).toString("hex")}`;
  base.pathname = `/${name}`;
  const databaseUrl = base.toString();
  await ensureDatabase(databaseUrl);
  await migrateDatabase(databaseUrl, { timescaleMode: "auto" });
  project.provide("databaseUrl", databaseUrl);
  const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const queuePrefix = `test-${name}`;
  project.provide("redisUrl", redisUrl);
  project.provide("queuePrefix", queuePrefix);
  return async () => {
    await dropDatabase(databaseUrl);
    await dropRedisPrefix(redisUrl, queuePrefix).catch(() => undefined);
  };
}
