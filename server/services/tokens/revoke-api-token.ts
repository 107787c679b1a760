import { and, eq, isNull } from "drizzle-orm";
import { apiTokens } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";

/** Revoke one of the caller's tokens. Another user's token id is NOT_FOUND, same as a missing one. */
export async function revokeApiToken({ userId, id }: { userId: string; id: string }) {
  const [row] = await db()
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, revokedAt: apiTokens.revokedAt });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "Token not found or already revoked" });
  await recordAudit({ actorId: userId, action: "token.revoke", target: id });
  return { id: row.id, revokedAt: row.revokedAt ?? new Date() };
}
