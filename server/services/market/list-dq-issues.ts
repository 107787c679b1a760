import { and, desc, eq, isNull, isNotNull, type SQL } from "drizzle-orm";
import { dataQualityIssues } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";

export async function listDqIssues(opts: { symbol?: string; rule?: string; status: "open" | "resolved" | "all"; limit: number }) {
  const conds: SQL[] = [];
  if (opts.symbol) conds.push(eq(dataQualityIssues.symbol, opts.symbol));
  if (opts.rule) conds.push(eq(dataQualityIssues.rule, opts.rule));
  if (opts.status === "open") conds.push(isNull(dataQualityIssues.resolvedAt));
  if (opts.status === "resolved") conds.push(isNotNull(dataQualityIssues.resolvedAt));
  return db()
    .select()
    .from(dataQualityIssues)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(dataQualityIssues.detectedAt), desc(dataQualityIssues.ts))
    .limit(opts.limit);
}

export async function resolveDqIssue(opts: { id: string; userId: string; resolution: string }) {
  const [row] = await db()
    .update(dataQualityIssues)
    .set({ resolvedAt: new Date(), resolvedBy: opts.userId, resolution: opts.resolution })
    .where(and(eq(dataQualityIssues.id, opts.id), isNull(dataQualityIssues.resolvedAt)))
    .returning({ id: dataQualityIssues.id, resolvedAt: dataQualityIssues.resolvedAt });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "Issue not found or already resolved" });
  return row;
}
