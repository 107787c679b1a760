import type { Redis } from "ioredis";
import { columnsFromBars } from "@/lib/bars/columns";
import type { Timeframe } from "@/lib/bars/timeframe";
import type { BuilderSnapshot, BuilderStep, StoredBar, TickReject } from "@/lib/live/bar-builder";
import { DQ_RULES, type DqFinding } from "@/lib/quality/check-bars";
import { recordDqFindings } from "../bars/record-dq-findings";
import { writeBars } from "../bars/write-bars";
import { BAR_BUILDER_GROUP } from "./keys";

/** What one builder step leaves to store: its bars, rejected prints, the snapshot after it, its entry ids. */
export interface PersistJob {
  writes: BuilderStep["writes"];
  rejects: TickReject[];
  snapshot: BuilderSnapshot;
  ackIds: string[];
  /** Asset class of each symbol with writes (the quality checks depend on it). */
  assetClasses: Record<string, string>;
  /** Symbols whose bars in this step come from a replay (see persistBarSteps). */
  replayed?: string[];
  /**
   * The step's bucket closes to dispatch (JSON), put in the close outbox in the same MULTI as the acks:
   * a builder killed after acknowledging and before dispatching finds them there when it restarts.
   */
  closes?: string;
}

/** The close outbox of a builder partition (a Redis list of JSON close arrays; see PersistJob.closes). */
export const closesOutboxKey = (stateKey: string) => `${stateKey}:closes`;

/** Where a replay's bars are stored: beside, never over, what a vendor or a live feed stored. */
export const REPLAY_SOURCE = "replay";
/** A replay's feed in the tick stream: each replay is its own source (clock), "replay:<request id>". */
export const replaySource = (requestId: string) => `${REPLAY_SOURCE}:${requestId}`;
/** Whether a feed is a replay (a test or bench may feed plain "replay"). */
export const isReplaySource = (source: string | null) => source !== null && (source === REPLAY_SOURCE || source.startsWith(`${REPLAY_SOURCE}:`));

const REJECT_RULE: Record<TickReject["reason"], DqFinding["rule"]> = {
  late: "tick_late",
  "outside-session": "tick_outside_session",
  invalid: "tick_invalid",
  future: "tick_future",
  "unknown-symbol": "tick_unknown_symbol",
};

/** Rejected prints → one finding per (symbol, reason, minute) with the count and the first print. */
export function rejectFindings(rejects: readonly TickReject[]): (DqFinding & { symbol: string })[] {
  const byKey = new Map<string, DqFinding & { symbol: string }>();
  for (const r of rejects) {
    const minute = Number.isFinite(r.ts) ? Math.floor(r.ts / 60_000) * 60_000 : 0;
    const key = `${r.symbol}|${r.reason}|${minute}`;
    const f = byKey.get(key);
    if (f) f.values.count = Number(f.values.count) + 1;
    else {
      const rule = REJECT_RULE[r.reason];
      byKey.set(key, {
        symbol: r.symbol,
        rule,
        severity: r.reason === "outside-session" ? "info" : "warning",
        ts: minute,
        quarantined: true,
        message: DQ_RULES[rule],
        values: { count: 1, source: r.source, ts: Number.isFinite(r.ts) ? r.ts : null, price: Number.isFinite(r.price) ? r.price : null, size: Number.isFinite(r.size) ? r.size : null },
      });
    }
  }
  return [...byKey.values()];
}

/** Order of two stream ids ("ms-seq"). */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am - bm || as - bs;
}

export interface PersistBarStepsOptions {
  jobs: readonly PersistJob[];
  /** Store bars and findings in Postgres (false: only the snapshot and the acks, for a benchmark of the stream path). */
  persist: boolean;
  commands: Redis;
  streamKey: string;
  stateKey: string;
}

/**
 * Store the merged writes of several builder steps, record their rejected prints, then save the
 * touched symbols' snapshot and acknowledge the steps' stream entries in one MULTI (never before the
 * bars are stored: a crash in between replays the entries onto the older snapshot).
 */
export async function persistBarSteps({ jobs, persist, commands, streamKey, stateKey }: PersistBarStepsOptions): Promise<void> {
  const merged = new Map<Timeframe, Map<string, Map<number, StoredBar>>>();
  const rejects: TickReject[] = [];
  const assetClasses = new Map<string, string>();
  const replayed = new Set<string>();
  for (const j of jobs) {
    for (const [s, a] of Object.entries(j.assetClasses)) assetClasses.set(s, a);
    for (const s of j.replayed ?? []) replayed.add(s);
    for (const [tf, bySym] of j.writes) {
      let t = merged.get(tf);
      if (!t) merged.set(tf, (t = new Map()));
      for (const [sym, bars] of bySym) {
        let s = t.get(sym);
        if (!s) t.set(sym, (s = new Map()));
        for (const b of bars) s.set(b.ts, b);
      }
    }
    rejects.push(...j.rejects);
  }
  if (persist) {
    for (const [tf, bySym] of merged) {
      for (const kind of ["live", "live:flat", REPLAY_SOURCE] as const) {
        if (kind === REPLAY_SOURCE && tf !== "1m") continue;
        const batches = [...bySym]
          .filter(([symbol]) => replayed.has(symbol) === (kind === REPLAY_SOURCE))
          .map(([symbol, bars]) => ({
            symbol,
            bars: columnsFromBars([...bars.values()].filter((b) => b.flat === (kind === "live:flat")).sort((a, b) => a.ts - b.ts)),
            assetClass: assetClasses.get(symbol),
          }))
          .filter((b) => b.bars.length > 0);
        if (batches.length === 0) continue;
        // Bars are built from prints of one provider per symbol; the source names the live path. A replay
        // (stored history or the simulator, streamed as if live) only adds 1m bars where none are stored
        // (a vendor's bar rebuilt from four prints would lose its vwap and trade count), no flat ones
        // (its silent minutes are the stored history's own gaps), and its higher bars are the history
        // path's rollups of what is stored then.
        if (kind === REPLAY_SOURCE) await writeBars({ timeframe: tf, source: kind, batches, replaceSources: [REPLAY_SOURCE] });
        else await writeBars({ timeframe: tf, source: kind, batches, rollup: false });
      }
    }
    const findings = rejectFindings(rejects);
    if (findings.length > 0) await recordDqFindings({ timeframe: "tick", runId: null, findings });
  }
  // Snapshot of every touched symbol (the latest job's state wins) + clocks, and the acks, atomically.
  const fields: Record<string, string> = {};
  let clocks: Record<string, number> = {};
  for (const j of jobs) {
    for (const s of j.snapshot.symbols) fields[s.symbol] = JSON.stringify(s);
    clocks = { ...clocks, ...j.snapshot.clocks };
  }
  fields.__clocks = JSON.stringify(clocks);
  const ids = jobs.flatMap((j) => j.ackIds);
  const tx = commands.multi();
  tx.hset(stateKey, fields);
  for (const j of jobs) if (j.closes) tx.rpush(closesOutboxKey(stateKey), j.closes);
  if (ids.length > 0) {
    tx.xack(streamKey, BAR_BUILDER_GROUP, ...ids);
    // Acknowledged entries are history: trim the stream up to the newest acknowledged id.
    tx.xtrim(streamKey, "MINID", "~", ids.reduce((a, b) => (compareIds(a, b) >= 0 ? a : b)));
  }
  await tx.exec();
}
