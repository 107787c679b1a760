"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";
import { ScanResultsTable } from "@/components/scan-results-table";
import { ScanEditor } from "./scan-editor";

const DEFAULT_TEXT = "rsi(14) < 40 and close > sma(200) sort by ROC20 desc limit 25";

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function ScannerPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [text, setText] = useState(DEFAULT_TEXT);
  const [name, setName] = useState("");
  const [activeScan, setActiveScan] = useState<string | null>(null);
  const debounced = useDebounced(text, 250);
  const validation = useQuery(trpc.scan.validate.queryOptions({ text: debounced }, { placeholderData: (p) => p }));
  const presets = useQuery(trpc.scan.presets.queryOptions());
  const saved = useQuery(trpc.scan.saved.list.queryOptions());
  const vocab = useQuery(trpc.scan.vocabulary.queryOptions());
  const runs = useQuery(trpc.scan.runs.list.queryOptions({ limit: 10 }));
  const run = useMutation(trpc.scan.run.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.scan.runs.list.queryKey() }) }));
  const save = useMutation(
    trpc.scan.saved.create.mutationOptions({
      onSuccess: (s) => {
        setActiveScan(s.id);
        void qc.invalidateQueries({ queryKey: trpc.scan.saved.list.queryKey() });
      },
    }),
  );
  const remove = useMutation(trpc.scan.saved.delete.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.scan.saved.list.queryKey() }) }));
  const share = useMutation(trpc.scan.saved.share.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.scan.saved.list.queryKey() }) }));
  const unshare = useMutation(trpc.scan.saved.unshare.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.scan.saved.list.queryKey() }) }));
  // The origin is known only in the browser: render the path first (same as the server), then the full URL.
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  const shareUrl = (token: string) => `${origin}/scans/shared/${token}`;

  const vocabulary = useMemo(
    () => ({
      keywords: vocab.data?.keywords ?? [],
      functions: vocab.data?.functions ?? [],
      fields: vocab.data?.fields ?? [],
      indicators: vocab.data?.indicators.map((i) => i.id) ?? [],
      features: vocab.data?.features.map((f) => f.name) ?? [],
      ml: vocab.data?.ml ?? [],
    }),
    [vocab.data],
  );
  const v = validation.data;
  const errAt = v && !v.ok && v.offset !== null ? { offset: v.offset, length: v.length ?? 1 } : null;
  const result = run.data;
  const isNew = useMemo(() => new Set(activeScan ? (result?.newHits ?? []) : []), [result, activeScan]);

  return (
    <div>
      <h1>Scanner</h1>
      <div className="grid" style={{ gridTemplateColumns: "minmax(0, 3fr) minmax(240px, 1fr)" }}>
        <div className="card grid">
          <div className="row">
            <select
              className="input"
              aria-label="Preset"
              value=""
              onChange={(e) => {
                const p = presets.data?.find((x) => x.id === e.target.value);
                if (p) {
                  setText(p.text);
                  setActiveScan(null);
                  setName(p.name);
                }
              }}
            >
              <option value="">Presets…</option>
              {presets.data?.map((p) => (
                <option key={p.id} value={p.id} title={p.description}>
                  {p.name}
                  {p.requiresMl ? " (needs a production model)" : ""}
                </option>
              ))}
            </select>
            <span className="spacer" />
            <span className="muted">Tab completes · all times UTC · adjusted prices</span>
          </div>
          <ScanEditor value={text} onChange={setText} vocabulary={vocabulary} error={errAt} />
          <div data-testid="scan-validation" className={v?.ok ? "muted" : "down"} style={{ minHeight: 18 }}>
            {v ? (v.ok ? `✓ ${v.timeframe} · reads ${v.columns.join(", ")}` : v.message) : "…"}
          </div>
          {v && !v.ok && v.snippet ? (
            <pre className="mono down" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
              {v.snippet}
            </pre>
          ) : null}
          <div className="row">
            <button className="btn primary" type="button" disabled={!v?.ok || run.isPending} onClick={() => run.mutate(activeScan ? { scanId: activeScan } : { text })}>
              {run.isPending ? "Running…" : "Run scan"}
            </button>
            <input className="input" aria-label="Scan name" placeholder="Name to save as" value={name} onChange={(e) => setName(e.target.value)} />
            <button className="btn" type="button" disabled={!v?.ok || !name || save.isPending} onClick={() => save.mutate({ name, text })}>
              Save scan
            </button>
          </div>
          {run.error ? <div className="alert error">{run.error.message}</div> : null}
          {save.error ? <div className="alert error">{save.error.message}</div> : null}
        </div>
        <div className="card">
          <h2>Saved scans</h2>
          {saved.data?.length === 0 ? <p className="muted">None yet. Write a scan or pick a preset, then save it.</p> : null}
          <ul style={{ listStyle: "none", padding: 0, margin: 0 }} data-testid="saved-scans">
            {saved.data?.map((s) => (
              <li key={s.id} style={{ padding: "4px 0", borderBottom: "1px solid var(--border)" }}>
                {/* One line per scan (a long name is cut, the actions stay beside it); the share link goes below. */}
                <div className="row" style={{ flexWrap: "nowrap" }}>
                  <button
                    type="button"
                    className="btn small"
                    title={s.name}
                    style={{ minWidth: 0, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}
                    aria-pressed={activeScan === s.id}
                    onClick={() => {
                      setText(s.text);
                      setName(s.name);
                      setActiveScan(s.id);
                    }}
                  >
                    {s.name}
                  </button>
                  <span className="muted">v{s.version}</span>
                  <span className="spacer" />
                  {s.shareToken ? (
                    <button type="button" className="btn small" aria-label={`Stop sharing ${s.name}`} title="Revoke the read-only link" onClick={() => unshare.mutate({ id: s.id })}>
                      Unshare
                    </button>
                  ) : (
                    <button type="button" className="btn small" aria-label={`Share ${s.name}`} title="Create a read-only link for signed-in users" onClick={() => share.mutate({ id: s.id })}>
                      Share
                    </button>
                  )}
                  <button type="button" className="btn small danger" aria-label={`Delete ${s.name}`} onClick={() => remove.mutate({ id: s.id })}>
                    ×
                  </button>
                </div>
                {s.shareToken ? (
                  <input
                    className="input mono"
                    readOnly
                    aria-label={`Share link for ${s.name}`}
                    value={shareUrl(s.shareToken)}
                    onFocus={(e) => e.currentTarget.select()}
                    style={{ width: "100%", fontSize: 11, marginTop: 4 }}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      </div>

      {result ? (
        <div className="section card">
          <div className="row">
            <h2>
              {result.total} match{result.total === 1 ? "" : "es"} of {result.universe}
            </h2>
            <span className="spacer" />
            <span className="muted" data-testid="scan-meta">
              as of {result.asOf ? fmtUtc(result.asOf).slice(0, 16) : "—"} · {result.durationMs} ms ({result.source}) · {activeScan ? `${result.newHits.length} new since last run` : "ad-hoc run"}
            </span>
          </div>
          <ScanResultsTable results={result.results} testId="scan-results" sortable newHits={isNew} sortBy={result.sortBy} asOf={result.asOf} />
        </div>
      ) : null}

      <div className="section card">
        <h2>Recent runs</h2>
        <table className="data" data-testid="scan-runs">
          <thead>
            <tr>
              <th>When</th>
              <th>Scan</th>
              <th className="num">Matches</th>
              <th className="num">New</th>
              <th className="num">ms</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.map((r) => (
              <tr key={r.id}>
                <td>{fmtUtc(r.createdAt)}</td>
                <td className="mono" style={{ maxWidth: 520, overflow: "hidden", textOverflow: "ellipsis" }} title={r.text}>
                  {r.text}
                </td>
                <td className="num">
                  {r.matches}/{r.universe}
                </td>
                <td className="num">{r.scanId ? r.newHits.length : "—"}</td>
                <td className="num">{r.durationMs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
