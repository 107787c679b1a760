import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

/** Two projects: `unit` (pure, parallel) and `int` (real Postgres + Redis, one fresh database per run). */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{lib,server,db,workers,scripts,components,app}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "int",
          include: ["{lib,server,db,workers,scripts}/**/*.int.test.ts"],
          environment: "node",
          globalSetup: ["./test/int-global-setup.ts"],
          setupFiles: ["./test/int-setup.ts"],
          pool: "forks",
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
