"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";
import { ScanResultsTable } from "@/components/scan-results-table";

export function SharedScanView({ token }: { token: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const shared = useQuery(trpc.scan.shared.get.queryOptions({ token }));
  const copy = useMutation(trpc.scan.shared.copy.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.scan.saved.list.queryKey() }) }));
  const s = shared.data;
  const run = s?.latestRun ?? null;
  if (!s) return <p className="muted">{shared.error ? shared.error.message : "Loading…"}</p>;

  return (
    <div>
      <div className="row">
        <h1 data-testid="shared-scan-name">{s.name}</h1>
        <span className="badge">read-only</span>
        <span className="badge">{s.timeframe}</span>
        <span className="spacer" />
        <span className="muted">
          v{s.version} · shared {fmtUtc(s.sharedAt)}
        </span>
      </div>
      <div className="card grid">
        <pre className="mono" data-testid="shared-scan-text" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
          {s.text}
        </pre>
        <div className="row">
          <button className="btn primary" type="button" disabled={copy.isPending || copy.isSuccess} onClick={() => copy.mutate({ token })}>
            Copy to my scans
          </button>
          {copy.data ? (
            <span className="muted" data-testid="shared-scan-copied">
              Saved as “{copy.data.name}” — open it on the <Link href="/scanner">Scanner</Link>.
            </span>
          ) : null}
        </div>
        {copy.error ? <div className="alert error">{copy.error.message}</div> : null}
      </div>

      <div className="section card">
        {run ? (
          <>
            <div className="row">
              <h2>
                Latest run: {run.matches} match{run.matches === 1 ? "" : "es"} of {run.universe}
              </h2>
              <span className="spacer" />
              <span className="muted">
                as of {run.asOf ? fmtUtc(run.asOf).slice(0, 16) : "—"} · ran {fmtUtc(run.createdAt)}
                {run.scanVersion !== null && run.scanVersion !== s.version ? ` · on v${run.scanVersion}` : ""}
              </span>
            </div>
            <ScanResultsTable results={run.results} testId="shared-scan-results" sortBy={run.sortBy} asOf={run.asOf ? new Date(run.asOf).getTime() : null} />
          </>
        ) : (
          <p className="muted">This scan has not been run yet.</p>
        )}
      </div>
    </div>
  );
}
