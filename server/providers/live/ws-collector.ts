import WebSocket from "ws";
import type { Tick } from "@/lib/live/tick";
import { scrub, snippet } from "../http";
import type { LiveCollector, LiveConnectionState, LiveProviderId, LiveStatus, LiveSymbol, TickSink } from "./types";

/**
 * The WebSocket half every streaming vendor shares. A vendor adapter is a small `WsProtocol`
 * (URL, handshake, subscribe/unsubscribe messages, frame parsing with zod); this core does the rest:
 *
 *   connect ── open ── protocol.open (auth) ── ctx.ready() ── subscribe every accepted symbol ── "live"
 *      ▲                                                                                      │
 *      └─ backoff (exponential, equal jitter) ◄── close / error / stale / handshake timeout ◄──┘
 *
 * - Circuit breaker: `breakerThreshold` consecutive connects that never reached ready → "open"
 *   for `breakerPauseMs`, then one half-open probe (success → closed, failure → open again).
 *   A fatal failure (auth refused, vendor connection limit) opens it at once: retrying the same
 *   keys every few hundred ms would only hammer the vendor.
 * - Subscriptions: the first `maxSubscriptions` symbols of setSymbols() are accepted, the rest are
 *   counted in `rejected`, as are symbols the vendor refuses. setSymbols() diffs against what the
 *   live connection has and sends only the subscribe/unsubscribe messages for the change. After a
 *   reconnect every accepted symbol is subscribed again (and vendor refusals are retried once).
 * - Control messages go through a per-connection queue, `minSendIntervalMs` apart (Binance allows
 *   5 incoming messages a second), and subscriptions are batched `maxSymbolsPerMessage` at a time.
 * - Liveness: pings from the vendor are answered (ws autoPong) and count as activity; we send our
 *   own pings every `pingIntervalMs` where the vendor does not ping. No frame for `staleAfterMs`
 *   → state "stale"; still nothing after `staleGraceMs` more → the socket is dropped and reconnected.
 * - Frames: the protocol validates each with zod. Malformed frames are counted, reported to
 *   `onMalformed` and in lastError, and never become ticks. Prints with a vendor trade id already
 *   seen for that symbol (a bounded window of recent ids) are dropped and counted as duplicates.
 *   Out-of-order prints are passed through as they came; the bar builder deals with lateness.
 * - The sink is called once per inbound frame with every print in it (clock = now() − feedDelayMs), and,
 *   while live, with no prints every `clockIntervalMs` when nothing else arrived, so bars can close. A
 *   delayed feed (a 15-minute plan) sets feedDelayMs: its clock is the feed's time, so its minutes close
 *   when their prints have come and the grace window measures real lateness, not the plan's delay.
 */

/** One print as the protocol parsed it, before mapping to our symbols. */
export interface VendorTrade {
  vendorSymbol: string;
  /** Exchange trade time, epoch ms UTC. */
  ts: number;
  price: number;
  size: number;
  /** Vendor trade id, unique per symbol; used to drop re-sent prints. */
  id?: string;
}

/** What a protocol may do on its connection. Calls after the connection ended are ignored. */
export interface WsSessionContext {
  /** Queue a control message (objects are JSON-encoded). */
  send(message: unknown): void;
  /** The handshake (connect, auth) is complete: subscriptions are sent now and the state turns "live". */
  ready(): void;
  /** The connection cannot be used: close it and count a failed connect; `fatal` opens the breaker at once. */
  fail(message: string, opts?: { fatal?: boolean }): void;
  /** The vendor refused to subscribe these vendor symbols; they are counted in `rejected`. */
  reject(vendorSymbols: readonly string[], reason: string): void;
  /** The vendor reported an error that does not end the connection. */
  error(message: string): void;
  /** The vendor asked us to go (server shutdown): reconnect without counting a failure. */
  reconnect(reason: string): void;
  /** A frame (or one message of a batched frame) failed validation. */
  malformed(reason: string, raw: unknown): void;
  trade(t: VendorTrade): void;
  /** A re-sent update recognised by the protocol itself (vendors without trade ids). */
  duplicate(): void;
  now(): number;
}

