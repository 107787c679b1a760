import { apiTokens } from "@/db/schema";
import { db } from "../../db";
import { generateToken } from "./api-token";
import { recordAudit } from "../audit/record-audit";

export interface CreateApiTokenOptions {
  userId: string;
  name: string;
  expiresInDays?: number;
}

/** Create a token; the plain value is returned once and never stored. */
export async function createApiToken({ userId, name, expiresInDays }: CreateApiTokenOptions) {
  const { token, prefix, hash } = generateToken();
  const [row] = await db()
    .insert(apiTokens)
    .values({
      userId,
      name,
      prefix,
      tokenHash: hash,
      expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
    })
    .returning({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, expiresAt: apiTokens.expiresAt });
  if (!row) throw new Error("token insert returned nothing");
  await recordAudit({ actorId: userId, action: "token.create", target: row.id, detail: { name } });
  return { ...row, token };
}
