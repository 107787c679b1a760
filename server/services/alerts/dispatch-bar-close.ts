import { and, eq, sql } from "drizzle-orm";
import { alertRules, savedScans } from "@/db/schema";
import type { Timeframe } from "@/lib/bars/timeframe";
import { db } from "../../db";
import { QUEUES, jobId } from "../../queues/names";
import { getQueue } from "../../queues/producers";
import { BAR_CLOSE_SCHEDULE } from "./alert-rules";

/**
 * Bars of `timeframe` closed at bucket `ts` (and are stored): queue one evaluation of every active
 * bar-close alert rule whose saved scan runs on that timeframe. The job id names the rule and the bar,
 * so several closes of the same bucket (symbols closing in different builder steps) run it once.
 */
export async function dispatchBarClose(opts: { timeframe: Timeframe; ts: number }): Promise<number> {
  const rules = await db()
    .select({ id: alertRules.id })
    .from(alertRules)
    .innerJoin(savedScans, eq(savedScans.id, alertRules.scanId))
    .where(and(eq(alertRules.active, true), eq(alertRules.schedule, BAR_CLOSE_SCHEDULE), sql`${savedScans.timeframe} = ${opts.timeframe}`));
  if (rules.length === 0) return 0;
  const q = getQueue("runScan");
  await q.addBulk(rules.map((r) => ({ name: QUEUES.runScan.name, data: { ruleId: r.id }, opts: { jobId: jobId("alert-rule-bar", r.id, opts.timeframe, opts.ts) } })));
  return rules.length;
}
