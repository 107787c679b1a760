import { z } from "zod";
import { getLiveStatus, ZLiveStatus } from "../../services/live/live-status";
import { getReplayState, startReplay, stopReplay, ZReplayRequest, ZReplayState } from "../../services/live/replay-control";
import { analystProcedure, authedProcedure, router } from "../../trpc";

export const liveRouter = router({
  /** Collectors (connection, breaker) and bar builder from the status hash; a status older than LIVE_STATUS_STALE_MS counts as disconnected. */
  status: authedProcedure
    .input(z.object({ symbol: z.string().trim().toUpperCase().min(1).max(32).optional() }).optional())
    .output(ZLiveStatus)
    .query(({ input }) => getLiveStatus({ symbol: input?.symbol })),
  /** The requested replay and its progress. */
  replay: authedProcedure.output(ZReplayState).query(() => getReplayState()),
  /** Replay a past session (stored 1m bars, or the simulator's prints for SIM symbols) as a live feed. */
  startReplay: analystProcedure
    .input(
      z.object({
        symbols: z.array(z.string().trim().min(1).max(32)).min(1).max(50),
        day: z.iso.date().optional(),
        speed: z.number().min(1).max(1000).default(60),
      }),
    )
    .output(ZReplayRequest)
    .mutation(({ ctx, input }) => startReplay({ symbols: input.symbols, day: input.day, speed: input.speed, userId: ctx.user.id })),
  stopReplay: analystProcedure.output(z.object({ stopped: z.literal(true) })).mutation(async () => {
    await stopReplay();
    return { stopped: true as const };
  }),
});
