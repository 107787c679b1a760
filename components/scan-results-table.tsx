"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { columnFormat, fmtUtc } from "@/components/ui/format";
import { Sparkline } from "@/components/ui/sparkline";

export interface ScanResultRowView {
  symbol: string;
  spark?: number[] | null;
  sortKey: number | null;
  values: Record<string, number | null>;
  barTs?: number;
}

/**
 * A scan's result rows: symbol (→ chart), 30-bar sparkline, sort key and the value of every matched
 * condition. With `sortable`, column headers sort the rows client-side (the scan's own sort decided which
 * rows came back); `newHits` marks symbols new since the previous run. Each column has one number format
 * (columnFormat); the sort-key column is headed by the scan's sort (`sortBy`, e.g. "ROC20 desc").
 */
export function ScanResultsTable({
  results,
  testId,
  sortable = false,
  newHits,
  sortBy = null,
  asOf = null,
}: {
  results: readonly ScanResultRowView[];
  testId: string;
  sortable?: boolean;
  newHits?: ReadonlySet<string>;
  sortBy?: string | null;
  /** Open time of the run's newest bar (epoch ms): rows scanned at an older bar show it, marked. */
  asOf?: number | null;
}) {
  const columns = useMemo(() => [...new Set(results.flatMap((r) => Object.keys(r.values)))], [results]);
  // A symbol is read at its own newest bar: when that is older than the run's (a symbol that stopped
  // updating, a bundled history beside live data), say so rather than present its values as current.
  const showBar = asOf !== null && results.some((r) => r.barTs !== undefined && r.barTs !== asOf);
  const daily = results.every((r) => r.barTs === undefined || r.barTs % 86_400_000 === 0); // dates, no 00:00
  const formats = useMemo(() => {
    const out = new Map(columns.map((c) => [c, columnFormat(results.map((r) => r.values[c]))]));
    out.set("sortKey", columnFormat(results.map((r) => r.sortKey)));
    return out;
  }, [columns, results]);
  const [order, setOrder] = useState<{ col: string; dir: 1 | -1 } | null>(null);
  const rows = useMemo(() => {
    const list = [...results];
    if (!order) return list;
    const key = (r: ScanResultRowView) => (order.col === "symbol" ? r.symbol : order.col === "sortKey" ? r.sortKey : order.col === "barTs" ? r.barTs : r.values[order.col]);
    return list.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * order.dir;
    });
  }, [results, order]);
  const header = (col: string) =>
    sortable
      ? {
          style: { cursor: "pointer" },
          onClick: () => setOrder((o) => (o?.col === col ? { col, dir: o.dir === 1 ? -1 : 1 } : { col, dir: -1 })),
        }
      : {};
  const sortKeyHeader = header("sortKey");
  const arrow = (col: string) => (order?.col === col ? (order.dir === 1 ? " ▲" : " ▼") : "");

  return (
    <div className="table-wrap">
      <table className="data" data-testid={testId}>
        <thead>
          <tr>
            <th {...header("symbol")}>Symbol{arrow("symbol")}</th>
            <th>30 bars</th>
            {showBar ? <th {...header("barTs")}>Bar{arrow("barTs")}</th> : null}
            <th className="num mono" title={sortBy ? `Sort key: sort by ${sortBy}` : "Sort key (the scan has no sort)"} {...sortKeyHeader} style={{ textTransform: "none", ...sortKeyHeader.style }}>
              {sortBy ?? "Sort key"}
              {arrow("sortKey")}
            </th>
            {columns.map((c) => {
              const h = header(c);
              return (
                <th key={c} className="num mono" style={{ textTransform: "none", ...h.style }} onClick={h.onClick}>
                  {c}
                  {arrow(c)}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.symbol}>
              <td className="mono">
                <Link href={`/symbols/${encodeURIComponent(r.symbol)}`}>{r.symbol}</Link>
                {newHits?.has(r.symbol) ? <span className="badge ok"> new</span> : null}
              </td>
              <td>
                <Sparkline values={r.spark ?? []} />
              </td>
              {showBar ? (
                <td className={r.barTs !== undefined && r.barTs < asOf! ? "warn" : undefined} title={r.barTs !== undefined && r.barTs < asOf! ? "Older than the run's newest bar: this symbol has no newer data" : undefined}>
                  {r.barTs === undefined ? "—" : fmtUtc(r.barTs).slice(0, daily ? 10 : 16)}
                </td>
              ) : null}
              <td className="num mono">{formats.get("sortKey")!(r.sortKey)}</td>
              {columns.map((c) => (
                <td key={c} className="num mono">
                  {formats.get(c)!(r.values[c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
