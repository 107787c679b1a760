"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { formatChangePct, formatPrice } from "@/components/charts/chart-data";
import { LiveStatusBadge } from "@/components/live-status-badge";
import { useTRPC } from "@/components/providers/trpc";
import { fmtUtc } from "@/components/ui/format";
import { Sparkline } from "@/components/ui/sparkline";

/** The user's live watchlist: last price, change vs the previous daily close, sparkline; add/remove. */
export function WatchlistTile() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const snapshot = useQuery(trpc.watchlist.snapshot.queryOptions());
  const rows = useMemo(() => snapshot.data?.rows ?? [], [snapshot.data]);
  const symbols = useMemo(() => rows.map((r) => r.symbol), [rows]);
  type Quote = (typeof rows)[number];
  // Live rows by symbol, from watchlist.live (one SSE stream for the whole list).
  const [live, setLive] = useState<{ key: string; rows: Map<string, Quote> }>({ key: "", rows: new Map() });
  const key = symbols.join(",");
  const sub = useSubscription(
    trpc.watchlist.live.subscriptionOptions(symbols.length ? { symbols } : skipToken, {
      onData: (m) =>
        setLive((prev) => {
          const next = new Map(m.kind === "snapshot" || prev.key !== key ? [] : prev.rows);
          for (const r of m.rows) next.set(r.symbol, r);
          return { key, rows: next };
        }),
    }),
  );
  const shown = rows.map((r) => (live.key === key ? (live.rows.get(r.symbol) ?? r) : r));

  const [input, setInput] = useState("");
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.watchlist.pathKey() });
  const add = useMutation(
    trpc.watchlist.add.mutationOptions({
      onSuccess: () => {
        setInput("");
        setError(null);
        void refresh();
      },
      onError: (e) => setError(e.message),
    }),
  );
  const remove = useMutation(trpc.watchlist.remove.mutationOptions({ onSuccess: () => void refresh(), onError: (e) => setError(e.message) }));

  return (
    <div className="card" data-testid="watchlist-tile">
      <div className="row" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>Watchlist</h2>
        <span className="spacer" />
        <LiveStatusBadge streamConnected={symbols.length === 0 || sub.status === "pending"} />
      </div>
      <form
        className="row"
        style={{ marginBottom: 8 }}
        onSubmit={(e) => {
          e.preventDefault();
          const symbol = input.trim().toUpperCase();
          if (symbol) add.mutate({ symbol });
        }}
      >
        <input className="input" aria-label="Add symbol" placeholder="Symbol, e.g. AAPL" value={input} onChange={(e) => setInput(e.target.value)} style={{ width: 160 }} />
        <button className="btn small" type="submit" disabled={add.isPending || input.trim() === ""}>
          Add
        </button>
        {error ? (
          <span className="down" role="alert">
            {error}
          </span>
        ) : null}
      </form>
      {snapshot.isError ? <div className="alert error">{snapshot.error.message}</div> : null}
      {snapshot.isSuccess && shown.length === 0 ? <p className="muted">No symbols yet. Add one above to follow it live.</p> : null}
      {shown.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="num">Last</th>
                <th className="num">Change</th>
                <th>Trend (30 sessions)</th>
                <th>As of</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.symbol} data-testid="watchlist-row" data-symbol={r.symbol}>
                  <td>
                    <Link href={`/symbols/${encodeURIComponent(r.symbol)}`} className="mono">
                      {r.symbol}
                    </Link>{" "}
                    {r.name ? <span className="muted">{r.name}</span> : null}
                  </td>
                  <td className="num mono" data-testid="watchlist-last" data-value={r.lastPrice ?? ""}>
                    {r.lastPrice === null ? "—" : formatPrice(r.lastPrice)}
                  </td>
                  <td className={`num mono ${r.changePct === null ? "muted" : r.changePct >= 0 ? "up" : "down"}`} data-testid="watchlist-change" data-value={r.changePct ?? ""}>
                    {r.changePct === null ? "—" : formatChangePct(r.changePct)}
                  </td>
                  <td>{r.spark.length >= 2 ? <Sparkline values={r.spark} /> : <span className="muted">—</span>}</td>
                  <td className="muted" title={r.liveAt ? `live event ${fmtUtc(r.liveAt)}` : "stored bars"}>
                    {r.lastTs === null ? "—" : fmtUtc(r.lastTs).slice(0, 10)}
                    {r.liveAt ? " · live" : ""}
                  </td>
                  <td>
                    <button className="btn small danger" type="button" aria-label={`Remove ${r.symbol}`} disabled={remove.isPending} onClick={() => remove.mutate({ symbol: r.symbol })}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
