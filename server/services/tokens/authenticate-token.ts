import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { apiTokens, users } from "@/db/schema";
import { db } from "../../db";
import type { AuthUser } from "../auth/verify-credentials";
import { TOKEN_RE, hashToken } from "./api-token";

/** Resolve a bearer token to its (enabled) user, or null if unknown, revoked or expired. */
export async function authenticateToken(token: string): Promise<AuthUser | null> {
  if (!TOKEN_RE.test(token)) return null;
  const now = new Date();
  const [row] = await db()
    .select({ tokenId: apiTokens.id, id: users.id, email: users.email, name: users.name, role: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  if (!row) return null;
  // Touch last-used at most once a minute: one cheap conditional update.
  await db()
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, row.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000)))));
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}
