"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";

const SHOW_DATES = 6;

function fmtValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(4);
}

export function FeaturesPanel({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const catalog = useQuery(trpc.features.catalog.queryOptions({ featureSet: "core-v1" }));
  const [filter, setFilter] = useState("");
  const [group, setGroup] = useState("");
  const [symbol, setSymbol] = useState("AAPL");
  const [input, setInput] = useState("AAPL");
  const values = useQuery(trpc.features.values.queryOptions({ symbol, timeframe: "1d", featureSet: "core-v1", limit: SHOW_DATES }, { retry: false }));
  const recompute = useMutation(trpc.features.recompute.mutationOptions());
  const groups = useMemo(() => [...new Set(catalog.data?.features.map((f) => f.group) ?? [])], [catalog.data]);
  const rows = (catalog.data?.features ?? []).filter(
    (f) => (!group || f.group === group) && (!filter || `${f.name} ${f.description}`.toLowerCase().includes(filter.toLowerCase())),
  );
  const dates = values.data?.ts ?? [];

  return (
    <div>
      <div className="row">
        <h1>Features</h1>
        <span className="spacer" />
        {catalog.data ? (
          <span className="muted mono" title="definition hash: stored vectors are recomputed when it changes">
            {catalog.data.featureSet} · {catalog.data.features.length} features · {catalog.data.hash}
          </span>
        ) : null}
      </div>
      <p className="muted">
        Point-in-time features on adjusted daily bars: a value at a date uses only bars up to that date. Cross-sectional features (CS…) rank or
        standardise a base feature across the universe on the same date. Labels (forward returns) are kept apart and never stored here.
      </p>
      <div className="card row">
        <input className="input" aria-label="Filter features" placeholder="Filter by name or description" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <select className="input" aria-label="Feature group" value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value="">All groups</option>
          {groups.map((g) => (
            <option key={g}>{g}</option>
          ))}
        </select>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setSymbol(input.trim().toUpperCase());
          }}
        >
          <input className="input" aria-label="Feature symbol" value={input} onChange={(e) => setInput(e.target.value)} style={{ width: 110 }} />
          <button className="btn" type="submit">
            Show values
          </button>
        </form>
        <span className="spacer" />
        {canWrite ? (
          <button className="btn" type="button" disabled={recompute.isPending} onClick={() => recompute.mutate({ featureSet: "core-v1", timeframe: "1d" })}>
            {recompute.data ? "Recompute queued" : "Recompute now"}
          </button>
        ) : null}
      </div>
      {values.isError ? <div className="alert error section">{values.error.message}</div> : null}
      {values.data && dates.length === 0 ? (
        <div className="alert section">No stored features for {symbol} yet: they are computed by the ml worker after each ingestion.</div>
      ) : null}
      <div className="section card table-wrap">
        <table className="data" data-testid="features-table">
          <thead>
            <tr>
              <th>Feature</th>
              <th>Group</th>
              <th className="num">Lookback</th>
              <th>Description</th>
              {dates.map((t) => (
                <th key={t} className="num">
                  {symbol} {fmtUtc(t).slice(0, 10)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((f) => (
              <tr key={f.name}>
                <td className="mono">{f.name}</td>
                <td>
                  {f.group}
                  {f.kind === "cs" ? <span className="badge"> cross-section</span> : null}
                </td>
                <td className="num">{f.lookback}</td>
                <td style={{ whiteSpace: "normal", minWidth: 260 }}>{f.description}</td>
                {dates.map((t, i) => (
                  <td key={t} className="num mono">
                    {fmtValue(values.data?.columns[f.name]?.[i])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
