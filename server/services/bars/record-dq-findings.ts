import { sql } from "drizzle-orm";
import { dataQualityIssues } from "@/db/schema";
import type { DqFinding } from "@/lib/quality/check-bars";
import { db } from "../../db";

/**
 * Store quality findings, one row per (symbol, timeframe, ts, rule): a re-detected issue refreshes its
 * values and run, and reopens it only if the offending values changed.
 */
export async function recordDqFindings(opts: { timeframe: string; runId: string | null; findings: (DqFinding & { symbol: string })[] }): Promise<void> {
  for (let i = 0; i < opts.findings.length; i += 1000) {
    const chunk = opts.findings.slice(i, i + 1000);
    await db()
      .insert(dataQualityIssues)
      .values(
        chunk.map((f) => ({
          symbol: f.symbol,
          timeframe: opts.timeframe,
          ts: new Date(f.ts),
          rule: f.rule,
          severity: f.severity,
          quarantined: f.quarantined,
          message: f.message,
          values: f.values,
          runId: opts.runId,
        })),
      )
      .onConflictDoUpdate({
        target: [dataQualityIssues.symbol, dataQualityIssues.timeframe, dataQualityIssues.ts, dataQualityIssues.rule],
        set: {
          values: sql`excluded.values`,
          message: sql`excluded.message`,
          severity: sql`excluded.severity`,
          quarantined: sql`excluded.quarantined`,
          runId: sql`excluded.run_id`,
          detectedAt: sql`now()`,
          resolvedAt: sql`case when ${dataQualityIssues.values} = excluded.values then ${dataQualityIssues.resolvedAt} end`,
        },
      });
  }
}
