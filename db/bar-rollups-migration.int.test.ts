import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropDatabase, ensureDatabase, migrateDatabase } from "./migrate";

/**
 * Migration 0011 on a database that already holds bars (plain PostgreSQL): rows derived from 1m move to
 * the rollup tables, vendor rows and rows derived from a vendor's own lower timeframe stay, and every
 * read view returns what the table returned before. Nothing is lost.
 */

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
const url = (() => {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `${u.pathname}_m0011`;
  return u.toString();
})();
let dir: string;
let sql: postgres.Sql;

beforeAll(async () => {
  // The migrations up to 0010, as a deployment before this change had them.
  dir = await mkdtemp(path.join(os.tmpdir(), "mss-m0010-"));
  await cp(MIGRATIONS, dir, { recursive: true });
  await rm(path.join(dir, "0011_bar_rollups.sql"));
  const journal = JSON.parse(await readFile(path.join(dir, "meta", "_journal.json"), "utf8")) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= 10);
  await writeFile(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  await ensureDatabase(url);
  sql = postgres(url, { max: 1, onnotice: () => {} });
  await migrate(drizzle(sql), { migrationsFolder: dir });
});

afterAll(async () => {
  await sql?.end({ timeout: 2 });
  await dropDatabase(url);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const snapshot = (s: postgres.Sql, rel: string) =>
  s.unsafe(`select symbol, ts, open, high, low, close, volume, vwap, trades, source from ${rel} order by symbol, ts`);

describe("migration 0011 (bar rollups) over stored bars", () => {
  it("moves rollups of 1m into the rollup tables and keeps every bar readable, unchanged", async () => {
    // Ten minutes of 1m bars, their two 5m rollups, a vendor 5m bar, and a 4h bar rolled up from a
    // vendor's 1h history (no 1m beneath it).
    await sql`insert into bars_1m (symbol, ts, open, high, low, close, volume, source)
              select 'MIG', '2024-03-04T14:30:00Z'::timestamptz + i * interval '1 minute', 10 + i, 11 + i, 9 + i, 10.5 + i, 100, 'vendor'
              from generate_series(0, 9) i`;
    await sql`insert into bars_5m (symbol, ts, open, high, low, close, volume, source) values
              ('MIG', '2024-03-04T14:30:00Z', 10, 15, 9, 14.5, 500, 'rollup'),
              ('MIG', '2024-03-04T14:35:00Z', 15, 20, 14, 19.5, 500, 'rollup'),
              ('MIG', '2024-03-04T15:00:00Z', 30, 31, 29, 30.5, 900, 'vendor')`;
    await sql`insert into bars_4h (symbol, ts, open, high, low, close, volume, source) values
              ('MIG', '2024-02-01T12:00:00Z', 1, 2, 0.5, 1.5, 7, 'rollup')`;
    const before = { "5m": await snapshot(sql, "bars_5m"), "4h": await snapshot(sql, "bars_4h") };

    expect(await migrateDatabase(url)).toEqual({ mode: "postgres" });

    expect((await snapshot(sql, "bars_5m")).map((r) => r.source)).toEqual(["vendor"]);
    expect((await snapshot(sql, "bars_5m_rollup")).map((r) => new Date(r.ts as string).toISOString())).toEqual(["2024-03-04T14:30:00.000Z", "2024-03-04T14:35:00.000Z"]);
    expect(await snapshot(sql, "bars_4h")).toEqual(before["4h"]);
    expect(await snapshot(sql, "bars_4h_rollup")).toEqual([]);
    expect(await snapshot(sql, "bars_5m_all")).toEqual(before["5m"]);
    expect(await snapshot(sql, "bars_4h_all")).toEqual(before["4h"]);
  });
});
