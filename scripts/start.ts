/**
 * `npm start`: the whole product on one machine. Starts embedded PostgreSQL/Redis when no URL is
 * configured, migrates, creates the first admin, builds the web app if there is no build, then
 * supervises web + ingest worker + ml worker (restarting a crashed one). Ctrl-C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { launcherEnv, processEnvSnapshot } from "@/server/env";
import { migrateDatabase, ensureDatabase } from "@/db/migrate";
import { ensureServices, persistentSecret } from "./services";

const ROOT = process.cwd();
const say = (msg: string) => process.stdout.write(`[start] ${msg}\n`);

interface AppSpec {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
}

function gitSha(): string {
  const r = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "unknown";
}

async function waitHttp(url: string, timeoutMs: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.status < 500 || res.status === 503) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main() {
  const env = launcherEnv();
  const services = await ensureServices(env);
  const authSecret = env.AUTH_SECRET ?? persistentSecret(env.DATA_DIR);
  const appUrl = `http://localhost:${env.PORT}`;
  const shared: Record<string, string> = {
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    AUTH_SECRET: authSecret,
    NEXTAUTH_SECRET: authSecret,
    NEXTAUTH_URL: appUrl,
    APP_URL: appUrl,
    GIT_SHA: gitSha(),
    NODE_ENV: "production",
  };
  Object.assign(process.env, shared);

  await ensureDatabase(services.databaseUrl);
  const { mode } = await migrateDatabase(services.databaseUrl, { timescaleMode: env.TIMESCALE_MODE });
  say(`database migrated (storage mode: ${mode === "timescaledb" ? "TimescaleDB" : "plain PostgreSQL"})`);

  const { ensureAdmin } = await import("@/server/services/users/ensure-admin");
  const admin = await ensureAdmin({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD });

  // Demo data on first start: the bundled real daily history (59 US large caps, 2011-2021).
  const { countSymbols } = await import("@/server/services/market/count-symbols");
  if ((await countSymbols()) === 0) {
    say("first start: loading the bundled market data (59 symbols, daily 2011-2021)…");
    const { loadBundledData } = await import("@/server/services/market/load-bundled-data");
    const t0 = Date.now();
    const r = await loadBundledData();
    say(`loaded ${r.symbols} symbols in ${((Date.now() - t0) / 1000).toFixed(1)} s; features are computed by the ml worker`);
    const { enqueue } = await import("@/server/queues/producers");
    await enqueue("computeFeatures", { featureSet: "core-v1", timeframe: "1d" }, { jobId: "compute-features-demo-initial" });
    const { seedLiveDemo } = await import("@/server/services/live/seed-live-demo");
    const demo = await seedLiveDemo();
    say(`live demo: ${demo.symbols.length} simulated symbols added, their history is being backfilled by the ingest worker`);
  }

  // The offline live feed: replay the last closed session of the simulated demo symbols (LIVE_REPLAY_ON_START=false turns it off).
  const { serverEnv } = await import("@/server/env");
  if (serverEnv().LIVE_REPLAY_ON_START) {
    const { startDemoReplay } = await import("@/server/services/live/seed-live-demo");
    const r = await startDemoReplay(serverEnv().LIVE_REPLAY_SPEED).catch((err: Error) => {
      say(`live demo replay not started: ${err.message}`);
      return null;
    });
    if (r) say(`live demo: replaying ${new Date(r.from).toISOString().slice(0, 10)} for ${r.symbols.join(", ")} at ${r.speed}× (see /symbols/${r.symbols[0]})`);
  }

  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    say("no web build found: running `next build` (first start only)…");
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      stdio: "inherit",
      env: { ...processEnvSnapshot(), ...shared },
    });
    if (r.status !== 0) throw new Error("next build failed");
  }

  const tsx = ["--import", "tsx"];
  const apps: AppSpec[] = [
    { name: "web", cmd: process.execPath, args: [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(env.PORT)], env: { PROC_NAME: "web" } },
    { name: "worker-ingest", cmd: process.execPath, args: [...tsx, "workers/index.ts"], env: { PROC_NAME: "worker-ingest", WORKER_ROLE: "ingest", METRICS_PORT: String(env.WORKER_METRICS_PORT) } },
    { name: "worker-ml", cmd: process.execPath, args: [...tsx, "workers/index.ts"], env: { PROC_NAME: "worker-ml", WORKER_ROLE: "ml", METRICS_PORT: String(env.WORKER_METRICS_PORT + 1) } },
  ];

  let stopping = false;
  const running = new Map<string, ChildProcess>();
  const launch = (app: AppSpec, attempt = 0) => {
    const child = spawn(app.cmd, app.args, { cwd: ROOT, stdio: "inherit", env: { ...processEnvSnapshot(), ...shared, ...app.env } });
    running.set(app.name, child);
    child.on("exit", (code, signal) => {
      running.delete(app.name);
      if (stopping) return;
      const delay = Math.min(30_000, 1_000 * 2 ** attempt);
      say(`${app.name} exited (${signal ?? code}); restarting in ${delay / 1000}s`);
      setTimeout(() => launch(app, attempt + 1), delay);
    });
  };
  for (const app of apps) launch(app);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping web and workers…`);
    await Promise.all(
      [...running.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => c.kill("SIGKILL"), 35_000);
            c.once("exit", () => {
              clearTimeout(t);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
    );
    await services.stop();
    say("stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  const up = await waitHttp(`http://127.0.0.1:${env.PORT}/api/health`, 120_000);
  const lines = [
    "",
    "──────────────────────────────────────────────────────────",
    `  ML Stock Scanner is ${up ? "up" : "starting (health not answering yet)"}: ${appUrl}/login`,
    `  Storage: ${mode === "timescaledb" ? "TimescaleDB" : "plain PostgreSQL"} · DB ${services.embedded.postgres ? "embedded" : "external"} · Redis ${services.embedded.redis ? "embedded" : "external"}`,
    admin.created
      ? admin.generated
        ? `  First admin (shown once, write it down): ${admin.email} / ${admin.password}`
        : `  Admin created from ADMIN_EMAIL: ${admin.email}`
      : "  Sign in with your existing account.",
    `  Health: /api/health   Metrics: /api/metrics (admin), workers :${env.WORKER_METRICS_PORT} and :${env.WORKER_METRICS_PORT + 1}`,
    "  Ctrl-C stops everything.",
    "──────────────────────────────────────────────────────────",
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

main().catch((err) => {
  process.stderr.write(`[start] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
