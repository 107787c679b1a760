import { desc, eq } from "drizzle-orm";
import { apiTokens } from "@/db/schema";
import { db } from "../../db";

/** The caller's own tokens (never another user's), newest first, without hashes. */
export async function listApiTokens({ userId }: { userId: string }) {
  return db()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt));
}
