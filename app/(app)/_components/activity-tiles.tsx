"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { fmtUtc } from "@/components/ui/format";

const SHOWN = 6;

/** "2026-11-20 15:19" (UTC, as the column says): times at a glance; a bar at midnight (a daily bar) by its date. */
const shortUtc = (d: Date, dateOnlyAtMidnight = false) => {
  const s = fmtUtc(d).slice(0, 16);
  return dateOnlyAtMidnight && s.endsWith(" 00:00") ? s.slice(0, 10) : s;
};

/** The newest alerts of the user's rules (unread in bold), each linked to its symbol. */
export function AlertsTile() {
  const trpc = useTRPC();
  const inbox = useQuery(trpc.alerts.inbox.list.queryOptions({ limit: SHOWN }, { refetchInterval: 15_000 }));
  const unread = useQuery(trpc.alerts.inbox.unreadCount.queryOptions(undefined, { refetchInterval: 15_000 }));
  const rows = inbox.data ?? [];
  return (
    <div className="card" data-testid="alerts-tile">
      <div className="row" style={{ marginBottom: 6 }}>
        <h2 style={{ margin: 0 }}>Latest alerts</h2>
        {unread.data && unread.data.unread > 0 ? <span className="badge warn">{unread.data.unread} unread</span> : null}
        <span className="spacer" />
        <Link href="/alerts">Inbox →</Link>
      </div>
      {inbox.isSuccess && rows.length === 0 ? (
        <p className="muted">
          No alerts yet. <Link href="/alerts">Create a rule</Link> on a saved scan: it fires on a schedule or when a bar closes.
        </p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Rule</th>
              <th>Symbol</th>
              <th>Bar</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid="alert-tile-row" style={a.readAt ? undefined : { fontWeight: 600 }}>
                <td>{shortUtc(a.createdAt)}</td>
                <td className="clip" style={{ maxWidth: 150 }} title={a.ruleName}>
                  {a.ruleName}
                </td>
                <td className="mono">
                  <Link href={`/symbols/${encodeURIComponent(a.symbol)}`}>{a.symbol}</Link>
                </td>
                <td className="muted">{shortUtc(a.barTs, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The newest scan runs: the saved scan's name (or the ad-hoc text), matches, and the symbols new since the previous run. */
export function ScanRunsTile() {
  const trpc = useTRPC();
  const runs = useQuery(trpc.scan.runs.list.queryOptions({ limit: SHOWN }, { refetchInterval: 30_000 }));
  const saved = useQuery(trpc.scan.saved.list.queryOptions());
  const names = new Map((saved.data ?? []).map((s) => [s.id, s.name]));
  const rows = runs.data ?? [];
  return (
    <div className="card" data-testid="scan-runs-tile">
      <div className="row" style={{ marginBottom: 6 }}>
        <h2 style={{ margin: 0 }}>Recent scans</h2>
        <span className="spacer" />
        <Link href="/scanner">All runs →</Link>
      </div>
      {runs.isSuccess && rows.length === 0 ? (
        <p className="muted">
          No scans run yet. <Link href="/scanner">Write a scan</Link>, or start from a preset.
        </p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Scan</th>
              <th className="num">Matches</th>
              <th>New</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const name = r.scanId ? names.get(r.scanId) : undefined;
              return (
                <tr key={r.id} data-testid="scan-tile-row">
                  <td>{shortUtc(r.createdAt)}</td>
                  <td className={`clip${name ? "" : " mono muted"}`} style={{ maxWidth: 150 }} title={name && r.scanVersion !== null ? `${name} v${r.scanVersion}: ${r.text}` : r.text}>
                    {name ?? r.text}
                  </td>
                  <td className="num">
                    {r.matches}/{r.universe}
                  </td>
                  <td className="clip mono" style={{ maxWidth: 110 }} title={r.newHits.join(", ")}>
                    {r.scanId ? (r.newHits.length ? r.newHits.join(", ") : "—") : ""}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
