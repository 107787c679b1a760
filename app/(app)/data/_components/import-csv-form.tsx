"use client";

import { useState } from "react";
import { DETECT_SAMPLE_BYTES, detectCsvFormat, symbolFromFileName, type CsvFormatDetection } from "@/lib/csv/detect";

const ZONES = ["UTC", "America/New_York", "America/Chicago", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Asia/Hong_Kong", "Australia/Sydney"];
const TIMEFRAMES = ["auto", "1m", "5m", "15m", "1h", "4h", "1d"] as const;

interface ImportResult {
  runId: string;
  status: string;
  rows: number;
  stored: number;
  quarantined: number;
  rejected: number;
  rejectedSample: { line: number; reason: string }[];
  symbols: string[];
  timeframe: string | null;
}

/** Upload a CSV of bars: detection runs in the browser on the first 64 KB, the file streams to the server. */
export function ImportCsvForm({ onDone }: { onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [det, setDet] = useState<CsvFormatDetection | null>(null);
  const [timezone, setTimezone] = useState("UTC");
  const [timeframe, setTimeframe] = useState<(typeof TIMEFRAMES)[number]>("auto");
  const [symbol, setSymbol] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  async function pick(f: File | null) {
    setFile(f);
    setResult(null);
    setError(null);
    if (!f) return setDet(null);
    const sample = await f.slice(0, DETECT_SAMPLE_BYTES).text();
    const guess = symbolFromFileName(f.name) ?? "";
    setSymbol(guess);
    setDet(detectCsvFormat(sample, { timezone, fallbackSymbol: guess || undefined }));
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!file || !det?.options) return;
    const options = {
      ...det.options,
      timezone,
      timeframe,
      ...(det.mapping.symbol && "column" in det.mapping.symbol ? {} : { mapping: { ...det.options.mapping, symbol: { value: symbol } } }),
    };
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/import?fileName=${encodeURIComponent(file.name)}&options=${encodeURIComponent(JSON.stringify(options))}`, {
        method: "POST",
        body: file,
        headers: { "content-type": "text/csv" },
      });
      const json = (await res.json()) as ImportResult | { error: { message: string } };
      if (!res.ok || "error" in json) setError("error" in json ? json.error.message : `HTTP ${res.status}`);
      else {
        setResult(json);
        onDone();
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const symbolFromColumn = det?.mapping.symbol && "column" in det.mapping.symbol;
  return (
    <form className="card grid" onSubmit={submit}>
      <h2>Import CSV</h2>
      <input type="file" accept=".csv,.txt,.tsv,text/csv" aria-label="CSV file" onChange={(e) => void pick(e.target.files?.[0] ?? null)} />
      {det ? (
        <div className="grid" data-testid="csv-detection">
          <div className="mono muted" style={{ whiteSpace: "normal" }}>
            {det.delimiter === "\t" ? "tab" : `"${det.delimiter}"`}-separated · {det.hasHeader ? "header" : "no header"} · {det.columnCount} columns · timestamps {det.timestampFormat ?? "?"}
            {det.timestampZoned ? " (zoned)" : ""} · detected {det.timeframe ?? "?"} · mapping{" "}
            {Object.entries(det.mapping)
              .map(([k, v]) => `${k}←${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
              .join(", ")}
          </div>
          {det.missing.length ? <div className="alert error">Missing required columns: {det.missing.join(", ")}</div> : null}
          {det.warnings.map((w) => (
            <div key={w} className="warn">
              {w}
            </div>
          ))}
          <div className="row">
            {!symbolFromColumn ? (
              <label className="field">
                Symbol
                <input className="input" aria-label="Import symbol" value={symbol} onChange={(e) => setSymbol(e.target.value.toUpperCase())} required />
              </label>
            ) : (
              <span className="muted">Symbols from column; sample: {det.symbols.slice(0, 5).join(", ")}</span>
            )}
            <label className="field">
              Time zone of timestamps
              <select className="input" aria-label="Import time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
                {ZONES.map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            </label>
            <label className="field">
              Timeframe
              <select className="input" aria-label="Import timeframe" value={timeframe} onChange={(e) => setTimeframe(e.target.value as typeof timeframe)}>
                {TIMEFRAMES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <button className="btn primary" type="submit" disabled={busy || !det.options || (!symbolFromColumn && !symbol)} style={{ alignSelf: "flex-end" }}>
              {busy ? "Importing…" : "Import"}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <div className="alert error" role="alert">
          {error}
        </div>
      ) : null}
      {result ? (
        <div className={`alert ${result.rejected ? "" : "success"}`} data-testid="import-result">
          {result.status}: {result.rows} rows for {result.symbols.join(", ")} ({result.timeframe}) · {result.stored} stored or changed · {result.quarantined} quarantined ·{" "}
          {result.rejected} rejected
          {result.rejectedSample.length ? (
            <ul className="mono" style={{ margin: "6px 0 0", paddingLeft: 18 }}>
              {result.rejectedSample.slice(0, 8).map((r) => (
                <li key={r.line}>
                  line {r.line}: {r.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
