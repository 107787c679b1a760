import { z } from "zod";
import { parseCidrList } from "@/lib/net/address-policy";

/**
 * The one place that reads process.env. Every variable has an example that is shown when it is
 * missing or malformed, so a failed start names the variable and how to fix it.
 */
const EXAMPLES = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/scanner",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  AUTH_SECRET: "a random string of 32+ characters (openssl rand -hex 32)",
  APP_URL: "http://localhost:3000",
  ADMIN_EMAIL: "admin@example.com",
  ADMIN_PASSWORD: "a password of 10+ characters",
  LOG_LEVEL: "info",
  PORT: "3000",
  WORKER_ROLE: "ingest",
  METRICS_PORT: "9101",
  QUEUE_PREFIX: "mss",
  DATA_DIR: ".data",
  EMBEDDED_PG_PORT: "54329",
  EMBEDDED_REDIS_PORT: "63790",
  WORKER_METRICS_PORT: "9101 (ingest worker; the ml worker uses the next port)",
  TIMESCALE_MODE: "auto",
  GIT_SHA: "0123abc (set by the launcher from git)",
  YAHOO_BASE_URL: "https://query1.finance.yahoo.com",
  BINANCE_BASE_URL: "https://api.binance.com",
  ALPACA_BASE_URL: "https://data.alpaca.markets",
  POLYGON_BASE_URL: "https://api.polygon.io",
  PROVIDER_RPM: "120",
  WORKER_LOCK_MS: "30000",
  RATE_LIMIT_LOGIN: "10",
  RATE_LIMIT_LOGIN_ACCOUNT: "50",
  WEBHOOK_ALLOW_NETWORKS: "10.20.0.0/16, 127.0.0.1 (internal networks webhooks may call; none by default)",
  METRICS_TOKEN: "a random string of 16+ characters (Prometheus sends it as its Bearer token)",
  TRUSTED_PROXY_HOPS: "0 (proxies of yours in front of the one next to the web server, e.g. a CDN: 1)",
  RATE_LIMIT_HEAVY: "30",
  IMPORT_MAX_BYTES: "52428800 (50 MB; larger CSV uploads get 413)",
  ALERT_RULES_MAX: "50",
  ALERT_MIN_INTERVAL_MINUTES: "5",
  LIVE_MAX_UPDATES_PER_S: "4 (per browser subscription; 0 = unthrottled)",
  LIVE_STATUS_STALE_MS: "10000",
  LIVE_SOURCES: "replay (comma list of binance, alpaca, polygon, yahoo, replay; empty = no collectors)",
  LIVE_GRACE_MS: "5000",
  LIVE_MAX_FLAT_GAP_MS: "300000",
  LIVE_LEASE_MS: "10000",
  LIVE_REPLAY_SPEED: "60",
  LIVE_REPLAY_ON_START: "true (replay the last session of the simulated symbols when the collectors start)",
  BINANCE_WS_URL: "wss://stream.binance.com:9443",
  ALPACA_WS_URL: "wss://stream.data.alpaca.markets (the feed path, /v2/iex, is added)",
  POLYGON_WS_URL: "wss://socket.polygon.io (the cluster path, /stocks, is added)",
  YAHOO_WS_URL: "wss://streamer.finance.yahoo.com",
  SMTP_URL: "smtp://user:pass@smtp.example.com:587 (smtps:// for implicit TLS; unset = alert e-mail disabled)",
  SMTP_FROM: "ML Stock Scanner <alerts@example.com>",
} as const;

const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const base = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, "letters, digits, - and _ only")
    .default("mss"),
  DATA_DIR: z.string().min(1).default(".data"),
  TIMESCALE_MODE: z.enum(["auto", "off"]).default("auto"),
};

/** What the launcher (scripts/start.ts) needs: service URLs are optional, it starts embedded ones. */
export const ZLauncherEnv = z.object({
  ...base,
  DATABASE_URL: optionalString.pipe(z.url().optional()),
  REDIS_URL: optionalString.pipe(z.url().optional()),
  AUTH_SECRET: optionalString.pipe(z.string().min(32).optional()),
  ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(10).optional()),
  PORT: port.default(3000),
  EMBEDDED_PG_PORT: port.default(54329),
  EMBEDDED_REDIS_PORT: port.default(63790),
  WORKER_METRICS_PORT: port.default(9101),
});

