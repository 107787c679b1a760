import { z } from "zod";
import { USER_ROLES } from "@/db/schema";
import { createUser } from "../../services/users/create-user";
import { listUsers } from "../../services/users/list-users";
import { updateUser } from "../../services/users/update-user";
import { adminProcedure, router } from "../../trpc";

const ZUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(USER_ROLES),
  disabledAt: z.date().nullable(),
  lastLoginAt: z.date().nullable(),
  createdAt: z.date(),
});
export const ZCreateUserInput = z.object({
  email: z.email().max(320),
  name: z.string().trim().max(120).optional(),
  password: z.string().min(10, "At least 10 characters").max(256),
  role: z.enum(USER_ROLES),
});
export const ZUpdateUserInput = z
  .object({ id: z.uuid(), role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, "Nothing to change");

const usersRouter = router({
  list: adminProcedure.output(z.array(ZUser)).query(() => listUsers()),
  create: adminProcedure
    .input(ZCreateUserInput)
    .output(ZUser.pick({ id: true, email: true, name: true, role: true, createdAt: true }))
    .mutation(({ ctx, input }) => createUser({ ...input, actorId: ctx.user.id })),
  update: adminProcedure
    .input(ZUpdateUserInput)
    .output(ZUser.pick({ id: true, email: true, name: true, role: true, disabledAt: true }))
    .mutation(({ ctx, input }) => updateUser({ actorId: ctx.user.id, ...input })),
});

export const adminRouter = router({ users: usersRouter });
