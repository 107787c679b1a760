import { sql } from "drizzle-orm";
import { providerState } from "@/db/schema";
import type { ProviderState } from "../../providers";
import { db } from "../../db";
import { logger } from "../../logger";

const pending = new Map<string, ProviderState>();
let timer: NodeJS.Timeout | undefined;

/**
 * Persist a provider's resilience state (breaker, failures, last success/error) to provider_state.
 * Called on every request outcome, so writes are coalesced: at most one upsert per provider per 500 ms.
 */
export function recordProviderState(state: ProviderState): void {
  pending.set(state.provider, state);
  timer ??= setTimeout(() => {
    timer = undefined;
    void flushProviderStates();
  }, 500);
}

export async function flushProviderStates(): Promise<void> {
  const states = [...pending.values()];
  pending.clear();
  for (const s of states) {
    const row = {
      provider: s.provider,
      breaker: s.breaker,
      consecutiveFailures: s.consecutiveFailures,
      requests: s.requests,
      lastSuccessAt: s.lastSuccessAt ? new Date(s.lastSuccessAt) : null,
      lastErrorAt: s.lastErrorAt ? new Date(s.lastErrorAt) : null,
      lastError: s.lastError,
      updatedAt: new Date(),
    };
    try {
      await db()
        .insert(providerState)
        .values(row)
        .onConflictDoUpdate({
          target: providerState.provider,
          set: {
            breaker: row.breaker,
            consecutiveFailures: row.consecutiveFailures,
            // requests is per process: keep the running maximum across processes' reports
            requests: sql`greatest(${providerState.requests}, ${row.requests})`,
            lastSuccessAt: row.lastSuccessAt,
            lastErrorAt: row.lastErrorAt,
            lastError: row.lastError,
            updatedAt: row.updatedAt,
          },
        });
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : err, provider: s.provider }, "provider state not persisted");
    }
  }
}
