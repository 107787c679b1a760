import { and, eq, gt, isNull } from "drizzle-orm";
import { sessions, users } from "@/db/schema";
import { db } from "../../db";
import type { AuthUser } from "./verify-credentials";

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

export async function createSession(opts: { userId: string; userAgent?: string; ip?: string }): Promise<string> {
  const [row] = await db()
    .insert(sessions)
    .values({
      userId: opts.userId,
      expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000),
      userAgent: opts.userAgent?.slice(0, 300),
      ip: opts.ip,
    })
    .returning({ id: sessions.id });
  if (!row) throw new Error("session insert returned nothing");
  return row.id;
}

/** The user behind a live session: not revoked, not expired, user not disabled. */
export async function getSessionUser(sessionId: string): Promise<AuthUser | null> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return null;
  const [row] = await db()
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date()), isNull(users.disabledAt)),
    )
    .limit(1);
  return row ?? null;
}

export async function revokeSession(sessionId: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return;
  await db().update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function revokeUserSessions(userId: string): Promise<void> {
  await db().update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
