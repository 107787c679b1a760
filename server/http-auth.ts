import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors";
import { auth } from "./auth";
import { serverEnv } from "./env";
import { consumeRateLimit } from "./services/rate-limit/consume-rate-limit";
import { authenticateToken } from "./services/tokens/authenticate-token";
import type { ContextUser } from "./trpc";

/**
 * Authentication for the few non-tRPC route handlers (uploads): Bearer API token or session,
 * analyst or admin only, and one point from the user's heavy-call budget.
 */
export async function requireUploader(req: Request): Promise<ContextUser> {
  const authz = req.headers.get("authorization");
  const user = authz?.toLowerCase().startsWith("bearer ") ? await authenticateToken(authz.slice(7).trim()) : ((await auth())?.user ?? null);
  if (!user) throw new AppError("UNAUTHORIZED", { userMessage: "Sign in or send an API token" });
  if (user.role === "viewer") throw new AppError("FORBIDDEN", { userMessage: "Viewers have read-only access" });
  await consumeRateLimit({ bucket: "heavy", key: user.id });
  return user;
}

/**
 * Who may read `/api/metrics`: a scraper with `METRICS_TOKEN` as its Bearer token, or an admin (API
 * token or session). Process, queue and latency figures describe the deployment: not for anyone else.
 */
export async function requireMetricsReader(req: Request): Promise<void> {
  const authz = req.headers.get("authorization");
  const bearer = authz?.toLowerCase().startsWith("bearer ") ? authz.slice(7).trim() : null;
  const scrape = serverEnv().METRICS_TOKEN;
  if (bearer && scrape && sameSecret(bearer, scrape)) return;
  const user = bearer ? await authenticateToken(bearer) : ((await auth())?.user ?? null);
  if (!user) throw new AppError("UNAUTHORIZED", { userMessage: "Sign in, or send METRICS_TOKEN or an admin's API token" });
  if (user.role !== "admin") throw new AppError("FORBIDDEN", { userMessage: "Only admins can read metrics" });
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

const STATUS: Record<string, number> = { UNAUTHORIZED: 401, FORBIDDEN: 403, BAD_REQUEST: 400, UNPROCESSABLE: 422, TOO_MANY_REQUESTS: 429, NOT_FOUND: 404 };

export function errorResponse(err: unknown): Response {
  if (AppError.is(err)) {
    const headers: Record<string, string> = {};
    if (err.retryAfterSeconds) headers["retry-after"] = String(err.retryAfterSeconds);
    return Response.json({ error: { code: err.code, message: err.userMessage } }, { status: STATUS[err.code] ?? 500, headers });
  }
  return Response.json({ error: { code: "INTERNAL", message: "Internal server error" } }, { status: 500 });
}
