/**
 * Per-client throttle with coalescing, for live fan-out to browsers.
 *
 * - Leading edge: a change while idle is flushed at once and opens a window of `intervalMs`.
 * - Changes inside the window are coalesced by key (the latest value per key wins: a bar per ts,
 *   a quote per symbol) and flushed when the window ends, which opens the next window.
 * - A window that ends with nothing pending closes; the next change is a leading edge again.
 * Nothing is dropped: different keys are all kept (a bar that closed and the next forming bar are
 * two keys), only older versions of the same key are replaced by newer ones.
 * `intervalMs` 0 flushes every push immediately (unthrottled).
 */
export interface ThrottleFlush<V> {
  /** Coalesced values in the order their keys were first seen in this flush. */
  values: V[];
  /** Id of the newest change included (the resume point of this flush). */
  id: string;
  /** How many source entries this flush covers. */
  pushes: number;
}

export interface CoalescingThrottleOptions<V> {
  intervalMs: number;
  key: (value: V) => string | number;
  onFlush: (flush: ThrottleFlush<V>) => void;
}

export class CoalescingThrottle<V> {
  private pending = new Map<string | number, V>();
  private pendingId: string | null = null;
  private pushes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly opts: CoalescingThrottleOptions<V>) {}

  /**
   * Add a change: values from `count` source entries (a batch read at once), the newest being `id`.
   */
  push(id: string, values: readonly V[], count = 1): void {
    if (this.closed || values.length === 0) return;
    // A Map keeps the first-seen order of its keys and holds the latest value of each.
    for (const v of values) this.pending.set(this.opts.key(v), v);
    this.pendingId = id;
    this.pushes += count;
    if (this.timer === null) this.flush();
  }

  /** Whether a window is open (a flush happened less than intervalMs ago or is scheduled). */
  get windowOpen(): boolean {
    return this.timer !== null;
  }

  /** Drop pending changes and stop the timer (e.g. the client is replaced by a fresh snapshot). */
  reset(): void {
    this.pending.clear();
    this.pendingId = null;
    this.pushes = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  close(): void {
    this.reset();
    this.closed = true;
  }

  private flush(): void {
    if (this.pending.size === 0 || this.pendingId === null) {
      this.timer = null;
      return;
    }
    const flush: ThrottleFlush<V> = { values: [...this.pending.values()], id: this.pendingId, pushes: this.pushes };
    this.pending.clear();
    this.pendingId = null;
    this.pushes = 0;
    this.timer = this.opts.intervalMs > 0 ? setTimeout(() => this.flush(), this.opts.intervalMs) : null;
    this.opts.onFlush(flush);
  }
}

/** Throttle interval for a rate limit in updates per second (0 = unthrottled). */
export function throttleIntervalMs(maxUpdatesPerSecond: number): number {
  return maxUpdatesPerSecond > 0 ? Math.ceil(1000 / maxUpdatesPerSecond) : 0;
}
