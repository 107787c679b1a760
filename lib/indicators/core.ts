/**
 * Shared building blocks of the indicator engine.
 *
 * Every indicator is written once, as a small *state machine* ("stepper") with a `next(...)`
 * method that consumes one bar and returns the value at that bar. The batch function loops the
 * stepper over Float64Array columns (one pass, no allocation per bar) and the incremental form
 * drives the very same stepper bar by bar, so batch and incremental results are bit-identical.
 *
 * Conventions shared by every indicator (see lib/indicators/README.md):
 * - out[i] depends on inputs [0..i] only; outputs keep the input's length; warm-up is NaN.
 * - Missing data: a non-finite input (NaN, ±Infinity) at bar i resets the stepper. The output is
 *   NaN at i and the indicator warms up again from bar i+1, i.e. each run of clean bars is
 *   computed as if it were the whole series.
 */
import type { Bar } from "@/lib/bars/columns";

/** TA-Lib's TA_EPSILON (ta_utility.h): values with |v| < 1e-14 are treated as zero by TA_IS_ZERO. */
export const TA_EPSILON = 1e-14;

/** TA-Lib's TA_IS_ZERO. */
export function isZero(v: number): boolean {
  return -TA_EPSILON < v && v < TA_EPSILON;
}

/** TA-Lib's TA_IS_ZERO_OR_NEG. */
export function isZeroOrNeg(v: number): boolean {
  return v < TA_EPSILON;
}

/** True for NaN and ±Infinity: such an input is a gap and resets the indicator. */
export function isMissing(v: number): boolean {
  return !Number.isFinite(v);
}

/** Throws when a caller breaks a contract (STYLE.md §4: warm-up is data, bad arguments are bugs). */
export function assertPeriod(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

export function assertSameLength(...cols: ArrayLike<number>[]): number {
  const n = cols[0]?.length ?? 0;
  for (const c of cols) {
    if (c.length !== n) throw new RangeError(`input columns have different lengths (${cols.map((x) => x.length).join(", ")})`);
  }
  return n;
}

/** A stepper whose full state can be copied into another instance of the same class (no allocation). */
export interface Snapshot<S> {
  copyFrom(other: S): void;
}

/**
 * Fixed-capacity ring buffer of the last `capacity` values.
 * `at(k)` is the value pushed k steps ago (0 = newest).
 */
export class RingBuffer implements Snapshot<RingBuffer> {
  readonly capacity: number;
  private readonly buf: Float64Array;
  /** Slot of the newest value. */
  private head = -1;
  /** Number of values held (≤ capacity). */
  size = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.buf = new Float64Array(this.capacity);
  }

  clear(): void {
    this.head = -1;
    this.size = 0;
  }

  /** Appends v; when full, the oldest value is dropped and returned (else NaN). */
  push(v: number): number {
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    const dropped = this.size === this.capacity ? this.buf[this.head]! : NaN; // slot is in range by construction
    this.buf[this.head] = v;
    if (this.size < this.capacity) this.size++;
    return dropped;
  }

  /** Value pushed k steps ago (0 = newest); NaN when not held. */
  at(k: number): number {
    if (k < 0 || k >= this.size) return NaN;
    let slot = this.head - k;
    if (slot < 0) slot += this.capacity;
    return this.buf[slot]!;
  }

  /** Oldest value held (NaN when empty). */
  oldest(): number {
    return this.at(this.size - 1);
  }

  copyFrom(o: RingBuffer): void {
    this.buf.set(o.buf);
    this.head = o.head;
    this.size = o.size;
  }
}

/**
 * Sliding-window maximum or minimum over the last `window` pushes, as a monotonic deque:
 * amortised O(1) per push, O(window) memory. Among equal extremes the most recent index wins
 * (TA-Lib AROON's `>=` / `<=` tie rule; irrelevant for the value itself).
 * The deque lives in a power-of-two ring addressed by two ever-increasing counters.
 */
export class WindowExtreme implements Snapshot<WindowExtreme> {
  readonly window: number;
  private readonly isMax: boolean;
  private readonly mask: number;
  private readonly vals: Float64Array;
  private readonly idxs: Float64Array;
  /** Counter of the front element (inclusive) and one past the back element. */
  private head = 0;
  private tail = 0;
  /** Index given to the next push (counts pushes since the last clear). */
  private nextIdx = 0;

  constructor(window: number, kind: "max" | "min") {
    this.window = Math.max(1, window);
    this.isMax = kind === "max";
    let cap = 1;
    while (cap < this.window) cap *= 2;
    this.mask = cap - 1;
    this.vals = new Float64Array(cap);
    this.idxs = new Float64Array(cap);
  }

