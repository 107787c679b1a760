import { AppError } from "@/lib/errors";
import { auth } from "./auth";
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

const STATUS: Record<string, number> = { UNAUTHORIZED: 401, FORBIDDEN: 403, BAD_REQUEST: 400, UNPROCESSABLE: 422, TOO_MANY_REQUESTS: 429, NOT_FOUND: 404 };

export function errorResponse(err: unknown): Response {
  if (AppError.is(err)) {
    const headers: Record<string, string> = {};
    if (err.retryAfterSeconds) headers["retry-after"] = String(err.retryAfterSeconds);
    return Response.json({ error: { code: err.code, message: err.userMessage } }, { status: STATUS[err.code] ?? 500, headers });
  }
  return Response.json({ error: { code: "INTERNAL", message: "Internal server error" } }, { status: 500 });
}
