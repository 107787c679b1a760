import { z } from "zod";

/**
 * One trade print, as every live collector emits it and the bar builder consumes it.
 * ts is the exchange's trade time in epoch milliseconds, UTC. `id` is the vendor's trade id when it has
 * one (used to drop duplicates a vendor re-sends after a reconnect); ids are unique per symbol.
 */
export interface Tick {
  symbol: string;
  ts: number;
  price: number;
  size: number;
  id?: string;
}

export const ZTick = z.object({
  symbol: z.string().min(1).max(32),
  ts: z.number().finite(),
  price: z.number().finite(),
  size: z.number().finite(),
  id: z.string().max(64).optional(),
});
