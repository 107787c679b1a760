"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { builderSummary } from "@/components/live/builder-summary";
import { fmtDuration, fmtInt, fmtUtc } from "@/components/ui/format";
import { StatusBadge } from "@/components/ui/status-badge";
import { useTRPC } from "@/components/providers/trpc";

const LIVE_CLS = { live: "ok", delayed: "warn", disconnected: "bad" } as const;

/** The live pipeline at a glance (details and replay control: Market data → Live feeds). */
function LivePipelineCard() {
  const trpc = useTRPC();
  const status = useQuery(trpc.live.status.queryOptions(undefined, { refetchInterval: 5_000 }));
  const s = status.data;
  const live = s?.collectors.filter((c) => c.effectiveState === "live").length ?? 0;
  return (
    <div className="card" style={{ gridColumn: "span 2" }} data-testid="card-live">
      <div className="row">
        <div className="stat-label">Live pipeline</div>
        <span className="spacer" />
        <Link href="/data">Live feeds →</Link>
      </div>
      {status.isError ? <div className="down">Live status unavailable: {status.error.message}</div> : null}
      {s ? (
        <>
          <div className="stat-value">
            <span className={`badge ${LIVE_CLS[s.overall]}`}>{s.overall}</span>
          </div>
          <div>
            {s.collectors.length === 0 ? "No collector running" : `${live} of ${s.collectors.length} feed${s.collectors.length === 1 ? "" : "s"} live`}
            {s.collectors.some((c) => c.breaker !== "closed") ? ` · breaker ${s.collectors.filter((c) => c.breaker !== "closed").map((c) => `${c.provider} ${c.breaker}`).join(", ")}` : ""}
          </div>
          {s.reason ? <div className="muted">{s.reason}</div> : null}
          <div className="muted" data-testid="system-builder">
            Bar builder: {s.builder ? builderSummary(s.builder.effectiveState, s.builder.details) : "not running"}
          </div>
        </>
      ) : null}
    </div>
  );
}

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

