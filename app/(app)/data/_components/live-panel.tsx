"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fmtInt, fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";
import { builderSummary } from "@/components/live/builder-summary";

const SPEEDS = [1, 10, 60, 300, 1000] as const;
const STATE_CLS: Record<string, string> = { live: "ok", connecting: "warn", stale: "warn", disconnected: "bad", stopped: "muted" };

/** Live feeds: every collector's connection and breaker, the bar builder, and the replay control. */
export function LivePanel({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const status = useQuery(trpc.live.status.queryOptions(undefined, { refetchInterval: 2_000 }));
  const replay = useQuery(trpc.live.replay.queryOptions(undefined, { refetchInterval: 1_000 }));
  const [symbols, setSymbols] = useState("SIM0101 SIM0102");
  const [day, setDay] = useState("");
  const [speed, setSpeed] = useState<number>(60);
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: trpc.live.replay.queryKey() }), qc.invalidateQueries({ queryKey: trpc.live.status.queryKey() })]);
  const start = useMutation(trpc.live.startReplay.mutationOptions({ onSuccess: () => void refresh() }));
  const stop = useMutation(trpc.live.stopReplay.mutationOptions({ onSuccess: () => void refresh() }));
  const s = status.data;
  const r = replay.data;
  const progress = r?.request && r.clock !== null ? Math.min(1, Math.max(0, (r.clock - r.request.from) / (r.request.to - r.request.from))) : null;

  return (
    <div className="section card" data-testid="live-panel">
      <div className="row">
        <h2>Live feeds</h2>
        <span className="spacer" />
        {s ? (
          <span className={`badge ${s.overall === "live" ? "ok" : s.overall === "delayed" ? "warn" : "bad"}`} data-testid="live-overall">
            {s.overall}
          </span>
        ) : null}
      </div>
      {s?.reason ? <p className="muted">{s.reason}</p> : null}
      <table className="data" data-testid="collectors-table">
        <thead>
          <tr>
            <th>Source</th>
            <th>Connection</th>
            <th>Breaker</th>
            <th className="num">Subscribed</th>
            <th className="num">Over limit</th>
            <th>Last print</th>
            <th className="num">Reconnects</th>
            <th className="num">Malformed</th>
            <th className="num">Duplicates</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {s && s.collectors.length === 0 ? (
            <tr>
              <td colSpan={10} className="muted">
                No collector is running (LIVE_SOURCES on the ingest worker).
              </td>
            </tr>
          ) : null}
          {s?.collectors.map((c) => (
            <tr key={c.provider} data-provider={c.provider}>
              <td>{c.provider}</td>
              <td>
                <span className={`badge ${STATE_CLS[c.effectiveState] ?? ""}`}>{c.effectiveState}</span>
              </td>
              <td>
                <span className={`badge ${c.breaker === "closed" ? "ok" : c.breaker === "open" ? "bad" : "warn"}`}>{c.breaker}</span>
              </td>
              <td className="num">{fmtInt(c.subscribed)}</td>
              <td className="num">{fmtInt(c.rejected)}</td>
              <td>{c.lastTickAt ? fmtUtc(c.lastTickAt) : "—"}</td>
              <td className="num">{fmtInt(c.reconnects)}</td>
              <td className="num">{fmtInt(c.malformed)}</td>
              <td className="num">{fmtInt(c.duplicates)}</td>
              <td className="muted">{c.lastError ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" data-testid="builder-status">
        Bar builder:{" "}
        {s?.builder ? builderSummary(s.builder.effectiveState, s.builder.details) : "not running"}
      </p>

      <h3>Replay</h3>
      {r?.request ? (
        <div className="row" data-testid="replay-state">
          <span>
            {r.request.symbols.join(", ")} · {fmtUtc(r.request.from)} → {fmtUtc(r.request.to)} at {r.request.speed}×
          </span>
          <span className="spacer" />
          <progress max={1} value={progress ?? 0} aria-label="Replay progress" />
          <span className="muted" data-testid="replay-progress" data-clock={r.clock ?? undefined}>
            {r.done ? "finished" : r.clock !== null ? `at ${fmtUtc(r.clock)}` : "waiting for the ingest worker"}
          </span>
          {canWrite ? (
            <button className="btn" onClick={() => stop.mutate()} disabled={stop.isPending}>
              Stop replay
            </button>
          ) : null}
        </div>
      ) : (
        <p className="muted">No replay requested.</p>
      )}
      {canWrite ? (
        <form
          className="row"
          style={{ marginTop: 8 }}
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate({ symbols: symbols.split(/[\s,]+/).filter(Boolean), ...(day ? { day } : {}), speed });
          }}
        >
          <input className="input" aria-label="Replay symbols" value={symbols} onChange={(e) => setSymbols(e.target.value)} />
          <input className="input" type="date" aria-label="Replay session (empty = last closed session)" value={day} onChange={(e) => setDay(e.target.value)} />
          <select className="input" aria-label="Replay speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
            {SPEEDS.map((x) => (
              <option key={x} value={x}>
                {x}×
              </option>
            ))}
          </select>
          <button className="btn primary" type="submit" disabled={start.isPending}>
            Start replay
          </button>
          {start.error ? (
            <span role="alert" className="error">
              {start.error.message}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
