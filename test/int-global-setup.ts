import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { dropDatabase, ensureDatabase, migrateDatabase } from "../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

/** One fresh database per run on the machine's real PostgreSQL, migrated once, dropped after. */
export default async function setup(project: TestProject) {
  const base = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const name = `scanner_test_${randomBytes(5).toString("hex")}`;
  base.pathname = `/${name}`;
  const databaseUrl = base.toString();
  await ensureDatabase(databaseUrl);
  await migrateDatabase(databaseUrl, { timescaleMode: "auto" });
  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0");
  project.provide("queuePrefix", `test-${name}`);
  return async () => {
    await dropDatabase(databaseUrl);
  };
}
