import { serverEnv } from "../../env";

/**
 * Redis keys of the live pipeline (all under QUEUE_PREFIX, so test runs and deployments never meet):
 *
 * - ticks stream (`ticks:<partition>`): collectors XADD batches of prints; the bar builder reads them
 *   with the consumer group `bar-builder`. Entry fields: `src` (provider), `clk` (source clock, ms),
 *   `rcv` (wall ms when the collector received the newest print), `d` (JSON [symbol, ts, price, size, id][]).
 * - bar events stream per symbol (`bars:<symbol>`): the builder XADDs one entry per step that changed
 *   the symbol's bars, field `e` = JSON BarEvent (lib/live/bar-event.ts); capped (MAXLEN ~). The entry
 *   id is the event id browsers resume from.
 * - status hash (`status`): field = provider id or "builder", value = JSON status with `updatedAt`.
 */
export function liveKeys(prefix = serverEnv().QUEUE_PREFIX) {
  const base = `${prefix}:live`;
  return {
    ticks: (partition = 0) => `${base}:ticks:${partition}`,
    bars: (symbol: string) => `${base}:bars:${symbol}`,
    status: `${base}:status`,
    builderState: (partition = 0) => `${base}:builder-state:${partition}`,
    builderLease: (partition = 0) => `${base}:builder-lease:${partition}`,
    control: `${base}:control`,
  };
}

export const BAR_BUILDER_GROUP = "bar-builder";
/** Per-symbol bar event streams keep about this many entries (resume window for reconnecting browsers). */
export const BAR_EVENTS_MAXLEN = 2_000;
