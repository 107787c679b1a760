import { copySharedScan, getSharedScan } from "../../services/scans/share-scan";
import { authedProcedure, router } from "../../trpc";
import { ZCopySharedScanInput, ZCopySharedScanOutput, ZGetSharedScanInput, ZGetSharedScanOutput } from "./share.types";

/** Read-only access by share token, for signed-in users (the token opens one scan and its latest run). */
export const sharedScanRouter = router({
  get: authedProcedure
    .input(ZGetSharedScanInput)
    .output(ZGetSharedScanOutput)
    .query(({ input }) => getSharedScan({ token: input.token })),
  copy: authedProcedure
    .input(ZCopySharedScanInput)
    .output(ZCopySharedScanOutput)
    .mutation(({ ctx, input }) => copySharedScan({ userId: ctx.user.id, ...input })),
});