export interface WsProtocol {
  readonly provider: LiveProviderId;
  /** Full WebSocket URL to connect to. */
  url(): string;
  /** The vendor's id for a symbol (e.g. BTC-USD → BTCUSDT). */
  vendorSymbol(s: LiveSymbol): string;
  /** A new connection is open: reset per-connection state, start the handshake (or call ctx.ready()). */
  open(ctx: WsSessionContext): void;
  /** One inbound text frame. */
  frame(text: string, ctx: WsSessionContext): void;
  subscribe(vendorSymbols: readonly string[], ctx: WsSessionContext): void;
  unsubscribe(vendorSymbols: readonly string[], ctx: WsSessionContext): void;
}

/** Vendor-specific defaults; every field can be overridden by LiveCollectorOptions. */
export interface WsProtocolDefaults {
  maxSubscriptions: number;
  maxSymbolsPerMessage: number;
  minSendIntervalMs: number;
  /** 0 = rely on the vendor's pings. */
  pingIntervalMs: number;
  staleAfterMs: number;
  /** How far the feed runs behind real time (a delayed plan); default 0. */
  feedDelayMs?: number;
}

export interface LiveTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options every live collector accepts (all optional; defaults suit production). */
export interface LiveCollectorOptions {
  /** WebSocket base URL; defaults to the vendor's. Tests point it at test/fake-live. */
  baseUrl?: string;
  /** Override the vendor's subscription limit (lower it, e.g. to match an account plan). */
  maxSubscriptions?: number;
  /** How far the feed runs behind real time; default from the feed (15 min for delayed plans, else 0). */
  feedDelayMs?: number;
  /** Symbols per subscribe/unsubscribe message. */
  maxSymbolsPerMessage?: number;
  /** Minimum gap between control messages on one connection. */
  minSendIntervalMs?: number;
  /** Time allowed from connect to ready (TCP + TLS + WebSocket + vendor auth). Default 10 s. */
  connectTimeoutMs?: number;
  /** First reconnect delay; doubles per attempt, with jitter. Default 500 ms. */
  backoffInitialMs?: number;
  /** Reconnect delay ceiling. Default 30 s. */
  backoffMaxMs?: number;
  /** A connection that stayed live this long resets the backoff. Default 10 s. */
  stableAfterMs?: number;
  /** No frame (message, ping or pong) for this long → "stale". */
  staleAfterMs?: number;
  /** Extra wait in "stale" (with a ping probe) before the socket is dropped. Default 5 s. */
  staleGraceMs?: number;
  /** Send a ping every N ms (0 = never). */
  pingIntervalMs?: number;
  /** Consecutive failed connects that open the breaker. Default 5. */
  breakerThreshold?: number;
  /** How long the breaker stays open before a half-open probe. Default 60 s. */
  breakerPauseMs?: number;
  /** Recent trade ids remembered per symbol for duplicate detection. Default 2000. */
  dedupeWindow?: number;
  /** While live, call the sink with no ticks when nothing was delivered for this long (0 = off). Default 1 s. */
  clockIntervalMs?: number;
  /** Called for every malformed frame with a reason and a (scrubbed, shortened) copy of it. */
  onMalformed?: (reason: string, raw: string) => void;
  now?: () => number;
  /** Jitter source, [0, 1). */
  random?: () => number;
  timers?: LiveTimers;
}

const CORE_DEFAULTS = {
  connectTimeoutMs: 10_000,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  stableAfterMs: 10_000,
  staleGraceMs: 5_000,
  breakerThreshold: 5,
  breakerPauseMs: 60_000,
  dedupeWindow: 2_000,
  clockIntervalMs: 1_000,
} as const;

