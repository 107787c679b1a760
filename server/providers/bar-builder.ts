import { BAR_FIELDS, emptyColumns, type Bar, type BarColumns } from "@/lib/bars/columns";
import { VendorPayloadError, type ProviderId } from "./types";

/**
 * Collects bars page by page into BarColumns. Enforces ascending ts across pages: an exact repeat
 * of the previous ts (a chunk boundary seen twice) is dropped, anything earlier is a payload error,
 * because silently reordering would hide a vendor bug.
 */
export class BarBuilder {
  private readonly rows: Record<(typeof BAR_FIELDS)[number], number[]> = {
    ts: [],
    open: [],
    high: [],
    low: [],
    close: [],
    volume: [],
    vwap: [],
    trades: [],
  };
  private readonly adj: number[] = [];
  private lastTs = -Infinity;

  constructor(
    private readonly provider: ProviderId,
    /** Keep an adjusted-close column alongside the bars. */
    private readonly withAdjClose = false,
  ) {}

  get length(): number {
    return this.rows.ts.length;
  }

  /** Append one bar; returns false when it was a duplicate of the previous ts and skipped. */
  push(bar: Bar, adjClose = Number.NaN): boolean {
    if (bar.ts === this.lastTs) return false;
    if (bar.ts < this.lastTs) {
      throw new VendorPayloadError(
        this.provider,
        `bars out of order: ${new Date(bar.ts).toISOString()} after ${new Date(this.lastTs).toISOString()}`,
      );
    }
    this.lastTs = bar.ts;
    for (const f of BAR_FIELDS) this.rows[f].push(bar[f]);
    if (this.withAdjClose) this.adj.push(adjClose);
    return true;
  }

  build(): { bars: BarColumns; adjClose: Float64Array | null } {
    const n = this.length;
    const bars = emptyColumns(0);
    bars.length = n;
    for (const f of BAR_FIELDS) bars[f] = Float64Array.from(this.rows[f]);
    return { bars, adjClose: this.withAdjClose ? Float64Array.from(this.adj) : null };
  }
}