  clear(): void {
    this.head = 0;
    this.tail = 0;
    this.nextIdx = 0;
  }

  push(v: number): void {
    const { vals, idxs, mask } = this;
    const i = this.nextIdx++;
    let head = this.head;
    let tail = this.tail;
    // The front leaves the window [i−window+1, i] (at most one element per push).
    if (tail > head && idxs[head & mask]! <= i - this.window) head++;
    // Drop dominated values from the back (ties too, so the newest equal value is kept).
    if (this.isMax) while (tail > head && vals[(tail - 1) & mask]! <= v) tail--;
    else while (tail > head && vals[(tail - 1) & mask]! >= v) tail--;
    vals[tail & mask] = v;
    idxs[tail & mask] = i;
    this.head = head;
    this.tail = tail + 1;
  }

  /** Current extreme (NaN when empty). */
  value(): number {
    return this.tail > this.head ? this.vals[this.head & this.mask]! : NaN;
  }

  /** Number of pushes ago the current extreme was pushed (0 = newest). */
  age(): number {
    return this.tail > this.head ? this.nextIdx - 1 - this.idxs[this.head & this.mask]! : NaN;
  }

  copyFrom(o: WindowExtreme): void {
    this.vals.set(o.vals);
    this.idxs.set(o.idxs);
    this.head = o.head;
    this.tail = o.tail;
    this.nextIdx = o.nextIdx;
  }
}

/**
 * Index of the largest value of xs[from..to] (inclusive; the newest among equal values). With argMinNewest, the
 * rescan of TA-Lib's window-extreme tracking used by the batch loops (STOCH, WILLR): keep the index of the current
 * extreme, move it to a new bar whose value is ≥ (≤) it, and rescan only when it leaves the window. The newest index
 * is WindowExtreme's tie rule, so both agree on the index as well as on the value.
 */
export function argMaxNewest(xs: Float64Array, from: number, to: number): number {
  let idx = from;
  let best = xs[from]!;
  for (let j = from + 1; j <= to; j++) {
    const v = xs[j]!;
    if (v >= best) {
      best = v;
      idx = j;
    }
  }
  return idx;
}

/** Index of the smallest value of xs[from..to] (inclusive; the newest among equal values). See argMaxNewest. */
export function argMinNewest(xs: Float64Array, from: number, to: number): number {
  let idx = from;
  let best = xs[from]!;
  for (let j = from + 1; j <= to; j++) {
    const v = xs[j]!;
    if (v <= best) {
      best = v;
      idx = j;
    }
  }
  return idx;
}

/** The bar fields an incremental indicator may read (a full `Bar` satisfies every indicator). */
export type BarInput = Pick<Bar, "ts" | "open" | "high" | "low" | "close" | "volume">;
export type CloseBar = Pick<Bar, "close">;
export type HlBar = Pick<Bar, "high" | "low">;
export type HlcBar = Pick<Bar, "high" | "low" | "close">;
export type HlcvBar = Pick<Bar, "high" | "low" | "close" | "volume">;
export type OhlcBar = Pick<Bar, "open" | "high" | "low" | "close">;

/** Incremental (streaming) form of an indicator. */
export interface IncrementalIndicator<B, O> {
  /** Appends a new bar and returns the indicator value(s) at it. */
  push(bar: B): O;
  /**
   * Replaces the last bar (the still-forming live bar) and returns the value(s) at it.
   * Calling update before any push behaves like push.
   */
  update(bar: B): O;
  /** Number of bars pushed so far. */
  readonly length: number;
}

/**
 * Generic push/update driver over a stepper. It keeps two copies of the state: `live` (after
 * every bar, including the forming one) and `committed` (after every bar except the last).
 * push: committed ← live, then step live. update: live ← committed, then step live.
 * Each call costs one state copy (O(state size), no allocation) plus one step.
 */
export class Incremental<S extends Snapshot<S>, B, O> implements IncrementalIndicator<B, O> {
  private readonly live: S;
  private readonly committed: S;
  private readonly step: (state: S, bar: B) => O;
  private count = 0;

  constructor(create: () => S, step: (state: S, bar: B) => O) {
    this.live = create();
    this.committed = create();
    this.step = step;
  }

  push(bar: B): O {
    if (this.count > 0) this.committed.copyFrom(this.live);
    this.count++;
    return this.step(this.live, bar);
  }

  update(bar: B): O {
    if (this.count === 0) return this.push(bar);
    this.live.copyFrom(this.committed);
    return this.step(this.live, bar);
  }

  get length(): number {
    return this.count;
  }
}
