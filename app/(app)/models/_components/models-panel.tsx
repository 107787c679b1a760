"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState, type ReactNode } from "react";
import { fmtDuration, fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";
import type { AppRouter } from "@/server/root";
import { IcBars, LossChart } from "./run-charts";

type Out = inferRouterOutputs<AppRouter>;
type RunSummary = Out["models"]["runs"]["list"][number];
type RunDetail = Out["models"]["runs"]["get"];

const KINDS = ["ridge", "mlp", "lstm", "gru"] as const;
const STAGES = ["none", "staging", "production", "archived"] as const;
const BASELINE_LABELS: Record<string, string> = { momentum12_1: "12-1 momentum", reversal5: "5-day reversal", ridge: "ridge" };
const COLORS = ["var(--accent)", "var(--warn)", "var(--up)", "var(--down)", "#a855f7", "#14b8a6"];

const f4 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(4));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);

function StatusBadgeFor({ status }: { status: RunSummary["status"] }) {
  const cls = status === "completed" ? "ok" : status === "failed" ? "bad" : status === "running" || status === "queued" ? "warn" : "";
  return (
    <span className={`badge ${cls}`} data-testid="run-status">
      {status}
    </span>
  );
}

/** A queued or running run's progress bar (with `children` beside it: its cancel button) and epoch, loss, ETA below. */
function Progress({ run, children }: { run: RunSummary; children?: ReactNode }) {
  if (run.status !== "running" && run.status !== "queued") return null;
  return (
    <div data-testid="run-progress">
      <span className="progress" role="progressbar" aria-label={`Progress of run ${run.id}`} aria-valuenow={Math.round(run.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${Math.round(run.progress * 100)}%` }} />
      </span>
      {children}
      <div className="sub muted">
        {run.epoch !== null ? `epoch ${run.epoch + 1}/${run.epochs}` : run.status}
        {run.valLoss !== null ? ` · val ${run.valLoss.toPrecision(4)}` : ""}
        {run.etaMs ? ` · ETA ${fmtDuration(Math.round(run.etaMs / 1000))}` : ""}
      </div>
    </div>
  );
}

export function ModelsPanel({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const runs = useQuery(
    trpc.models.runs.list.queryOptions(
      { limit: 50 },
      { refetchInterval: (q) => (q.state.data?.some((r) => r.status === "running" || r.status === "queued") ? 1_000 : 10_000) },
    ),
  );
  const [openId, setOpenId] = useState<string | null>(null);
  const [compareIds, setCompareIds] = useState<string[]>([]);
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.models.pathKey() });

  return (
    <div>
      <div className="row">
        <h1>Models</h1>
        <span className="spacer" />
        <span className="muted">Out-of-sample numbers on a walk-forward test segment, next to the baselines on the same samples.</span>
      </div>
      {canWrite ? <NewTraining onStarted={(id) => (invalidate(), setOpenId(id))} /> : null}

      <div className="section card table-wrap">
        <div className="row" style={{ marginBottom: 6 }}>
          <h2 style={{ margin: 0 }}>Runs</h2>
          <span className="spacer" />
          <span className="muted">{compareIds.length} selected</span>
          <button className="btn small" type="button" disabled={compareIds.length < 2} onClick={() => setOpenId(null)} data-testid="compare-button">
            Compare selected
          </button>
        </div>
        <table className="data" data-testid="runs-table">
          <thead>
            <tr>
              <th />
              <th>Status</th>
              <th>Model</th>
              <th>Dataset</th>
              <th className="num">Test IC</th>
              <th className="num">Rank IC</th>
              <th className="num">ICIR</th>
              <th className="num">Best baseline IC</th>
              <th className="num">Duration</th>
              <th>Progress</th>
            </tr>
          </thead>
          <tbody>
            {(runs.data ?? []).map((r) => {
              const best = r.baselines ? Object.entries(r.baselines).sort((a, b) => b[1].ic - a[1].ic)[0] : undefined;
              return (
                <tr key={r.id} data-testid="run-row" data-run-id={r.id} aria-selected={openId === r.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare run ${r.id}`}
                      checked={compareIds.includes(r.id)}
                      onChange={(e) => setCompareIds((ids) => (e.target.checked ? [...ids, r.id].slice(-6) : ids.filter((x) => x !== r.id)))}
                    />
                  </td>
                  <td>
                    <StatusBadgeFor status={r.status} />
                    {r.stage && r.stage !== "none" ? (
                      <div>
                        <span className="badge">
                          v{r.version} {r.stage}
                        </span>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <button className="btn small" type="button" onClick={() => setOpenId(r.id)} aria-label={`Open run ${r.modelName} ${r.kind}`}>
                      {r.modelName}
                    </button>{" "}
                    <span className="muted">{r.kind}</span>
                  </td>
                  <td className="muted">
                    {r.dataset.symbols} sym · {r.dataset.timeframe} · {r.dataset.label} · w{r.dataset.window}
                    <div className="sub">
                      {r.dataset.from} → {r.dataset.to}
                    </div>
                  </td>
                  <td className="num" data-testid="run-ic">{f4(r.metrics?.ic)}</td>
                  <td className="num">{f4(r.metrics?.rankIc)}</td>
                  <td className="num">{f4(r.metrics?.icir)}</td>
                  <td className="num">
                    {best ? (
                      <>
                        {f4(best[1].ic)}
                        <div className="sub muted">{BASELINE_LABELS[best[0]] ?? best[0]}</div>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="num">
                    {r.durationMs !== null ? fmtDuration(Math.max(1, Math.round(r.durationMs / 1000))) : "—"}
                    {r.backend ? <div className="sub muted mono">{r.backend}</div> : null}
                  </td>
                  <td>
                    <Progress run={r}>{canWrite ? <CancelButton runId={r.id} onDone={invalidate} /> : null}</Progress>
                    {r.error ? <span className="down" title={r.error}>error</span> : null}
                  </td>
                </tr>
              );
            })}
            {runs.data?.length === 0 ? (
              <tr>
                <td colSpan={10} className="muted">
                  No runs yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      {openId ? <RunDetailView id={openId} canWrite={canWrite} onChanged={invalidate} onClose={() => setOpenId(null)} /> : compareIds.length >= 2 ? <CompareView ids={compareIds} /> : null}
      <Registry canWrite={canWrite} onChanged={invalidate} />
    </div>
  );
}

function CancelButton({ runId, onDone }: { runId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const cancel = useMutation(trpc.models.runs.cancel.mutationOptions({ onSuccess: onDone }));
  return (
    <button className="btn small danger" type="button" disabled={cancel.isPending} onClick={() => cancel.mutate({ runId })}>
      Cancel
    </button>
  );
}

function NewTraining({ onStarted }: { onStarted: (runId: string) => void }) {
  const trpc = useTRPC();
  const [symbols, setSymbols] = useState("AAPL, MSFT, JPM, XOM, KO, PG");
  const [from, setFrom] = useState("2014-01-01");
  const [to, setTo] = useState("2021-04-01");
  const [labelKind, setLabelKind] = useState<"forward_return" | "cs_rank" | "direction">("forward_return");
  const [horizon, setHorizon] = useState(5);
  const [kind, setKind] = useState<(typeof KINDS)[number]>("mlp");
  const [windowLen, setWindowLen] = useState(20);
  const [epochs, setEpochs] = useState(5);
  const [size, setSize] = useState(32);
  const [name, setName] = useState("alpha");
  const createSpec = useMutation(trpc.models.datasets.create.mutationOptions());
  const start = useMutation(trpc.models.runs.start.mutationOptions({ onSuccess: (r) => onStarted(r.runId) }));
  const error = createSpec.error ?? start.error;
  const sequence = kind === "lstm" || kind === "gru";

  const submit = async () => {
    const universe = symbols
      .split(/[\s,]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const spec = await createSpec.mutateAsync({
      name: `${universe.length} symbols ${from}→${to}`,
      spec: { universe, timeframe: "1d", from, to, featureSet: "core-v1", label: { kind: labelKind, horizon }, window: sequence ? windowLen : 1 },
    });
    const model =
      kind === "ridge" ? { kind, lambda: 1e-2 } : kind === "mlp" ? { kind, hidden: [size, Math.max(1, size >> 1)] } : { kind, units: size, layers: 1 };
    start.mutate({ modelName: name, datasetSpecId: spec.id, config: { model, train: { epochs, batchSize: 256, learningRate: 1e-3, patience: 5 } } as never });
  };

  return (
    <form
      className="card section"
      aria-label="New training"
      onSubmit={(e) => {
        e.preventDefault();
        void submit().catch(() => undefined);
      }}
    >
      <h2 style={{ marginTop: 0 }}>New training</h2>
      <div className="row" style={{ flexWrap: "wrap", gap: 8 }}>
        <label>
          Symbols{" "}
          <input className="input" aria-label="Symbols" value={symbols} onChange={(e) => setSymbols(e.target.value)} style={{ width: 260 }} />
        </label>
        <label>
          From <input className="input" aria-label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input className="input" aria-label="To" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          Label{" "}
          <select className="input" aria-label="Label" value={labelKind} onChange={(e) => setLabelKind(e.target.value as typeof labelKind)}>
            <option value="forward_return">forward return</option>
            <option value="cs_rank">cross-sectional rank</option>
            <option value="direction">direction</option>
          </select>
        </label>
        <label>
          Horizon <input className="input" aria-label="Horizon" type="number" min={1} max={60} value={horizon} onChange={(e) => setHorizon(Number(e.target.value))} style={{ width: 60 }} />
        </label>
      </div>
      <div className="row" style={{ flexWrap: "wrap", gap: 8, marginTop: 8 }}>
        <label>
          Model{" "}
          <select className="input" aria-label="Model kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        {kind !== "ridge" ? (
          <>
            <label>
              {kind === "mlp" ? "Hidden units" : "Units"}{" "}
              <input className="input" aria-label="Units" type="number" min={1} max={512} value={size} onChange={(e) => setSize(Number(e.target.value))} style={{ width: 70 }} />
            </label>
            <label>
              Epochs <input className="input" aria-label="Epochs" type="number" min={1} max={500} value={epochs} onChange={(e) => setEpochs(Number(e.target.value))} style={{ width: 70 }} />
            </label>
          </>
        ) : null}
        {sequence ? (
          <label>
            Window <input className="input" aria-label="Window" type="number" min={2} max={250} value={windowLen} onChange={(e) => setWindowLen(Number(e.target.value))} style={{ width: 70 }} />
          </label>
        ) : null}
        <label>
          Name <input className="input" aria-label="Model name" value={name} onChange={(e) => setName(e.target.value)} style={{ width: 120 }} />
        </label>
        <span className="spacer" />
        <button className="btn primary" type="submit" disabled={createSpec.isPending || start.isPending}>
          Start training
        </button>
      </div>
      {error ? <div className="alert error section">{error.message}</div> : null}
    </form>
  );
}

function BaselineTable({ d }: { d: RunDetail }) {
  const m = d.fullMetrics;
  if (!m) return null;
  const rows: [string, (typeof m)["model"]][] = [["model", m.model], ...Object.entries(m.baselines)];
  return (
    <table className="data" data-testid="baseline-table">
      <thead>
        <tr>
          <th>Predictor</th>
          <th className="num">IC</th>
          <th className="num">IC t</th>
          <th className="num">ICIR</th>
          <th className="num">Rank IC</th>
          <th className="num">Dir. acc.</th>
          <th className="num">Top−bottom decile</th>
          <th className="num">MSE</th>
          <th className="num">Lift (IC)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, r]) => (
          <tr key={k}>
            <td>{k === "model" ? <strong>{d.kind} (this run)</strong> : (BASELINE_LABELS[k] ?? k)}</td>
            <td className="num">{f4(r.ic.mean)}</td>
            <td className="num">{r.ic.t.toFixed(2)}</td>
            <td className="num">{f4(r.ic.icir)}</td>
            <td className="num">{f4(r.rankIc.mean)}</td>
            <td className="num">{pct(r.directionalAccuracy)}</td>
            <td className="num" title="needs ≥ 20 symbols per period">{r.topMinusBottom.periods ? f4(r.topMinusBottom.mean) : "—"}</td>
            <td className="num">{r.mse.toExponential(2)}</td>
            <td className="num">{k === "model" ? "" : f4(m.lift[k]?.ic)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunDetailView({ id, canWrite, onChanged, onClose }: { id: string; canWrite: boolean; onChanged: () => void; onClose: () => void }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.models.runs.get.queryOptions({ id }, { refetchInterval: (x) => (x.state.data?.status === "running" || x.state.data?.status === "queued" ? 1_000 : false) }));
  const [stage, setStage] = useState<(typeof STAGES)[number]>("production");
  const [reason, setReason] = useState("");
  const promote = useMutation(trpc.models.registry.promote.mutationOptions({ onSuccess: onChanged }));
  const d = q.data;
  if (!d) return <div className="section card muted">Loading run…</div>;
  const m = d.fullMetrics;
  return (
    <div className="section card" data-testid="run-detail">
      <div className="row">
        <h2 style={{ margin: 0 }}>
          {d.modelName} · {d.kind.toUpperCase()} {d.version ? <span className="badge">v{d.version} {d.stage}</span> : null}
        </h2>
        <StatusBadgeFor status={d.status} />
        <span className="spacer" />
        <button className="btn small" type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="row muted mono" style={{ flexWrap: "wrap", gap: "2px 14px", marginTop: 6 }}>
        <span>run {d.id.slice(0, 8)}</span>
        <span>spec {d.specHash}</span>
        <span>data {d.datasetHash ?? "—"}</span>
        <span>git {d.gitSha ?? "—"}</span>
        <span>backend {d.backend ?? "—"}</span>
        <span>{d.durationMs !== null ? `${(d.durationMs / 1000).toFixed(1)} s` : ""}</span>
        {d.resumedFromEpoch !== null ? <span>resumed after epoch {d.resumedFromEpoch + 1}</span> : null}
        {d.artifacts ? <span>{d.artifacts.format} · {d.artifacts.features.length} features · {(d.artifacts.weightBytes / 1024).toFixed(1)} KiB</span> : null}
      </div>
      {d.error ? <div className="alert error section">{d.error}</div> : null}
      {d.status === "running" || d.status === "queued" ? (
        <div className="section">
          <Progress run={d} />
        </div>
      ) : null}
      <div className="grid section" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(320px, 1fr))" }}>
        <div>
          <div className="stat-label">Loss per epoch</div>
          {d.kind === "ridge" ? (
            <p className="muted">Closed-form ridge: no epochs.</p>
          ) : (
            <LossChart
              curves={[
                { label: "train loss", color: "var(--accent)", values: d.curves.map((c) => c.loss) },
                { label: "val loss", color: "var(--warn)", values: d.curves.map((c) => c.valLoss), dashed: true },
              ]}
            />
          )}
        </div>
        <div>
          <div className="stat-label">IC per test period</div>
          {m?.model.perPeriod ? <IcBars ic={m.model.perPeriod.ic} ts={m.model.perPeriod.ts} /> : <p className="muted">After the run completes.</p>}
        </div>
      </div>
      {m ? (
        <div className="section">
          <div className="stat-label">
            Test segment {fmtUtc(m.split.test[0]).slice(0, 10)} → {fmtUtc(m.split.test[1]).slice(0, 10)} · {m.split.trainSamples} train / {m.split.valSamples} val / {m.split.testSamples} test samples
            · purged {m.split.purged.train + m.split.purged.val}
          </div>
          <BaselineTable d={d} />
        </div>
      ) : null}
      <details className="section">
        <summary>Parameters and dataset spec</summary>
        <pre className="mono" style={{ fontSize: 11, whiteSpace: "pre-wrap" }}>
          {JSON.stringify({ params: d.params, train: d.trainOptions, split: d.split, dataset: d.datasetSpec }, null, 1)}
        </pre>
      </details>
      {canWrite && d.status === "completed" ? (
        <form
          className="row section"
          aria-label="Promote run"
          onSubmit={(e) => {
            e.preventDefault();
            promote.mutate({ runId: d.id, stage, reason: reason || `set to ${stage}` });
          }}
        >
          <select className="input" aria-label="Stage" value={stage} onChange={(e) => setStage(e.target.value as typeof stage)}>
            {STAGES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <input className="input" aria-label="Reason" placeholder="Why (audited)" value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 280 }} />
          <button className="btn primary" type="submit" disabled={promote.isPending}>
            Promote
          </button>
          {promote.data ? <span className="up">v{promote.data.version} → {promote.data.stage}</span> : null}
          {promote.error ? <span className="down">{promote.error.message}</span> : null}
        </form>
      ) : null}
    </div>
  );
}

function CompareView({ ids }: { ids: string[] }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.models.runs.compare.queryOptions({ ids }));
  if (!q.data) return <div className="section card muted">Loading comparison…</div>;
  const runs = q.data;
  const metric = (label: string, f: (d: RunDetail) => string) => (
    <tr key={label}>
      <td className="muted">{label}</td>
      {runs.map((d) => (
        <td key={d.id} className="num">
          {f(d)}
        </td>
      ))}
    </tr>
  );
  const baselineNames = [...new Set(runs.flatMap((d) => Object.keys(d.fullMetrics?.baselines ?? {})))];
  return (
    <div className="section card" data-testid="compare-view">
      <h2 style={{ marginTop: 0 }}>Compare {runs.length} runs</h2>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th />
              {runs.map((d, i) => (
                <th key={d.id} className="num" style={{ color: COLORS[i % COLORS.length] }}>
                  {d.modelName} {d.kind} · {d.id.slice(0, 6)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {metric("status", (d) => d.status)}
            {metric("dataset", (d) => `${d.dataset.symbols} sym ${d.dataset.label} w${d.dataset.window}`)}
            {metric("spec hash", (d) => d.specHash)}
            {metric("test IC", (d) => f4(d.fullMetrics?.model.ic.mean))}
            {metric("IC t-stat", (d) => (d.fullMetrics ? d.fullMetrics.model.ic.t.toFixed(2) : "—"))}
            {metric("rank IC", (d) => f4(d.fullMetrics?.model.rankIc.mean))}
            {metric("ICIR", (d) => f4(d.fullMetrics?.model.ic.icir))}
            {metric("directional acc.", (d) => pct(d.fullMetrics?.model.directionalAccuracy))}
            {metric("top−bottom decile", (d) => (d.fullMetrics?.model.topMinusBottom.periods ? f4(d.fullMetrics.model.topMinusBottom.mean) : "—"))}
            {baselineNames.map((b) => metric(`${BASELINE_LABELS[b] ?? b} IC`, (d) => f4(d.fullMetrics?.baselines[b]?.ic.mean)))}
            {metric("epochs", (d) => String(d.curves.length))}
            {metric("duration", (d) => (d.durationMs !== null ? `${(d.durationMs / 1000).toFixed(1)} s` : "—"))}
            {metric("backend", (d) => d.backend ?? "—")}
          </tbody>
        </table>
      </div>
      <div className="stat-label section">Validation loss per epoch</div>
      <LossChart testId="compare-loss-chart" curves={runs.map((d, i) => ({ label: `${d.kind} ${d.id.slice(0, 6)}`, color: COLORS[i % COLORS.length]!, values: d.curves.map((c) => c.valLoss) }))} />
    </div>
  );
}

function Registry({ canWrite, onChanged }: { canWrite: boolean; onChanged: () => void }) {
  const trpc = useTRPC();
  const reg = useQuery(trpc.models.registry.list.queryOptions());
  const promote = useMutation(trpc.models.registry.promote.mutationOptions({ onSuccess: onChanged }));
  const rollback = useMutation(trpc.models.registry.rollback.mutationOptions({ onSuccess: onChanged }));
  const names = [...new Set(reg.data?.versions.map((v) => v.modelName) ?? [])];
  return (
    <div className="section card" data-testid="registry">
      <h2 style={{ marginTop: 0 }}>Registry</h2>
      {names.length === 0 ? <p className="muted">Promote a completed run to register it.</p> : null}
      {names.map((n) => {
        const versions = reg.data!.versions.filter((v) => v.modelName === n);
        return (
          <div key={n} className="section">
            <div className="row">
              <strong>{n}</strong>
              <span className="spacer" />
              {canWrite && versions.some((v) => v.stage === "production") ? (
                <button className="btn small" type="button" disabled={rollback.isPending} onClick={() => rollback.mutate({ modelName: n, reason: "rolled back from the Models page" })}>
                  Roll back
                </button>
              ) : null}
            </div>
            <table className="data">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Stage</th>
                  <th>Kind</th>
                  <th className="num">Test IC</th>
                  <th className="num">Rank IC</th>
                  <th>Changed</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id} data-testid="registry-version">
                    <td>v{v.version}</td>
                    <td>
                      <span className={`badge ${v.stage === "production" ? "ok" : v.stage === "staging" ? "warn" : ""}`}>{v.stage}</span>
                    </td>
                    <td>{v.kind}</td>
                    <td className="num">{f4(v.ic)}</td>
                    <td className="num">{f4(v.rankIc)}</td>
                    <td className="muted">{fmtUtc(v.stageChangedAt ?? v.createdAt)}</td>
                    <td>
                      {canWrite && v.stage !== "production" ? (
                        <button className="btn small" type="button" disabled={promote.isPending} onClick={() => promote.mutate({ runId: v.runId, stage: "production", reason: "promoted from the registry" })}>
                          To production
                        </button>
                      ) : null}
                      {canWrite && v.stage !== "archived" ? (
                        <button className="btn small" type="button" disabled={promote.isPending} onClick={() => promote.mutate({ runId: v.runId, stage: "archived", reason: "archived from the registry" })}>
                          Archive
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
      {rollback.error ? <div className="alert error">{rollback.error.message}</div> : null}
      {reg.data && reg.data.audit.length ? (
        <details className="section" open>
          <summary>Stage changes (audit)</summary>
          <table className="data" data-testid="registry-audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Model</th>
                <th>Change</th>
                <th>Who</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {reg.data.audit.slice(0, 20).map((a) => (
                <tr key={a.id}>
                  <td className="muted">{fmtUtc(a.at)}</td>
                  <td>
                    {a.modelName} v{a.version}
                  </td>
                  <td>
                    {a.from} → {a.to}
                  </td>
                  <td>{a.actor ?? "—"}</td>
                  <td>{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
