"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { fmtUtc, fmtValue } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";

export function AlertsPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const rules = useQuery(trpc.alerts.rules.list.queryOptions());
  const scans = useQuery(trpc.scan.saved.list.queryOptions());
  const inbox = useQuery(trpc.alerts.inbox.list.queryOptions({ limit: 100 }, { refetchInterval: 10_000 }));
  const unread = useQuery(trpc.alerts.inbox.unreadCount.queryOptions(undefined, { refetchInterval: 10_000 }));
  const deliveries = useQuery(trpc.alerts.deliveries.queryOptions({ limit: 50 }, { refetchInterval: 10_000 }));
  const emailStatus = useQuery(trpc.alerts.email.status.queryOptions());
  const emailLog = useQuery(trpc.alerts.email.deliveries.queryOptions({ limit: 50 }, { refetchInterval: 10_000 }));
  const emailOn = emailStatus.data?.enabled ?? false;
  const invalidate = () => qc.invalidateQueries({ queryKey: [["alerts"]] });
  const [form, setForm] = useState({ name: "", scanId: "", schedule: "45 22 * * 1-5", webhookUrl: "", cooldownMinutes: 60, emailEnabled: false, emailTo: "" });
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.alerts.rules.create.mutationOptions({
      onSuccess: (r) => {
        setSecret(r.webhookSecret);
        setForm({ ...form, name: "", webhookUrl: "", emailEnabled: false, emailTo: "" });
        void invalidate();
      },
    }),
  );
  const update = useMutation(trpc.alerts.rules.update.mutationOptions({ onSuccess: () => void invalidate() }));
  const remove = useMutation(trpc.alerts.rules.delete.mutationOptions({ onSuccess: () => void invalidate() }));
  const runNow = useMutation(trpc.alerts.rules.runNow.mutationOptions({ onSuccess: () => setTimeout(() => void invalidate(), 1_500) }));
  const markRead = useMutation(trpc.alerts.inbox.markRead.mutationOptions({ onSuccess: () => void invalidate() }));
  const scanName = (id: string) => scans.data?.find((s) => s.id === id)?.name ?? "—";

  return (
    <div>
      <div className="row">
        <h1>Alerts</h1>
        <span className="badge" data-testid="unread-count">
          {unread.data?.unread ?? 0} unread
        </span>
      </div>
      <form
        className="card row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name: form.name, scanId: form.scanId, schedule: form.schedule, cooldownMinutes: form.cooldownMinutes, ...(form.webhookUrl ? { webhookUrl: form.webhookUrl } : {}), ...(form.emailEnabled ? { emailEnabled: true, ...(form.emailTo ? { emailTo: form.emailTo } : {}) } : {}) });
        }}
      >
        <label className="field">
          Rule name
          <input className="input" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label className="field">
          When this saved scan has new hits
          <select className="input" aria-label="Saved scan" required value={form.scanId} onChange={(e) => setForm({ ...form, scanId: e.target.value })}>
            <option value="">Choose…</option>
            {scans.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Run
          <select
            className="input"
            aria-label="Run on"
            value={form.schedule === "bar-close" ? "bar-close" : "cron"}
            onChange={(e) => setForm({ ...form, schedule: e.target.value === "bar-close" ? "bar-close" : "45 22 * * 1-5" })}
          >
            <option value="cron">on a schedule (cron, UTC)</option>
            <option value="bar-close">on each bar close (live)</option>
          </select>
        </label>
        {form.schedule !== "bar-close" ? (
          <label className="field">
            Schedule (cron, UTC)
            <input className="input mono" value={form.schedule} onChange={(e) => setForm({ ...form, schedule: e.target.value })} style={{ width: 130 }} />
          </label>
        ) : null}
        <label className="field">
          Cooldown (min)
          <input className="input" type="number" min={0} value={form.cooldownMinutes} onChange={(e) => setForm({ ...form, cooldownMinutes: Number(e.target.value) })} style={{ width: 90 }} />
        </label>
        <label className="field">
          Webhook URL (optional)
          <input className="input" type="url" placeholder="https://example.com/hooks/scanner" value={form.webhookUrl} onChange={(e) => setForm({ ...form, webhookUrl: e.target.value })} />
        </label>
        <label className="field" title={emailOn ? `One e-mail per evaluation, from ${emailStatus.data?.from ?? ""}` : "E-mail is not configured on this server"}>
          <span>
            <input type="checkbox" disabled={!emailOn} checked={form.emailEnabled} onChange={(e) => setForm({ ...form, emailEnabled: e.target.checked })} /> Also e-mail me
          </span>
          {form.emailEnabled ? (
            <input className="input" type="email" aria-label="E-mail recipient" placeholder="my account address" value={form.emailTo} onChange={(e) => setForm({ ...form, emailTo: e.target.value })} />
          ) : null}
        </label>
        <button className="btn primary" type="submit" disabled={create.isPending} style={{ alignSelf: "flex-end" }}>
          Create rule
        </button>
      </form>
      {scans.data?.length === 0 ? (
        <p className="muted">
          Save a scan on the <Link href="/scanner">Scanner</Link> first; a condition on one symbol is a scan with <code>universe symbols in (AAPL)</code>.
        </p>
      ) : null}
      {emailStatus.data && !emailOn ? (
        <p className="muted" data-testid="email-disabled">
          E-mail delivery is disabled on this server (no SMTP configured: set <code>SMTP_URL</code> and <code>SMTP_FROM</code>). In-app alerts and webhooks work as usual.
        </p>
      ) : null}
      {create.error ? <div className="alert error section">{create.error.message}</div> : null}
      {secret ? (
        <div className="alert success section" data-testid="webhook-secret">
          Webhook signing secret (shown once): <code style={{ userSelect: "all" }}>{secret}</code> — verify <code>X-MSS-Signature: sha256=HMAC(secret, timestamp + &quot;.&quot; + body)</code>.
        </div>
      ) : null}

      <div className="section card">
        <h2>Rules</h2>
        <table className="data" data-testid="alert-rules">
          <thead>
            <tr>
              <th>Name</th>
              <th>Saved scan</th>
              <th>Schedule</th>
              <th className="num">Cooldown</th>
              <th>Webhook</th>
              <th>E-mail</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.data?.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{scanName(r.scanId)}</td>
                <td className="mono">{r.schedule === "bar-close" ? "each bar close" : r.schedule}</td>
                <td className="num">{r.cooldownMinutes} min</td>
                <td className="mono">{r.webhookUrl ?? "—"}</td>
                <td className="mono">{r.emailEnabled ? (r.emailTo ?? "me") : "—"}</td>
                <td>{r.active ? <span className="badge ok">active</span> : <span className="badge">paused</span>}</td>
                <td>
                  <button className="btn small" type="button" onClick={() => runNow.mutate({ id: r.id })}>
                    Run now
                  </button>{" "}
                  {emailOn || r.emailEnabled ? (
                    <>
                      <button className="btn small" type="button" aria-label={`${r.emailEnabled ? "Stop e-mailing" : "E-mail"} ${r.name}`} onClick={() => update.mutate({ id: r.id, emailEnabled: !r.emailEnabled })}>
                        {r.emailEnabled ? "No e-mail" : "E-mail me"}
                      </button>{" "}
                    </>
                  ) : null}
                  <button className="btn small" type="button" onClick={() => update.mutate({ id: r.id, active: !r.active })}>
                    {r.active ? "Pause" : "Resume"}
                  </button>{" "}
                  <button className="btn small danger" type="button" onClick={() => remove.mutate({ id: r.id })}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="section card">
        <div className="row">
          <h2>Inbox</h2>
          <span className="spacer" />
          <button className="btn small" type="button" disabled={!unread.data?.unread} onClick={() => markRead.mutate({})}>
            Mark all read
          </button>
        </div>
        <table className="data" data-testid="alert-inbox">
          <thead>
            <tr>
              <th>When</th>
              <th>Rule</th>
              <th>Symbol</th>
              <th>Bar</th>
              <th>Values</th>
            </tr>
          </thead>
          <tbody>
            {inbox.data?.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No alerts yet.
                </td>
              </tr>
            ) : null}
            {inbox.data?.map((e) => (
              <tr key={e.id} style={{ fontWeight: e.readAt ? 400 : 600 }}>
                <td>{fmtUtc(e.createdAt)}</td>
                <td>{e.ruleName}</td>
                <td className="mono">
                  <Link href={`/symbols/${encodeURIComponent(e.symbol)}`}>{e.symbol}</Link>
                </td>
                <td>{fmtUtc(e.barTs).slice(0, 16)}</td>
                <td className="mono" style={{ whiteSpace: "normal" }}>
                  {Object.entries(e.values)
                    .map(([k, v]) => `${k}=${fmtValue(v)}`)
                    .join("  ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="section card">
        <h2>Webhook deliveries</h2>
        <table className="data" data-testid="webhook-log">
          <thead>
            <tr>
              <th>Queued</th>
              <th>Symbol</th>
              <th>URL</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th>Last response</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data?.map((d) => (
              <tr key={d.id}>
                <td>{fmtUtc(d.createdAt)}</td>
                <td className="mono">{d.symbol}</td>
                <td className="mono">{d.url}</td>
                <td>
                  <span className={`badge ${d.status === "succeeded" ? "ok" : d.status === "failed" ? "bad" : "warn"}`}>{d.status}</span>
                </td>
                <td className="num">{d.attempts}</td>
                <td>{d.error ?? (d.responseStatus ? `HTTP ${d.responseStatus}` : "—")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="section card">
        <h2>E-mail deliveries</h2>
        {!emailOn ? <p className="muted">E-mail is not configured on this server.</p> : null}
        <table className="data" data-testid="email-log">
          <thead>
            <tr>
              <th>Queued</th>
              <th>Rule</th>
              <th>To</th>
              <th className="num">Hits</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {emailLog.data?.map((d) => (
              <tr key={d.id}>
                <td>{fmtUtc(d.createdAt)}</td>
                <td>{d.ruleName}</td>
                <td className="mono">{d.recipient}</td>
                <td className="num">{d.hits}</td>
                <td>
                  <span className={`badge ${d.status === "succeeded" ? "ok" : d.status === "failed" ? "bad" : "warn"}`}>{d.status}</span>
                </td>
                <td className="num">{d.attempts}</td>
                <td>{d.error ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