const REAL_TIMERS: LiveTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Session {
  id: number;
  ws: WebSocket;
  startedAt: number;
  ready: boolean;
  readyAt: number | null;
  lastActivity: number;
  lastPingAt: number;
  ended: boolean;
  /** Vendor symbols subscribed on this connection. */
  subscribed: Set<string>;
  /** Vendor symbols the vendor refused on this connection, with the reason. */
  refused: Map<string, string>;
  failure: { message: string; fatal: boolean } | null;
  /** Drop reason we chose (stale, vendor shutdown); not a failure. */
  dropReason: string | null;
  socketError: string | null;
  queue: string[];
  lastSendAt: number;
  sendTimer: unknown;
  watchdog: unknown;
  pending: Tick[];
  ctx: WsSessionContext;
}

export class WsCollector implements LiveCollector {
  readonly provider: LiveProviderId;
  readonly maxSubscriptions: number;
  readonly feedDelayMs: number;

  private readonly o: Required<Omit<LiveCollectorOptions, "baseUrl" | "onMalformed" | "now" | "random" | "timers" | "maxSubscriptions" | "feedDelayMs">>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timers: LiveTimers;
  private readonly onMalformed: ((reason: string, raw: string) => void) | undefined;
  private readonly listeners = new Set<(s: LiveStatus) => void>();
  private readonly st: LiveStatus;

  private running = false;
  private sink: TickSink | null = null;
  private session: Session | null = null;
  private sessionSeq = 0;
  private reconnectTimer: unknown = null;
  private attempt = 0;
  private failures = 0;
  private breakerOpenUntil = 0;
  private connects = 0;
  private lastSinkAt = 0;
  private firstAttempt: (() => void) | null = null;

  /** Accepted symbols (after the limit), in the caller's order. */
  private accepted: LiveSymbol[] = [];
  private overLimit = 0;
  /** vendor symbol → our symbols (usually one). */
  private symbolsOf = new Map<string, string[]>();
  private readonly recentIds = new Map<string, Set<string>>();

