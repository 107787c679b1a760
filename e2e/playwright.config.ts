import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// One database and queue namespace per run; set once in the runner, inherited by workers.
process.env.E2E_DB ??= `scanner_e2e_${randomBytes(5).toString("hex")}`;
process.env.E2E_PORT ??= "3210";
const base = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
base.pathname = `/${process.env.E2E_DB}`;
process.env.E2E_DATABASE_URL = base.toString();
process.env.E2E_ADMIN_EMAIL ??= "admin@e2e.local";
process.env.E2E_ADMIN_PASSWORD ??= `e2e-${randomBytes(8).toString("hex")}`;
process.env.E2E_METRICS_TOKEN ??= `scrape-${randomBytes(12).toString("hex")}`;

const root = path.resolve(import.meta.dirname, "..");
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: path.join(root, "test-results"),
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalSetup: "./global-setup.ts",
  globalTeardown: "./global-teardown.ts",
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage", "--disable-component-update", "--no-first-run"],
    },
  },
  webServer: {
    // The real launcher against the run's database and the machine's Redis: web + both workers.
    command: "node --import tsx scripts/start.ts",
    cwd: root,
    url: `${baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0",
      QUEUE_PREFIX: `e2e-${process.env.E2E_DB}`,
      PORT: process.env.E2E_PORT,
      WORKER_METRICS_PORT: process.env.E2E_WORKER_METRICS_PORT ?? "19101",
      AUTH_SECRET: `e2e-secret-${"0".repeat(32)}`,
      ADMIN_EMAIL: process.env.E2E_ADMIN_EMAIL,
      ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
      METRICS_TOKEN: process.env.E2E_METRICS_TOKEN,
      // The alert test's webhook receiver runs on this machine.
      WEBHOOK_ALLOW_NETWORKS: "127.0.0.1/32",
      LOG_LEVEL: "warn",
    },
  },
});
