import { z } from "zod";
import { USER_ROLES } from "@/db/schema";
import { authedProcedure, router } from "../../trpc";

export const ZMeOutput = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(USER_ROLES),
  authVia: z.enum(["session", "token"]),
});

export const authRouter = router({
  me: authedProcedure.output(ZMeOutput).query(({ ctx }) => ({ ...ctx.user, authVia: ctx.authVia ?? "session" })),
});