  constructor(
    private readonly protocol: WsProtocol,
    defaults: WsProtocolDefaults,
    options: LiveCollectorOptions = {},
    private readonly secrets: readonly string[] = [],
  ) {
    this.provider = protocol.provider;
    this.maxSubscriptions = positiveInt(options.maxSubscriptions ?? defaults.maxSubscriptions, "maxSubscriptions");
    this.feedDelayMs = Math.max(0, options.feedDelayMs ?? defaults.feedDelayMs ?? 0);
    const pick = <K extends keyof LiveCollectorOptions>(k: K, d: NonNullable<LiveCollectorOptions[K]>) =>
      (options[k] ?? d) as NonNullable<LiveCollectorOptions[K]>;
    this.o = {
      maxSymbolsPerMessage: positiveInt(pick("maxSymbolsPerMessage", defaults.maxSymbolsPerMessage), "maxSymbolsPerMessage"),
      minSendIntervalMs: pick("minSendIntervalMs", defaults.minSendIntervalMs),
      pingIntervalMs: pick("pingIntervalMs", defaults.pingIntervalMs),
      staleAfterMs: pick("staleAfterMs", defaults.staleAfterMs),
      connectTimeoutMs: pick("connectTimeoutMs", CORE_DEFAULTS.connectTimeoutMs),
      backoffInitialMs: pick("backoffInitialMs", CORE_DEFAULTS.backoffInitialMs),
      backoffMaxMs: pick("backoffMaxMs", CORE_DEFAULTS.backoffMaxMs),
      stableAfterMs: pick("stableAfterMs", CORE_DEFAULTS.stableAfterMs),
      staleGraceMs: pick("staleGraceMs", CORE_DEFAULTS.staleGraceMs),
      breakerThreshold: positiveInt(pick("breakerThreshold", CORE_DEFAULTS.breakerThreshold), "breakerThreshold"),
      breakerPauseMs: pick("breakerPauseMs", CORE_DEFAULTS.breakerPauseMs),
      dedupeWindow: positiveInt(pick("dedupeWindow", CORE_DEFAULTS.dedupeWindow), "dedupeWindow"),
      clockIntervalMs: pick("clockIntervalMs", CORE_DEFAULTS.clockIntervalMs),
    };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? REAL_TIMERS;
    this.onMalformed = options.onMalformed;
    this.st = {
      provider: this.provider,
      state: "disconnected",
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
  }

  // ── LiveCollector ────────────────────────────────────────────────────────────────────────────

  start(sink: TickSink): Promise<void> {
    if (this.running) return Promise.reject(new Error(`${this.provider}: live collector already started`));
    this.running = true;
    this.sink = sink;
    this.attempt = 0;
    // Resolves after the first connect attempt, live or not: the collector keeps trying on its own.
    const first = new Promise<void>((resolve) => {
      this.firstAttempt = resolve;
    });
    this.connect();
    return first;
  }

  async setSymbols(symbols: readonly LiveSymbol[]): Promise<void> {
    const seen = new Set<string>();
    const list: LiveSymbol[] = [];
    for (const s of symbols) {
      if (!s.symbol || seen.has(s.symbol)) continue;
      seen.add(s.symbol);
      list.push(s);
    }
    this.accepted = list.slice(0, this.maxSubscriptions);
    this.overLimit = list.length - this.accepted.length;
    const map = new Map<string, string[]>();
    for (const s of this.accepted) {
      const v = this.protocol.vendorSymbol(s);
      const arr = map.get(v);
      if (arr) arr.push(s.symbol);
      else map.set(v, [s.symbol]);
    }
    this.symbolsOf = map;
    for (const sym of [...this.recentIds.keys()]) if (!seen.has(sym)) this.recentIds.delete(sym);
    if (this.overLimit > 0) {
      this.st.lastError = `${this.provider}: ${this.overLimit} symbol(s) over the subscription limit of ${this.maxSubscriptions} not subscribed`;
    }
    const s = this.session;
    if (s && s.ready && !s.ended) this.syncSubscriptions(s);
    this.updateCounts();
    this.emit();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sink = null;
    this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    this.resolveFirstAttempt();
    const s = this.session;
    if (s) {
      this.endTimers(s);
      s.ended = true;
      this.session = null;
      await closeSocket(s.ws);
    }
    this.setState("stopped", false);
    this.updateCounts();
    this.emit();
  }

  status(): LiveStatus {
    return { ...this.st };
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── connection lifecycle ─────────────────────────────────────────────────────────────────────

  private connect(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    if (this.st.breaker === "open") {
      const wait = this.breakerOpenUntil - this.now();
      if (wait > 0) {
        this.reconnectTimer = this.timers.setTimeout(() => this.connect(), wait);
        return;
      }
      this.st.breaker = "half-open";
    }
    if (this.connects++ > 0) this.st.reconnects++;
    this.setState("connecting");

    let ws: WebSocket;
    try {
      ws = new WebSocket(this.protocol.url(), { handshakeTimeout: this.o.connectTimeoutMs, autoPong: true });
    } catch (err) {
      // Invalid URL and the like: a configuration error, treated like a failed connect.
      this.st.lastError = this.text(`cannot connect: ${errorText(err)}`);
      this.afterFailure(false);
      this.scheduleReconnect(null);
      this.resolveFirstAttempt();
      return;
    }
    const t = this.now();
    const s: Session = {
      id: ++this.sessionSeq,
      ws,
      startedAt: t,
      ready: false,
      readyAt: null,
      lastActivity: t,
      lastPingAt: t,
      ended: false,
      subscribed: new Set(),
      refused: new Map(),
      failure: null,
      dropReason: null,
      socketError: null,
      queue: [],
      lastSendAt: 0,
      sendTimer: null,
      watchdog: null,
      pending: [],
      ctx: undefined as unknown as WsSessionContext,
    };
    s.ctx = this.makeContext(s);
    this.session = s;

    ws.on("open", () => {
      if (s.ended) return;
      s.lastActivity = this.now();
      try {
        this.protocol.open(s.ctx);
      } catch (err) {
        s.ctx.fail(`handshake error: ${errorText(err)}`);
      }
    });
    ws.on("message", (data: WebSocket.RawData) => this.onFrame(s, rawText(data)));
    ws.on("ping", () => this.onActivity(s));
    ws.on("pong", () => this.onActivity(s));
    ws.on("error", (err: Error) => {
      s.socketError ??= errorText(err);
    });
    ws.on("close", (code: number, reason: Buffer) => this.onClose(s, code, reason.toString("utf8")));
    this.armWatchdog(s);
  }

  private makeContext(s: Session): WsSessionContext {
    const live = () => !s.ended && this.session === s;
    return {
      send: (message) => {
        if (!live()) return;
        s.queue.push(typeof message === "string" ? message : JSON.stringify(message));
        this.pump(s);
      },
      ready: () => {
        if (!live() || s.ready) return;
        this.onReady(s);
      },
      fail: (message, opts) => {
        if (!live()) return;
        s.failure ??= { message, fatal: opts?.fatal ?? false };
        s.ws.terminate();
      },
      reject: (vendorSymbols, reason) => {
        if (!live()) return;
        const hit = vendorSymbols.filter((v) => s.subscribed.has(v) || this.symbolsOf.has(v));
        for (const v of hit) {
          s.subscribed.delete(v);
          s.refused.set(v, reason);
        }
        this.st.lastError = this.text(`subscription refused for ${listShort(hit)}: ${reason}`);
        this.updateCounts();
        this.emit();
      },
      error: (message) => {
        if (!live()) return;
        this.st.lastError = this.text(message);
        this.emit();
      },
      reconnect: (reason) => {
        if (!live()) return;
        s.dropReason ??= reason;
        s.ws.terminate();
      },
      malformed: (reason, raw) => {
        if (!live()) return;
        this.st.malformed++;
        const shown = this.scrubText(snippet(typeof raw === "string" ? raw : safeJson(raw), 200));
        this.st.lastError = this.text(`malformed frame: ${reason}`);
        try {
          this.onMalformed?.(reason, shown);
        } catch {}
        this.emit();
      },
      trade: (t) => {
        if (!live()) return;
        this.acceptTrade(s, t);
      },
      duplicate: () => {
        if (live()) this.st.duplicates++;
      },
      now: () => this.now(),
    };
  }

  private onReady(s: Session): void {
    s.ready = true;
    s.readyAt = this.now();
    this.failures = 0;
    this.st.breaker = "closed";
    this.syncSubscriptions(s);
    this.updateCounts();
    this.setState("live");
    this.resolveFirstAttempt();
  }

  private onClose(s: Session, code: number, reason: string): void {
    if (s.ended) return;
    s.ended = true;
    this.endTimers(s);
    if (this.session === s) this.session = null;
    if (!this.running) return;

    const how = s.socketError ?? `closed by the vendor (code ${code}${reason ? `, ${reason}` : ""})`;
    if (s.failure) {
      this.st.lastError = this.text(s.failure.message);
      this.afterFailure(s.failure.fatal);
    } else if (s.dropReason) {
      this.st.lastError = this.text(`${s.dropReason}; reconnecting`);
    } else if (!s.ready) {
      this.st.lastError = this.text(`connection failed: ${how}`);
      this.afterFailure(false);
    } else {
      this.st.lastError = this.text(`connection lost: ${how}`);
    }
    this.updateCounts();
    this.scheduleReconnect(s);
    this.resolveFirstAttempt();
  }

  /** Count a failed connect; open the breaker at the threshold, on a failed probe, or at once if fatal. */
  private afterFailure(fatal: boolean): void {
    this.failures = fatal ? Math.max(this.failures + 1, this.o.breakerThreshold) : this.failures + 1;
    if (this.st.breaker === "half-open" || this.failures >= this.o.breakerThreshold) {
      this.st.breaker = "open";
      this.breakerOpenUntil = this.now() + this.o.breakerPauseMs;
    }
  }

  private scheduleReconnect(s: Session | null): void {
    if (!this.running) return;
    if (s?.readyAt != null && this.now() - s.readyAt >= this.o.stableAfterMs) this.attempt = 0;
    const delay = this.st.breaker === "open" ? Math.max(0, this.breakerOpenUntil - this.now()) : this.backoffDelay(++this.attempt);
    this.setState("disconnected", false);
    this.emit();
    this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = this.timers.setTimeout(() => this.connect(), delay);
  }

  /** Exponential backoff with "equal jitter": half fixed, half random (as resilience.ts). */
  backoffDelay(attempt: number): number {
    const base = Math.min(this.o.backoffMaxMs, this.o.backoffInitialMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(base / 2 + this.random() * (base / 2));
  }

  // ── frames and ticks ─────────────────────────────────────────────────────────────────────────

  private onActivity(s: Session): void {
    if (s.ended) return;
    const t = this.now();
    s.lastActivity = t;
    this.st.lastMessageAt = t;
    if (s.ready && this.st.state === "stale") this.setState("live");
  }

  private onFrame(s: Session, text: string): void {
    if (s.ended) return;
    this.onActivity(s);
    try {
      this.protocol.frame(text, s.ctx);
    } catch (err) {
      // A protocol bug must not take the connection down; report it like a bad frame.
      s.ctx.malformed(`parser error: ${errorText(err)}`, text);
    }
    if (s.pending.length === 0) return;
    const ticks = s.pending;
    s.pending = [];
    const t = this.now();
    this.st.lastTickAt = t;
    this.deliver(ticks, t);
  }

  private acceptTrade(s: Session, t: VendorTrade): void {
    const symbols = this.symbolsOf.get(t.vendorSymbol);
    if (!symbols) return; // in flight after an unsubscribe, or a symbol we never asked for
    for (const symbol of symbols) {
      if (t.id !== undefined) {
        let ids = this.recentIds.get(symbol);
        if (!ids) this.recentIds.set(symbol, (ids = new Set()));
        if (ids.has(t.id)) {
          this.st.duplicates++;
          continue;
        }
        ids.add(t.id);
        if (ids.size > this.o.dedupeWindow) ids.delete(ids.values().next().value as string);
      }
      const tick: Tick = { symbol, ts: t.ts, price: t.price, size: t.size };
      if (t.id !== undefined) tick.id = t.id;
      s.pending.push(tick);
    }
  }

  /** `at`: wall time; the clock sent is the feed's (at − feedDelayMs). */
  private deliver(ticks: Tick[], at: number): void {
    const sink = this.sink;
    if (!sink) return;
    this.lastSinkAt = at;
    try {
      sink(ticks, at - this.feedDelayMs);
    } catch (err) {
      this.st.lastError = this.text(`tick sink failed: ${errorText(err)}`);
    }
  }

  // ── subscriptions ────────────────────────────────────────────────────────────────────────────

  private syncSubscriptions(s: Session): void {
    const want = this.symbolsOf;
    for (const v of [...s.refused.keys()]) if (!want.has(v)) s.refused.delete(v);
    const remove = [...s.subscribed].filter((v) => !want.has(v));
    const add = [...want.keys()].filter((v) => !s.subscribed.has(v) && !s.refused.has(v));
    for (const v of remove) s.subscribed.delete(v);
    for (const v of add) s.subscribed.add(v);
    // Unsubscribe first: it frees room under the vendor's limit.
    for (const chunk of chunks(remove, this.o.maxSymbolsPerMessage)) this.protocol.unsubscribe(chunk, s.ctx);
    for (const chunk of chunks(add, this.o.maxSymbolsPerMessage)) this.protocol.subscribe(chunk, s.ctx);
  }

  private updateCounts(): void {
    const s = this.session;
    let subscribed = 0;
    let refused = 0;
    if (s && s.ready && !s.ended) {
      for (const [v, syms] of this.symbolsOf) {
        if (s.subscribed.has(v)) subscribed += syms.length;
        else if (s.refused.has(v)) refused += syms.length;
      }
    }
    this.st.subscribed = subscribed;
    this.st.rejected = this.overLimit + refused;
  }

  // ── send queue, watchdog ─────────────────────────────────────────────────────────────────────

  private pump(s: Session): void {
    if (s.sendTimer !== null || s.ended) return;
    while (s.queue.length > 0) {
      if (s.ws.readyState !== WebSocket.OPEN) return;
      const gap = this.o.minSendIntervalMs - (this.now() - s.lastSendAt);
      if (this.o.minSendIntervalMs > 0 && gap > 0) {
        s.sendTimer = this.timers.setTimeout(() => {
          s.sendTimer = null;
          this.pump(s);
        }, gap);
        return;
      }
      s.ws.send(s.queue.shift()!);
      s.lastSendAt = this.now();
    }
  }

  private armWatchdog(s: Session): void {
    const periods = [1_000, this.o.staleAfterMs / 4, this.o.connectTimeoutMs / 4];
    if (this.o.clockIntervalMs > 0) periods.push(this.o.clockIntervalMs / 2);
    if (this.o.pingIntervalMs > 0) periods.push(this.o.pingIntervalMs / 2);
    const every = Math.max(5, Math.floor(Math.min(...periods)));
    const tick = () => {
      s.watchdog = null;
      if (s.ended) return;
      this.checkSession(s);
      if (!s.ended) s.watchdog = this.timers.setTimeout(tick, every);
    };
    s.watchdog = this.timers.setTimeout(tick, every);
  }

  private checkSession(s: Session): void {
    const t = this.now();
    if (!s.ready) {
      if (t - s.startedAt >= this.o.connectTimeoutMs) {
        s.ctx.fail(`no ready answer within ${this.o.connectTimeoutMs} ms of connecting (handshake/auth timeout)`);
      }
      return;
    }
    const idle = t - s.lastActivity;
    if (idle >= this.o.staleAfterMs + this.o.staleGraceMs) {
      s.ctx.reconnect(`no message for ${idle} ms (stale)`);
      return;
    }
    if (idle >= this.o.staleAfterMs && this.st.state === "live") {
      this.setState("stale");
      safePing(s.ws);
      s.lastPingAt = t;
    }
    if (this.o.pingIntervalMs > 0 && t - s.lastPingAt >= this.o.pingIntervalMs) {
      safePing(s.ws);
      s.lastPingAt = t;
    }
    if (this.o.clockIntervalMs > 0 && this.st.state === "live" && t - this.lastSinkAt >= this.o.clockIntervalMs) {
      this.deliver([], t);
    }
  }

  private endTimers(s: Session): void {
    this.clearTimer(s.watchdog);
    this.clearTimer(s.sendTimer);
    s.watchdog = null;
    s.sendTimer = null;
    s.queue.length = 0;
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private clearTimer(h: unknown): void {
    if (h !== null && h !== undefined) this.timers.clearTimeout(h);
  }

  private setState(state: LiveConnectionState, emit = true): void {
    if (this.st.state === state) return;
    this.st.state = state;
    if (state !== "live" && state !== "stale") this.updateCounts();
    if (emit) this.emit();
  }

  private emit(): void {
    const snap = this.status();
    for (const l of this.listeners) {
      try {
        l(snap);
      } catch {
        // A failing listener (metrics, DB write) must never break the stream.
      }
    }
  }

  private resolveFirstAttempt(): void {
    const r = this.firstAttempt;
    this.firstAttempt = null;
    r?.();
  }

  /** Prefix with the provider and scrub secrets (keys may be echoed back by a vendor or a URL). */
  private text(message: string): string {
    return this.scrubText(`${this.provider}: ${message}`);
  }

  private scrubText(text: string): string {
    return scrub(text, { secrets: this.secrets, secretParams: ["apiKey", "apikey", "api_key", "token", "key", "secret"] });
  }
}

// ── small utilities ─────────────────────────────────────────────────────────────────────────────

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return code && !err.message.includes(String(code)) ? `${err.message} (${String(code)})` : err.message;
  }
  return String(err);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function listShort(items: readonly string[], n = 5): string {
  return items.length <= n ? items.join(", ") : `${items.slice(0, n).join(", ")} (+${items.length - n} more)`;
}

function safePing(ws: WebSocket): void {
  try {
    if (ws.readyState === WebSocket.OPEN) ws.ping();
  } catch {}
}

/** Close politely; force it if the peer does not answer within a second. */
function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1_000);
    ws.once("close", () => {
      clearTimeout(force);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000, "client stop");
  });
}
