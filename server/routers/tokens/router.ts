import { z } from "zod";
import { createApiToken } from "../../services/tokens/create-api-token";
import { listApiTokens } from "../../services/tokens/list-api-tokens";
import { revokeApiToken } from "../../services/tokens/revoke-api-token";
import { authedProcedure, router } from "../../trpc";

const ZToken = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export const ZCreateTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token").max(80),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
const ZCreateTokenOutput = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  token: z.string(),
});

export const tokensRouter = router({
  list: authedProcedure.output(z.array(ZToken)).query(({ ctx }) => listApiTokens({ userId: ctx.user.id })),
  create: authedProcedure
    .input(ZCreateTokenInput)
    .output(ZCreateTokenOutput)
    .mutation(({ ctx, input }) => createApiToken({ userId: ctx.user.id, ...input })),
  revoke: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .output(z.object({ id: z.uuid(), revokedAt: z.date() }))
    .mutation(({ ctx, input }) => revokeApiToken({ userId: ctx.user.id, id: input.id })),
});
