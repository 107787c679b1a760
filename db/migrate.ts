import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export type StorageMode = "timescaledb" | "postgres";

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
const LOCK_KEY = 727_001; // advisory lock shared by every process that migrates

/** Create the database named in `url` if it does not exist (connects to the `postgres` database). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await probe`select 1`;
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== "3D000") throw err; // only "database does not exist" is ours to fix
  } finally {
    await probe.end({ timeout: 5 });
  }
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!name) throw new Error(`DATABASE_URL has no database name: ${u.origin}`);
  u.pathname = "/postgres";
  const admin = postgres(u.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    if (rows.length > 0) return false;
    await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    return true;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  u.pathname = "/postgres";
  const admin = postgres(u.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * Apply the committed migrations over one connection, serialised by an advisory lock.
 * `timescaleMode` 'off' forces the plain-Postgres path even where the extension exists.
 */
export async function migrateDatabase(
  url: string,
  opts: { timescaleMode?: "auto" | "off" } = {},
): Promise<{ mode: StorageMode }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${LOCK_KEY})`;
    await sql.unsafe(`set mss.timescale_mode = '${opts.timescaleMode === "off" ? "off" : "auto"}'`);
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS });
    return { mode: await readStorageMode(sql) };
  } finally {
    await sql`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => undefined);
    await sql.end({ timeout: 5 });
  }
}

export async function readStorageMode(sql: postgres.Sql): Promise<StorageMode> {
  const rows = await sql<{ on: boolean }[]>`select exists(select 1 from pg_extension where extname = 'timescaledb') as on`;
  return rows[0]?.on ? "timescaledb" : "postgres";
}