/** What every server process (web, workers, scripts that touch data) needs. */
export const ZServerEnv = z.object({
  ...base,
  DATABASE_URL: z.url().refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// URL"),
  REDIS_URL: z.url().refine((u) => /^rediss?:\/\//.test(u), "must be a redis:// URL"),
  AUTH_SECRET: z.string().min(32),
  APP_URL: optionalString.pipe(z.url().optional()),
  ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(10).optional()),
  PORT: port.default(3000),
  WORKER_ROLE: z.enum(["ingest", "ml", "all"]).default("all"),
  METRICS_PORT: port.optional(),
  RATE_LIMIT_LOGIN: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_LOGIN_ACCOUNT: z.coerce.number().int().positive().default(50),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16).optional()),
  WEBHOOK_ALLOW_NETWORKS: optionalString.pipe(
    z
      .string()
      .refine((v) => {
        try {
          parseCidrList(v);
          return true;
        } catch {
          return false;
        }
      }, "a comma list of addresses or CIDRs")
      .optional(),
  ),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  RATE_LIMIT_HEAVY: z.coerce.number().int().positive().default(30),
  /** Largest CSV upload body (bytes) /api/import reads; a larger one is refused with 413. */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
  /** Most alert rules per user. */
  ALERT_RULES_MAX: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Shortest time between two runs of a cron alert rule (minutes). */
  ALERT_MIN_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  GIT_SHA: optionalString,
  // Market-data vendors: base URLs are overridable (tests point them at a local recorded-response server).
  YAHOO_BASE_URL: optionalString.pipe(z.url().optional()),
  BINANCE_BASE_URL: optionalString.pipe(z.url().optional()),
  ALPACA_BASE_URL: optionalString.pipe(z.url().optional()),
  ALPACA_KEY_ID: optionalString,
  ALPACA_SECRET_KEY: optionalString,
  POLYGON_BASE_URL: optionalString.pipe(z.url().optional()),
  POLYGON_API_KEY: optionalString,
  /** BullMQ job lock (ms): a killed worker's job is picked up again after about this long. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Requests per minute allowed per vendor (token bucket). */
  PROVIDER_RPM: z.coerce.number().int().positive().default(120),
  /** Live bars to the browser: most updates per second per subscription (leading edge, then coalesced); 0 = unthrottled. */
  LIVE_MAX_UPDATES_PER_S: z.coerce.number().min(0).max(1000).default(4),
  /** A live status (collector, builder) older than this counts as disconnected. */
  LIVE_STATUS_STALE_MS: z.coerce.number().int().min(1000).default(10_000),
  /** Live collectors run by the ingest role. */
  LIVE_SOURCES: z
    .string()
    .default("replay")
    .transform((v) => v.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(["binance", "alpaca", "polygon", "yahoo", "replay"]))),
  /** Late prints within this many ms after their bar closed still update it. */
  LIVE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** Silent minutes become flat bars only while the source clock advances in steps up to this (ms). */
  LIVE_MAX_FLAT_GAP_MS: z.coerce.number().int().min(60_000).default(300_000),
  /** Bar builder partition lease: a dead builder's partition is taken over after about this long. */
  LIVE_LEASE_MS: z.coerce.number().int().min(500).default(10_000),
  LIVE_REPLAY_SPEED: z.coerce.number().min(1).max(1000).default(60),
  LIVE_REPLAY_ON_START: z
    .enum(["true", "false", "1", "0", ""])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  BINANCE_WS_URL: optionalString.pipe(z.url().optional()),
  ALPACA_WS_URL: optionalString.pipe(z.url().optional()),
  POLYGON_WS_URL: optionalString.pipe(z.url().optional()),
  YAHOO_WS_URL: optionalString.pipe(z.url().optional()),
  /** Alert e-mail: SMTP server with credentials; unset = e-mail delivery disabled (never logged). */
  SMTP_URL: optionalString.pipe(
    z
      .url()
      .refine((u) => /^smtps?:\/\//.test(u), "must be an smtp:// or smtps:// URL")
      .optional(),
  ),
  /** From header of alert e-mails ("Name <address>" or an address); default: the SMTP user if it is an address, else no-reply@localhost. */
  SMTP_FROM: optionalString.pipe(z.string().max(200).optional()),
});

export type TServerEnv = z.infer<typeof ZServerEnv>;
export type TLauncherEnv = z.infer<typeof ZLauncherEnv>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parse a source with a schema; on failure, name every bad variable with an example value. */
export function parseEnv<S extends z.ZodObject>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "?");
    const example = EXAMPLES[name as keyof typeof EXAMPLES];
    const got = source[name] === undefined ? "it is not set" : "its value is invalid";
    return `  ${name}: ${issue.message} (${got})${example ? `; example: ${name}=${example}` : ""}`;
  });
  throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
}

let cached: TServerEnv | undefined;

/** The validated server environment, parsed once on first use (not at import, so builds need no secrets). */
export function serverEnv(): TServerEnv {
  cached ??= parseEnv(ZServerEnv, process.env);
  return cached;
}

export function launcherEnv(): TLauncherEnv {
  return parseEnv(ZLauncherEnv, process.env);
}

/** Raw access for tooling that must forward the environment to a child process unchanged. */
export function processEnvSnapshot(): NodeJS.ProcessEnv {
  return { ...process.env };
}

const ZLogEnv = z.object({
  NODE_ENV: base.NODE_ENV.catch("development"),
  LOG_LEVEL: base.LOG_LEVEL.catch("info"),
  PROC_NAME: z.string().default("app").catch("app"),
});

/** Logging settings only; never throws, so the logger can come up before full validation reports. */
export function logEnv(): z.infer<typeof ZLogEnv> {
  return ZLogEnv.parse(process.env);
}
