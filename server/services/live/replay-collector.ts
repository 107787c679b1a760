import type { BarColumns } from "@/lib/bars/columns";
import type { Tick } from "@/lib/live/tick";
import type { Simulator } from "@/lib/sim";
import type { LiveCollector, LiveStatus, LiveSymbol, TickSink } from "../../providers/live/types";

/**
 * The replay collector: streams stored 1m bars or simulator prints as if they were arriving live, at
 * 1×..1000× speed, with their original timestamps. The replay clock is from + (wall − start) × speed;
 * every tick of the pump emits the prints up to the replay clock (in time order across symbols) and the
 * clock itself, so the bar builder closes bars on time exactly as with a live feed.
 *
 * Sources per symbol: the simulator's prints for simulated symbols (`simIndex`), otherwise the stored
 * 1m bars, each turned into four prints (open at :00, the nearer extreme at :15, the other at :30,
 * close at :59; volume split across them, size 0 where a bar has fewer than 4 shares), so OHLC and
 * volume replay exactly (the trade count becomes 4).
 */
export interface ReplaySymbol extends LiveSymbol {
  simIndex?: number;
}

export interface ReplayOptions {
  from: number;
  to: number;
  speed: number;
  sim?: Simulator;
  /** Stored 1m bars of a symbol in [from, to) (for symbols that are not simulated). */
  loadBars?: (symbol: string, from: number, to: number) => Promise<BarColumns>;
  /** Pump interval in wall ms (default 20). */
  intervalMs?: number;
  now?: () => number;
  onDone?: () => void;
}

interface Cursor {
  symbol: string;
  ts: Float64Array;
  price: Float64Array;
  size: Float64Array;
  i: number;
  n: number;
}

/** Four prints per 1m bar reproducing its OHLC, volume and a trade count of up to 4. */
export function printsFromBars(symbol: string, c: BarColumns): Cursor {
  const ts: number[] = [];
  const price: number[] = [];
  const size: number[] = [];
  for (let i = 0; i < c.length; i++) {
    const t = c.ts[i]!;
    const o = c.open[i]!;
    const h = c.high[i]!;
    const l = c.low[i]!;
    const cl = c.close[i]!;
    const v = c.volume[i]!;
    if (!(v > 0)) continue; // a bar without trades has no prints (it replays as a silent minute)
    const highFirst = Math.abs(h - o) < Math.abs(o - l);
    const pts = [o, highFirst ? h : l, highFirst ? l : h, cl];
    const q = Math.floor(v / 4);
    const sizes = [q, q, q, v - 3 * q];
    const offs = [0, 15_000, 30_000, 59_000];
    // With fewer than 4 shares some prints carry size 0: the bar's high and low must still replay.
    for (let k = 0; k < 4; k++) {
      ts.push(t + offs[k]!);
      price.push(pts[k]!);
      size.push(sizes[k]!);
    }
  }
  return { symbol, ts: Float64Array.from(ts), price: Float64Array.from(price), size: Float64Array.from(size), i: 0, n: ts.length };
}

export class ReplayCollector implements LiveCollector {
  readonly provider = "replay" as const;
  readonly maxSubscriptions = 10_000;
  private sink: TickSink | null = null;
  private timer: NodeJS.Timeout | null = null;
  private cursors = new Map<string, Cursor>();
  private wall0 = 0;
  private clockAt = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Set<(s: LiveStatus) => void>();
  private st: LiveStatus = {
    provider: "replay",
    state: "stopped",
    breaker: "closed",
    subscribed: 0,
    rejected: 0,
    lastMessageAt: null,
    lastTickAt: null,
    reconnects: 0,
    malformed: 0,
    duplicates: 0,
    lastError: null,
  };
  done = false;
  emitted = 0;

  constructor(private readonly opts: ReplayOptions) {
    if (!(opts.speed >= 1 && opts.speed <= 1000)) throw new Error(`replay speed must be within 1..1000, got ${opts.speed}`);
    if (!(opts.to > opts.from)) throw new Error("replay range is empty");
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The replay clock (epoch ms of market time). */
  clock(): number {
    return Math.min(this.opts.to, this.opts.from + (this.now() - this.wall0) * this.opts.speed);
  }

  async start(sink: TickSink): Promise<void> {
    this.sink = sink;
    this.wall0 = this.now();
    this.setState("live");
    this.timer = setInterval(() => this.pump(), this.opts.intervalMs ?? 20);
  }

  async setSymbols(symbols: readonly LiveSymbol[]): Promise<void> {
    const want = new Map(symbols.map((s) => [s.symbol, s as ReplaySymbol]));
    for (const s of [...this.cursors.keys()]) if (!want.has(s)) this.cursors.delete(s);
    const from = Math.max(this.opts.from, Number.isFinite(this.clockAt) ? this.clockAt + 1 : this.opts.from);
    for (const s of want.values()) {
      if (this.cursors.has(s.symbol)) continue;
      const cur = await this.load(s, from);
      this.cursors.set(s.symbol, cur);
    }
    this.st.subscribed = this.cursors.size;
    this.emitStatus();
  }

  private async load(s: ReplaySymbol, from: number): Promise<Cursor> {
    if (s.simIndex !== undefined && this.opts.sim) {
      const t = this.opts.sim.ticks(s.simIndex, from, this.opts.to);
      return { symbol: s.symbol, ts: t.ts, price: t.price, size: t.size, i: 0, n: t.length };
    }
    if (!this.opts.loadBars) throw new Error(`replay: no source for ${s.symbol}`);
    const cur = printsFromBars(s.symbol, await this.opts.loadBars(s.symbol, Math.floor(from / 60_000) * 60_000, this.opts.to));
    while (cur.i < cur.n && cur.ts[cur.i]! < from) cur.i++;
    return cur;
  }

  /** Emit every print up to the replay clock, merged in time order, then the clock. */
  pump(): void {
    if (!this.sink || this.done) return;
    const clock = this.clock();
    const out: Tick[] = [];
    const live = [...this.cursors.values()].filter((c) => c.i < c.n && c.ts[c.i]! <= clock);
    while (live.length > 0) {
      let best = 0;
      for (let k = 1; k < live.length; k++) if (live[k]!.ts[live[k]!.i]! < live[best]!.ts[live[best]!.i]!) best = k;
      const c = live[best]!;
      out.push({ symbol: c.symbol, ts: c.ts[c.i]!, price: c.price[c.i]!, size: c.size[c.i]! });
      c.i++;
      if (c.i >= c.n || c.ts[c.i]! > clock) live.splice(best, 1);
    }
    this.clockAt = clock;
    const wall = this.now();
    this.st.lastMessageAt = wall;
    if (out.length > 0) {
      this.st.lastTickAt = wall;
      this.emitted += out.length;
    }
    this.sink(out, clock);
    if (clock >= this.opts.to) {
      this.done = true;
      this.stopTimer();
      this.setState("stopped");
      this.opts.onDone?.();
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.stopTimer();
    this.setState("stopped");
  }

  status(): LiveStatus {
    return { ...this.st };
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(s: LiveStatus["state"]): void {
    this.st.state = s;
    this.emitStatus();
  }

  private emitStatus(): void {
    const s = this.status();
    for (const l of this.listeners) l(s);
  }
}
