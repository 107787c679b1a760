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

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const app = AppError.is(cause) ? cause : null;
    const isInternal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // Never leak internals: unexpected errors get a generic message.
      message: app ? app.userMessage : isInternal ? "Internal server error" : shape.message,
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

/** Maps AppError to tRPC codes (the only place), records latency, logs unexpected failures. */
const observed = t.middleware(async ({ ctx, next, path, type }) => {
  const t0 = performance.now();
  const result = await next();
  const code = result.ok ? "OK" : result.error.code;
  metrics().trpcDuration.observe({ path, type, code }, (performance.now() - t0) / 1000);
  if (result.ok) return result;
  const cause = result.error.cause;
  if (AppError.is(cause)) {
    if (cause.retryAfterSeconds) ctx.resHeaders?.set("Retry-After", String(cause.retryAfterSeconds));
    throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.userMessage, cause });
  }
  if (result.error.code === "INTERNAL_SERVER_ERROR") {
    logger.error({ err: cause ?? result.error, path, userId: ctx.user?.id }, "trpc procedure failed");
  }
  return result;
});

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
