import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { clientIpFrom } from "@/lib/net/client-ip";
import type { UserRole } from "@/db/schema";
import { auth } from "./auth";
import { logger } from "./logger";
import { metrics } from "./metrics";
import { consumeRateLimit } from "./services/rate-limit/consume-rate-limit";
import { authenticateToken } from "./services/tokens/authenticate-token";
import { serverEnv } from "./env";

export interface ContextUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

export interface Context {
  user: ContextUser | null;
  authVia: "session" | "token" | null;
  ip: string;
  resHeaders: Headers | null;
}

export function clientIp(headers: Headers): string {
  return clientIpFrom(headers.get("x-forwarded-for"), headers.get("x-real-ip"), serverEnv().TRUSTED_PROXY_HOPS);
}

/** Context: a Bearer API token wins over the session cookie; neither means anonymous. */
export async function createTRPCContext(opts: { headers: Headers; resHeaders?: Headers }): Promise<Context> {
  const ip = clientIp(opts.headers);
  const authz = opts.headers.get("authorization");
  if (authz?.toLowerCase().startsWith("bearer ")) {
    const user = await authenticateToken(authz.slice(7).trim());
    return { user, authVia: user ? "token" : null, ip, resHeaders: opts.resHeaders ?? null };
  }
  const session = await auth();
  return { user: session?.user ?? null, authVia: session ? "session" : null, ip, resHeaders: opts.resHeaders ?? null };
}

const CODE_MAP: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  UNPROCESSABLE: "UNPROCESSABLE_CONTENT",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** A failed input check as a sentence a form can show ("schedule: runs less than 5 minutes apart"), not zod's JSON. */
export function zodSummary(err: ZodError): string {
  const parts = err.issues.slice(0, 3).map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message));
  return parts.join("; ") + (err.issues.length > 3 ? ` (+${err.issues.length - 3} more)` : "");
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const app = AppError.is(cause) ? cause : null;
    const isInternal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // Never leak internals: unexpected errors get a generic message.
      message: app ? app.userMessage : isInternal ? "Internal server error" : cause instanceof ZodError ? zodSummary(cause) : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: app?.code ?? null,
        retryAfterSeconds: app?.retryAfterSeconds ?? null,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** Error fields copied to the log when they are strings or numbers: codes and schema names, never values. */
const LOGGED_ERROR_FIELDS = ["code", "query", "severity", "constraint_name", "table_name", "column_name"] as const;

/** Drop a Drizzle-style "\nparams: …" tail (the query's bound values) from a message or stack header. */
const withoutParams = (text: string) => text.replace(/\nparams:[^]*?(?=\n\s+at |$)/, "");

/**
 * An error as the log may show it, without query parameters or row values: Drizzle's DrizzleQueryError
 * reads "Failed query: <sql>\nparams: <values>" (a new rule's webhookSecret, say) and keeps the values in
 * `params`; Postgres errors put row values in `detail` and (postgres.js) bound values in `parameters`/`args`.
 * The copy keeps the type, the message and stack without the params tail, the causes (pino's err
 * serializer appends their messages and stacks) and LOGGED_ERROR_FIELDS, the nearest one in the cause
 * chain when the error itself has none (a DrizzleQueryError gets its Postgres cause's code and constraint).
 * It has no prototype, so the serializer names it by `name` and copies only these fields.
 */
export function loggableError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return typeof err === "string" ? withoutParams(err) : err;
  const message = withoutParams(err.message);
  const out = Object.create(null) as Record<string, unknown>;
  out.name = typeof err.constructor === "function" && err.constructor.name && err.constructor.name !== "Error" ? err.constructor.name : err.name;
  out.message = message;
  // The stack starts with the message: swap in the clean one (a params value could contain anything).
  if (err.stack) out.stack = err.message && err.stack.includes(err.message) ? err.stack.replace(err.message, () => message) : withoutParams(err.stack);
  const cause = err.cause !== undefined && depth < 5 ? loggableError(err.cause, depth + 1) : undefined;
  if (cause !== undefined) out.cause = cause;
  for (const k of LOGGED_ERROR_FIELDS) {
    const own = (err as unknown as Record<string, unknown>)[k];
    const v = typeof own === "string" || typeof own === "number" ? own : cause && typeof cause === "object" ? (cause as Record<string, unknown>)[k] : undefined;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Maps AppError to tRPC codes (the only place), records latency, logs unexpected failures (without query parameters). */
const observed = t.middleware(async ({ ctx, next, path, type }) => {
  const t0 = performance.now();
  const result = await next();
  const code = result.ok ? "OK" : result.error.code;
  metrics().trpcDuration.observe({ path, type, code }, (performance.now() - t0) / 1000);
  if (result.ok) {
    // A subscription's stream runs after this middleware returned: its errors are mapped as it goes.
    if (type === "subscription" && isAsyncIterable(result.data)) return { ...result, data: mappedStream(result.data, path, ctx.user?.id) };
    return result;
  }
  const cause = result.error.cause;
  if (AppError.is(cause)) {
    if (cause.retryAfterSeconds) ctx.resHeaders?.set("Retry-After", String(cause.retryAfterSeconds));
    throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.userMessage, cause });
  }
  if (result.error.code === "INTERNAL_SERVER_ERROR") {
    logger.error({ err: loggableError(cause ?? result.error), path, userId: ctx.user?.id }, "trpc procedure failed");
  }
  return result;
});

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === "object" && x !== null && Symbol.asyncIterator in x;
}

/**
 * A subscription's stream with its errors mapped like a call's: an AppError thrown mid-stream reaches
 * the client with its code (NOT_FOUND, FORBIDDEN…, which the SSE client does not retry) instead of as a
 * retryable INTERNAL_SERVER_ERROR; anything else is logged (without query parameters) and passed on.
 */
async function* mappedStream(src: AsyncIterable<unknown>, path: string, userId: string | undefined): AsyncGenerator<unknown> {
  try {
    for await (const item of src) yield item;
  } catch (err) {
    if (AppError.is(err)) throw new TRPCError({ code: CODE_MAP[err.code], message: err.userMessage, cause: err });
    if (!(err instanceof TRPCError)) logger.error({ err: loggableError(err), path, userId }, "trpc subscription failed");
    throw err;
  }
}

export const publicProcedure = t.procedure.use(observed);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or send an API token" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Procedures that write or cost more than a read; viewers are read-only. */
export const analystProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role === "viewer") throw new TRPCError({ code: "FORBIDDEN", message: "Viewers have read-only access" });
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next();
});

/** Heavy procedures: one point per call from the user's Redis-backed budget. */
export const rateLimitedProcedure = authedProcedure.use(async ({ ctx, next }) => {
  await consumeRateLimit({ bucket: "heavy", key: ctx.user.id });
  return next();
});
