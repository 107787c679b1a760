import { defineConfig } from "drizzle-kit";

// Only used by `drizzle-kit generate` (offline); migrations are applied by scripts/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
