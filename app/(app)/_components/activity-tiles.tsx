"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { fmtUtc } from "@/components/ui/format";

const SHOWN = 6;

/** "2026-11-20 15:19" (UTC, as the column says): times at a glance; a bar at midnight (a daily bar) by its date. */
const shortUtc = (d: Date, dateOnlyAtMidnight = false) => {
  const s = fmtUtc(d).slice(0, 16);
  return dateOnlyAtMidnight && s.endsWith(" 00:00") ? s.slice(0, 10) : s;
};

/** A dashboard tile: title (and a badge), a link to the full page, then the table, or `empty` when it has no rows. */
function Tile(props: { testId: string; title: string; badge?: ReactNode; link: { href: string; label: string }; empty: ReactNode | null; head: ReactNode; children: ReactNode }) {
  return (
    <div className="card" data-testid={props.testId}>
      <div className="row" style={{ marginBottom: 6 }}>
        <h2 style={{ margin: 0 }}>{props.title}</h2>
        {props.badge}
        <span className="spacer" />
        <Link href={props.link.href}>{props.link.label}</Link>
      </div>
      {props.empty ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>{props.head}</tr>
          </thead>
          <tbody>{props.children}</tbody>
        </table>
      )}
    </div>
  );
}

/**
 * The newest alerts of the user's rules (unread in bold), each linked to its symbol. Kept current by the
 * navigation's live alert stream, which invalidates every alerts query on each new alert.
 */
export function AlertsTile() {
  const trpc = useTRPC();
  const inbox = useQuery(trpc.alerts.inbox.list.queryOptions({ limit: SHOWN }));
  const unread = useQuery(trpc.alerts.inbox.unreadCount.queryOptions());
  const rows = inbox.data ?? [];
  return (
    <Tile
      testId="alerts-tile"
      title="Latest alerts"
      badge={unread.data && unread.data.unread > 0 ? <span className="badge warn">{unread.data.unread} unread</span> : null}
      link={{ href: "/alerts", label: "Inbox →" }}
      empty={
        inbox.isSuccess && rows.length === 0 ? (
          <>
            No alerts yet. <Link href="/alerts">Create a rule</Link> on a saved scan: it fires on a schedule or when a bar closes.
          </>
        ) : null
      }
      head={
        <>
          <th>When (UTC)</th>
          <th>Rule</th>
          <th>Symbol</th>
          <th>Bar</th>
        </>
      }
    >
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
    </Tile>
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
    <Tile
      testId="scan-runs-tile"
      title="Recent scans"
      link={{ href: "/scanner", label: "All runs →" }}
      empty={
        runs.isSuccess && rows.length === 0 ? (
          <>
            No scans run yet. <Link href="/scanner">Write a scan</Link>, or start from a preset.
          </>
        ) : null
      }
      head={
        <>
          <th>When (UTC)</th>
          <th>Scan</th>
          <th className="num">Matches</th>
          <th>New</th>
        </>
      }
    >
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
    </Tile>
  );
}
