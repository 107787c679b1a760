/** `npm run db:migrate`: apply committed migrations to DATABASE_URL (creating the database if missing). */
import { ensureDatabase, migrateDatabase } from "@/db/migrate";
import { parseEnv, ZServerEnv } from "@/server/env";

const env = parseEnv(ZServerEnv.pick({ DATABASE_URL: true, TIMESCALE_MODE: true }), process.env);
await ensureDatabase(env.DATABASE_URL);
const { mode } = await migrateDatabase(env.DATABASE_URL, { timescaleMode: env.TIMESCALE_MODE });
process.stdout.write(`migrated ${new URL(env.DATABASE_URL).pathname.slice(1)} (storage mode: ${mode})\n`);
