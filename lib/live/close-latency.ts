/**
 * The bar builder's own record of how late it completes bars: for each bucket close it published, the
 * time from the moment the close was signalled to the pipeline (the closing entry's append to the tick
 * stream, read from its stream id) to the moment the closed bars' publish was acknowledged. A fixed
 * window of the newest closes, summarised as p50 / p99 / max for the status panel; the same samples go
 * to a Prometheus histogram.
 */
export class CloseLatencyWindow {
  private readonly buf: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly size = 240) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`window size must be a positive integer, not ${size}`);
    this.buf = new Float64Array(size);
  }

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.buf[this.next] = Math.max(0, ms);
    this.next = (this.next + 1) % this.size;
    this.count = Math.min(this.count + 1, this.size);
  }

  /** Nearest-rank quantiles of the window; null while it is empty. */
  summary(): { p50: number; p99: number; max: number; samples: number } | null {
    if (this.count === 0) return null;
    const s = this.buf.slice(0, this.count).sort();
    const rank = (q: number) => s[Math.min(this.count - 1, Math.max(0, Math.ceil(q * this.count) - 1))]!;
    return { p50: rank(0.5), p99: rank(0.99), max: s[this.count - 1]!, samples: this.count };
  }
}

/** Milliseconds part of a Redis stream id ("1718112000123-0" → 1718112000123); NaN if it is not one. */
export function streamIdMs(id: string): number {
  const dash = id.indexOf("-");
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** Whether a source clock moving from `prev` to `next` passes a minute boundary (closes a 1m bucket). */
export function crossesMinute(prev: number, next: number): boolean {
  return Number.isFinite(prev) && Math.floor(next / 60_000) > Math.floor(prev / 60_000);
}
