import { and, asc, eq, sql } from "drizzle-orm";
import { adjustmentFactors, bars1dAll, corporateActions } from "@/db/schema";
import { adjustmentSteps, inferAdjustmentEvents, type CorporateAction } from "@/lib/bars/adjust";
import { db } from "../../db";
import { bumpDataVersion } from "../bars/data-version";

export interface RefreshAdjustmentsOptions {
  symbol: string;
  /** New actions from a vendor or file (upserted first). */
  actions?: CorporateAction[];
  source?: string;
  /** A vendor's adjusted close for daily bars: used to infer spin-offs and reconcile factors. */
  vendorAdjusted?: { ts: Float64Array; adjClose: Float64Array };
}

async function loadActions(symbol: string): Promise<CorporateAction[]> {
  const rows = await db().select().from(corporateActions).where(eq(corporateActions.symbol, symbol));
  return rows.map((a) => ({ ts: a.ts.getTime(), kind: a.kind, value: a.value }));
}

async function storeActions(symbol: string, actions: CorporateAction[], source: string): Promise<void> {
  for (let i = 0; i < actions.length; i += 1000) {
    await db()
      .insert(corporateActions)
      .values(actions.slice(i, i + 1000).map((a) => ({ symbol, ts: new Date(a.ts), kind: a.kind, value: a.value, source })))
      .onConflictDoUpdate({
        target: [corporateActions.symbol, corporateActions.ts, corporateActions.kind],
        set: { value: sql`excluded.value`, source: sql`excluded.source` },
      });
  }
}

/**
 * Store corporate actions and rebuild the symbol's adjustment step function from all its actions and
 * raw daily closes. With a vendor adjusted series, events the actions miss are inferred and stored
 * with source "inferred" (replacing earlier inferences).
 */
export async function refreshAdjustments(opts: RefreshAdjustmentsOptions): Promise<{ steps: number; inferred: CorporateAction[] }> {
  const { symbol } = opts;
  if (opts.actions?.length) await storeActions(symbol, opts.actions, opts.source ?? "vendor");
  const daily = await db().select({ ts: bars1dAll.ts, close: bars1dAll.close }).from(bars1dAll).where(eq(bars1dAll.symbol, symbol)).orderBy(asc(bars1dAll.ts));
  const ts = Float64Array.from(daily, (d) => d.ts.getTime());
  const close = Float64Array.from(daily, (d) => d.close);
  let inferred: CorporateAction[] = [];
  if (opts.vendorAdjusted && ts.length > 1) {
    await db().delete(corporateActions).where(and(eq(corporateActions.symbol, symbol), eq(corporateActions.source, "inferred")));
    const known = await loadActions(symbol);
    const adjByTs = new Map<number, number>();
    opts.vendorAdjusted.ts.forEach((t, i) => adjByTs.set(t, opts.vendorAdjusted!.adjClose[i]!));
    const idx = Array.from(ts.keys()).filter((i) => adjByTs.has(ts[i]!));
    const its = Float64Array.from(idx, (i) => ts[i]!);
    const ic = Float64Array.from(idx, (i) => close[i]!);
    const ia = Float64Array.from(idx, (i) => adjByTs.get(ts[i]!)!);
    inferred = inferAdjustmentEvents(its, ic, ia, adjustmentSteps(known, its, ic), 0.005, new Set(known.map((a) => a.ts)));
    if (inferred.length) await storeActions(symbol, inferred, "inferred");
  }
  const steps = adjustmentSteps(await loadActions(symbol), ts, close);
  await db().transaction(async (tx) => {
    await tx.delete(adjustmentFactors).where(eq(adjustmentFactors.symbol, symbol));
    if (steps.length) {
      await tx.insert(adjustmentFactors).values(steps.map((s) => ({ symbol, ts: new Date(s.ts), priceFactor: s.priceFactor, volumeFactor: s.volumeFactor })));
    }
  });
  await bumpDataVersion(["adjustments"]);
  return { steps: steps.length, inferred };
}
