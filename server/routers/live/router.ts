import { getLiveStatus, ZLiveStatus } from "../../services/live/live-status";
import { authedProcedure, router } from "../../trpc";

export const liveRouter = router({
  /** Collectors (connection, breaker) and bar builder from the status hash; a status older than LIVE_STATUS_STALE_MS counts as disconnected. */
  status: authedProcedure.output(ZLiveStatus).query(() => getLiveStatus()),
});
