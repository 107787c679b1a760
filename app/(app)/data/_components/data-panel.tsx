"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { fmtDuration, fmtInt, fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";
import { ImportCsvForm } from "./import-csv-form";

const ASSET_CLASSES = ["stock", "crypto", "etf", "index"] as const;
const PROVIDERS = ["yahoo", "binance", "alpaca", "polygon", "sim", "bundled"] as const;
const TIMEFRAMES = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;

export function DataPanel({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const [assetClass, setAssetClass] = useState<"" | (typeof ASSET_CLASSES)[number]>("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const listInput = { limit: 100, offset: 0, includeInactive: false, ...(search ? { search } : {}), ...(assetClass ? { assetClass } : {}) };
  const symbols = useQuery(trpc.market.symbols.list.queryOptions(listInput, { placeholderData: (prev) => prev }));
  const runs = useQuery(
    trpc.market.ingestion.runs.queryOptions(
      { limit: 20 },
      { refetchInterval: (q) => (q.state.data?.some((r) => r.status === "running" || r.status === "queued") ? 1_000 : 10_000) },
    ),
  );
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.market.symbols.list.queryKey() }),
      qc.invalidateQueries({ queryKey: trpc.market.ingestion.runs.queryKey() }),
      qc.invalidateQueries({ queryKey: trpc.market.quality.list.queryKey() }),
    ]);
  const setActive = useMutation(trpc.market.symbols.setActive.mutationOptions({ onSuccess: () => void refresh() }));
  // When a run finishes, reload the universe (last bars, quality status); other runs may still be going.
  // Keyed on the finished runs themselves: a fast backfill can finish before a poll ever sees it running.
  const finished = runs.data ? runs.data.filter((r) => r.status !== "running" && r.status !== "queued").map((r) => `${r.id}:${r.status}`).join(",") : null;
  const lastFinished = useRef<string | null>(null);
  useEffect(() => {
    if (finished === null) return;
    if (lastFinished.current !== null && finished !== lastFinished.current) void refresh();
    lastFinished.current = finished;
  });

  return (
    <div>
      <div className="row">
        <h1>Market data</h1>
        <span className="spacer" />
        <span className="muted">{symbols.data ? `${fmtInt(symbols.data.total)} symbols` : ""}</span>
      </div>

      <div className="card">
        <div className="row" style={{ marginBottom: 8 }}>
          <input className="input" placeholder="Search symbol or name" aria-label="Search symbols" value={search} onChange={(e) => setSearch(e.target.value)} />
          <select className="input" aria-label="Asset class" value={assetClass} onChange={(e) => setAssetClass(e.target.value as typeof assetClass)}>
            <option value="">All asset classes</option>
            {ASSET_CLASSES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
          <span className="spacer" />
          {selected.size > 0 ? <span className="muted">{selected.size} selected</span> : null}
        </div>
        <div style={{ maxHeight: 420, overflow: "auto" }}>
          <table className="data" data-testid="universe-table">
            <thead>
              <tr>
                {canWrite ? <th /> : null}
                <th>Symbol</th>
                <th>Name</th>
                <th>Class</th>
                <th>Sector</th>
                <th>Provider</th>
                <th>Last day</th>
                <th className="num">Last close</th>
                <th className="num">Daily bars</th>
                <th>Data quality</th>
                {canWrite ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {symbols.data?.rows.length === 0 ? (
                <tr>
                  <td colSpan={11} className="muted">
                    No symbols match.
                  </td>
                </tr>
              ) : null}
              {symbols.data?.rows.map((s) => (
                <tr key={s.symbol}>
                  {canWrite ? (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${s.symbol}`}
                        checked={selected.has(s.symbol)}
                        onChange={(e) => {
                          const next = new Set(selected);
                          if (e.target.checked) next.add(s.symbol);
                          else next.delete(s.symbol);
                          setSelected(next);
                        }}
                      />
                    </td>
                  ) : null}
                  <td className="mono">
                    <Link href={`/symbols/${encodeURIComponent(s.symbol)}`}>{s.symbol}</Link>
                  </td>
                  <td className="clip" style={{ maxWidth: 170 }} title={s.name ?? undefined}>
                    {s.name ?? "—"}
                  </td>
                  <td>{s.assetClass}</td>
                  <td className="clip" style={{ maxWidth: 150 }} title={s.sector ?? undefined}>
                    {s.sector ?? "—"}
                  </td>
                  <td>{s.provider}</td>
                  <td>{s.lastBarTs ? fmtUtc(s.lastBarTs).slice(0, 10) : <span className="muted">no data</span>}</td>
                  <td className="num">{s.lastClose?.toFixed(2) ?? "—"}</td>
                  <td className="num">{fmtInt(s.bars1d)}</td>
                  <td>
                    {s.quarantined > 0 ? (
                      <span className="badge bad">{s.quarantined} quarantined</span>
                    ) : s.openIssues > 0 ? (
                      <span className="badge warn">{s.openIssues} open</span>
                    ) : (
                      <span className="badge ok">clean</span>
                    )}
                  </td>
                  {canWrite ? (
                    <td>
                      <button className="btn small" type="button" onClick={() => setActive.mutate({ symbol: s.symbol, active: false })}>
                        Deactivate
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>

      {canWrite ? (
        <div className="grid section" style={{ gridTemplateColumns: "1fr 1fr" }}>
          <AddSymbolsForm onDone={() => void refresh()} />
          <BackfillForm selected={[...selected]} onStarted={() => void refresh()} />
          <ImportCsvForm onDone={() => void refresh()} />
        </div>
      ) : null}

      <div className="section card">
        <h2>Ingestion runs</h2>
        <div className="table-wrap">
        <table className="data" data-testid="runs-table">
          <thead>
            <tr>
              <th>Started (UTC)</th>
              <th>Status</th>
              <th>Run</th>
              <th>Symbols</th>
              <th>Range</th>
              <th style={{ width: 150 }}>Progress</th>
              <th className="num" title="Rows stored of rows received; quarantined rows below">Stored / in</th>
              <th className="num">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.length === 0 ? (
              <tr>
                <td colSpan={8} className="muted">
                  No ingestion runs yet.
                </td>
              </tr>
            ) : null}
            {runs.data?.map((r) => {
              const started = fmtUtc(r.startedAt ?? r.createdAt);
              return (
                <tr key={r.id} title={r.error ?? undefined}>
                  <td>
                    <div>{started.slice(0, 10)}</div>
                    <div className="muted mono">{started.slice(11, 19)}</div>
                  </td>
                  <td>
                    <span className={`badge ${r.status === "succeeded" ? "ok" : r.status === "failed" ? "bad" : "warn"}`} data-testid={`run-status-${r.id}`}>
                      {r.status}
                    </span>
                  </td>
                  <td>
                    <div>{r.kind}</div>
                    <div className="muted">
                      {r.provider} · {r.timeframe}
                    </div>
                  </td>
                  <td className="mono clip" style={{ maxWidth: 150 }} title={r.symbols.join(", ")}>
                    {r.symbols.length > 3 ? `${r.symbols.slice(0, 3).join(", ")} +${r.symbols.length - 3}` : r.symbols.join(", ")}
                  </td>
                  <td>
                    {r.rangeStart && r.rangeEnd ? (
                      <>
                        <div>{fmtUtc(r.rangeStart).slice(0, 10)} →</div>
                        <div>{fmtUtc(r.rangeEnd).slice(0, 10)}</div>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>
                    <div className="progress" role="progressbar" aria-label={`Progress of run ${r.id}`} aria-valuenow={Math.round(r.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
                      <div style={{ width: `${Math.round(r.progress * 100)}%` }} />
                    </div>
                    <div className="muted mono">
                      {Math.round(r.progress * 100)}%{r.etaSeconds !== null ? ` · ETA ${fmtDuration(Math.max(1, r.etaSeconds))}` : ""}
                    </div>
                  </td>
                  <td className="num">
                    <div>
                      {fmtInt(r.rowsOut)} / {fmtInt(r.rowsIn)}
                    </div>
                    {r.rowsQuarantined > 0 ? <div className="down">{fmtInt(r.rowsQuarantined)} quarantined</div> : null}
                  </td>
                  <td className="num">{r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s` : "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      </div>

      <QualityIssues canWrite={canWrite} />
      <ProviderStates />
    </div>
  );
}

function AddSymbolsForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [assetClass, setAssetClass] = useState<(typeof ASSET_CLASSES)[number]>("stock");
  const [provider, setProvider] = useState<(typeof PROVIDERS)[number]>("sim");
  const add = useMutation(
    trpc.market.symbols.add.mutationOptions({
      onSuccess: () => {
        setText("");
        onDone();
      },
    }),
  );
  return (
    <form
      className="card grid"
      onSubmit={(e) => {
        e.preventDefault();
        const list = text
          .split(/[\s,;]+/)
          .map((s) => s.trim())
          .filter(Boolean);
        if (list.length) add.mutate({ symbols: list.map((symbol) => ({ symbol, assetClass, provider })) });
      }}
    >
      <h2>Add symbols</h2>
      <label className="field">
        Symbols (comma or space separated)
        <input className="input" name="new-symbols" value={text} onChange={(e) => setText(e.target.value)} placeholder="MSFT, NVDA, BTC-USD" />
      </label>
      <div className="row">
        <label className="field">
          Asset class
          <select className="input" aria-label="New symbol asset class" value={assetClass} onChange={(e) => setAssetClass(e.target.value as typeof assetClass)}>
            {ASSET_CLASSES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Provider
          <select className="input" aria-label="New symbol provider" value={provider} onChange={(e) => setProvider(e.target.value as typeof provider)}>
            {PROVIDERS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <button className="btn primary" type="submit" disabled={add.isPending} style={{ alignSelf: "flex-end" }}>
          Add
        </button>
      </div>
      {add.error ? <div className="alert error">{add.error.message}</div> : null}
      {add.data ? <div className="muted">Added or updated {add.data.added} symbol(s).</div> : null}
    </form>
  );
}

function BackfillForm({ selected, onStarted }: { selected: string[]; onStarted: () => void }) {
  const trpc = useTRPC();
  const [provider, setProvider] = useState<(typeof PROVIDERS)[number]>("sim");
  const [timeframe, setTimeframe] = useState<(typeof TIMEFRAMES)[number]>("1d");
  const [start, setStart] = useState("2020-01-01");
  const [end, setEnd] = useState("2021-01-01");
  const [manual, setManual] = useState("");
  const start_ = useMutation(trpc.market.ingestion.startBackfill.mutationOptions({ onSuccess: () => onStarted() }));
  const targets = selected.length ? selected : manual.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  return (
    <form
      className="card grid"
      onSubmit={(e) => {
        e.preventDefault();
        start_.mutate({ symbols: targets, provider, timeframe, start: new Date(`${start}T00:00:00Z`), end: new Date(`${end}T00:00:00Z`) });
      }}
    >
      <h2>Backfill history</h2>
      {selected.length ? (
        <div className="muted">For the {selected.length} selected symbol(s): {selected.slice(0, 8).join(", ")}</div>
      ) : (
        <label className="field">
          Symbols (or select rows above)
          <input className="input" name="backfill-symbols" value={manual} onChange={(e) => setManual(e.target.value)} placeholder="MSFT NVDA" />
        </label>
      )}
      <div className="row">
        <label className="field">
          Provider
          <select className="input" aria-label="Backfill provider" value={provider} onChange={(e) => setProvider(e.target.value as typeof provider)}>
            {PROVIDERS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Timeframe
          <select className="input" aria-label="Backfill timeframe" value={timeframe} onChange={(e) => setTimeframe(e.target.value as typeof timeframe)}>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="field">
          From (UTC)
          <input className="input" type="date" aria-label="Backfill from" value={start} onChange={(e) => setStart(e.target.value)} />
        </label>
        <label className="field">
          To (UTC)
          <input className="input" type="date" aria-label="Backfill to" value={end} onChange={(e) => setEnd(e.target.value)} />
        </label>
        <button className="btn primary" type="submit" disabled={start_.isPending || targets.length === 0} style={{ alignSelf: "flex-end" }}>
          Start backfill
        </button>
      </div>
      {start_.error ? <div className="alert error">{start_.error.message}</div> : null}
      {start_.data ? <div className="muted">Run queued: {start_.data.runId}</div> : null}
    </form>
  );
}

function QualityIssues({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [status, setStatus] = useState<"open" | "resolved" | "all">("open");
  const issues = useQuery(trpc.market.quality.list.queryOptions({ status, limit: 100 }, { refetchInterval: 10_000 }));
  const resolve = useMutation(trpc.market.quality.resolve.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.market.quality.list.queryKey() }) }));
  return (
    <div className="section card">
      <div className="row">
        <h2>Data quality issues</h2>
        <span className="spacer" />
        <select className="input" aria-label="Issue status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="open">open</option>
          <option value="resolved">resolved</option>
          <option value="all">all</option>
        </select>
      </div>
      <div className="table-wrap" style={{ maxHeight: 420, overflowY: "auto" }}>
      <table className="data" data-testid="dq-table">
        <thead>
          <tr>
            <th>Symbol</th>
            <th>TF</th>
            <th>Bar time</th>
            <th>Rule</th>
            <th>Severity</th>
            <th>Offending values</th>
            <th>Detected</th>
            {canWrite ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {issues.data?.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                No {status === "all" ? "" : status} issues.
              </td>
            </tr>
          ) : null}
          {issues.data?.map((i) => (
            <tr key={i.id}>
              <td className="mono">{i.symbol}</td>
              <td>{i.timeframe}</td>
              <td>{fmtUtc(i.ts)}</td>
              <td title={i.message}>
                {i.rule}
                {i.quarantined ? <span className="badge bad"> quarantined</span> : null}
              </td>
              <td className={i.severity === "error" ? "down" : i.severity === "warning" ? "warn" : "muted"}>{i.severity}</td>
              <td className="mono" style={{ whiteSpace: "normal", maxWidth: 420 }}>
                {Object.entries(i.values)
                  .map(([k, v]) => `${k}=${typeof v === "number" ? +v.toFixed(6) : String(v)}`)
                  .join("  ")}
              </td>
              <td>{fmtUtc(i.detectedAt)}</td>
              {canWrite ? (
                <td>
                  {!i.resolvedAt ? (
                    <button className="btn small" type="button" onClick={() => resolve.mutate({ id: i.id, resolution: "acknowledged" })}>
                      Resolve
                    </button>
                  ) : (
                    <span className="muted">{i.resolution}</span>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  );
}

function ProviderStates() {
  const trpc = useTRPC();
  const states = useQuery(trpc.market.ingestion.providers.queryOptions(undefined, { refetchInterval: 10_000 }));
  if (!states.data?.length) return null;
  return (
    <div className="section card">
      <h2>Providers</h2>
      <table className="data" data-testid="providers-table">
        <thead>
          <tr>
            <th>Provider</th>
            <th>Circuit breaker</th>
            <th className="num">Requests</th>
            <th className="num">Consecutive failures</th>
            <th>Last success</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {states.data.map((p) => (
            <tr key={p.provider}>
              <td>{p.provider}</td>
              <td>
                <span className={`badge ${p.breaker === "closed" ? "ok" : p.breaker === "open" ? "bad" : "warn"}`}>{p.breaker}</span>
              </td>
              <td className="num">{fmtInt(p.requests)}</td>
              <td className="num">{p.consecutiveFailures}</td>
              <td>{fmtUtc(p.lastSuccessAt)}</td>
              <td style={{ whiteSpace: "normal" }}>{p.lastError ? `${fmtUtc(p.lastErrorAt)}: ${p.lastError}` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