export function SystemPanel({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const health = useQuery(trpc.health.get.queryOptions(undefined, { refetchInterval: 5_000 }));
  const [openQueue, setOpenQueue] = useState<string | null>(null);

  if (health.isPending) return <p className="muted">Loading system status…</p>;
  if (health.isError) return <div className="alert error">Could not load health: {health.error.message}</div>;
  const h = health.data;

  return (
    <div>
      <div className="row">
        <h1>System</h1>
        <span className="spacer" />
        <span className="muted" data-testid="health-time">
          Updated {fmtUtc(h.time)}
        </span>
      </div>
      <div className="grid cols-4">
        <div className="card" data-testid="card-overall">
          <div className="stat-label">Overall</div>
          <div className="stat-value">
            <StatusBadge ok={h.status === "ok"} okText="healthy" badText="degraded" />
          </div>
        </div>
        <div className="card" data-testid="card-db">
          <div className="stat-label">PostgreSQL</div>
          <div className="stat-value">
            <StatusBadge ok={h.db.ok} /> <span className="muted mono">{h.db.latencyMs} ms</span>
          </div>
          {h.db.error ? <div className="down">{h.db.error}</div> : null}
        </div>
        <div className="card" data-testid="card-redis">
          <div className="stat-label">Redis</div>
          <div className="stat-value">
            <StatusBadge ok={h.redis.ok} /> <span className="muted mono">{h.redis.latencyMs} ms</span>
          </div>
          {h.redis.error ? <div className="down">{h.redis.error}</div> : null}
        </div>
        <div className="card" data-testid="card-mode">
          <div className="stat-label">Storage mode</div>
          <div className="stat-value">{h.storageMode === "timescaledb" ? "TimescaleDB" : h.storageMode === "postgres" ? "Plain PostgreSQL" : "unknown"}</div>
          <div className="muted">
            {h.storageMode === "timescaledb" ? "hypertables, compression, continuous aggregates" : "rollup tables, same queries and results"}
          </div>
        </div>
        <div className="card">
          <div className="stat-label">Version</div>
          <div className="stat-value">v{h.version}</div>
          <div className="muted mono">{h.gitSha}</div>
        </div>
        <div className="card">
          <div className="stat-label">Web uptime</div>
          <div className="stat-value">{fmtDuration(h.uptimeSeconds)}</div>
        </div>
        <LivePipelineCard />
      </div>

      <div className="section card">
        <h2>Queues</h2>
        <table className="data" data-testid="queues-table">
          <thead>
            <tr>
              <th>Queue</th>
              <th>Role</th>
              <th className="num">Workers</th>
              {STATES.map((s) => (
                <th key={s} className="num">
                  {s}
                </th>
              ))}
              {isAdmin ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {h.queues.length === 0 ? (
              <tr>
                <td colSpan={STATES.length + (isAdmin ? 4 : 3)} className="muted">
                  {h.redis.ok ? "No queues registered." : "Redis is down: queue state unavailable."}
                </td>
              </tr>
            ) : null}
            {h.queues.map((q) => (
              <tr key={q.name}>
                <td className="mono">
                  {q.name}
                  {q.paused ? <span className="badge warn"> paused</span> : null}
                </td>
                <td>{q.role}</td>
                <td className={`num ${q.workers === 0 ? "warn" : ""}`}>{q.workers}</td>
                {STATES.map((s) => (
                  <td key={s} className={`num ${s === "failed" && (q.counts[s] ?? 0) > 0 ? "down" : ""}`}>
                    {fmtInt(q.counts[s] ?? 0)}
                  </td>
                ))}
                {isAdmin ? (
                  <td>
                    <button className="btn small" type="button" onClick={() => setOpenQueue(openQueue === q.name ? null : q.name)}>
                      {openQueue === q.name ? "Hide failed" : "Failed jobs"}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {/* Failed jobs carry other users' job data and errors: admins only (system.failedJobs). */}
      {isAdmin && openQueue ? <FailedJobs queue={openQueue} /> : null}
    </div>
  );
}

function FailedJobs({ queue }: { queue: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const jobs = useQuery(trpc.system.failedJobs.queryOptions({ queue, limit: 50 }));
  const invalidate = () =>
    Promise.all([qc.invalidateQueries({ queryKey: trpc.system.failedJobs.queryKey() }), qc.invalidateQueries({ queryKey: trpc.health.get.queryKey() })]);
  const retry = useMutation(trpc.system.retryFailed.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.system.removeFailed.mutationOptions({ onSuccess: invalidate }));
  const err = retry.error ?? remove.error;

  return (
    <div className="section card" data-testid="failed-jobs">
      <div className="row">
        <h2>
          Failed jobs · <span className="mono">{queue}</span>
        </h2>
        <span className="spacer" />
        <button className="btn small" type="button" disabled={!jobs.data?.length || retry.isPending} onClick={() => retry.mutate({ queue })}>
          Retry all
        </button>
        <button className="btn small danger" type="button" disabled={!jobs.data?.length || remove.isPending} onClick={() => remove.mutate({ queue })}>
          Remove all
        </button>
      </div>
      {err ? <div className="alert error">{err.message}</div> : null}
      {jobs.isPending ? <p className="muted">Loading…</p> : null}
      {jobs.data && jobs.data.length === 0 ? <p className="muted">No failed jobs.</p> : null}
      {jobs.data && jobs.data.length > 0 ? (
        <table className="data">
          <thead>
            <tr>
              <th>Job</th>
              <th>Failed at</th>
              <th className="num">Attempts</th>
              <th>Reason</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.data.map((j) => (
              <tr key={j.id}>
                <td className="mono">{j.id}</td>
                <td>{fmtUtc(j.finishedOn)}</td>
                <td className="num">{j.attemptsMade}</td>
                <td style={{ whiteSpace: "normal" }}>{j.failedReason}</td>
                <td>
                  <button className="btn small" type="button" onClick={() => retry.mutate({ queue, jobId: j.id })}>
                    Retry
                  </button>{" "}
                  <button className="btn small danger" type="button" onClick={() => remove.mutate({ queue, jobId: j.id })}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
