import { and, desc, eq, sql } from "drizzle-orm";
import { alertRules, savedScans, scanRuns } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { formatScan, parseScan } from "@/lib/scan";
import { db } from "../../db";
import { removeAlertRuleSchedules } from "../alerts/alert-rules";

/** A user's saved scans, newest first (never another user's). */
export async function listSavedScans({ userId }: { userId: string }) {
  return db()
    .select({ id: savedScans.id, name: savedScans.name, text: savedScans.text, timeframe: savedScans.timeframe, version: savedScans.version, updatedAt: savedScans.updatedAt, shareToken: savedScans.shareToken })
    .from(savedScans)
    .where(eq(savedScans.userId, userId))
    .orderBy(desc(savedScans.updatedAt));
}

export async function createSavedScan({ userId, name, text }: { userId: string; name: string; text: string }) {
  const ast = parseScan(text);
  const [row] = await db()
    .insert(savedScans)
    .values({ userId, name, text: formatScan(ast), ast, timeframe: ast.timeframe })
    .returning({ id: savedScans.id, name: savedScans.name, text: savedScans.text, version: savedScans.version });
  return row!;
}

export async function updateSavedScan({ userId, id, name, text }: { userId: string; id: string; name?: string; text?: string }) {
  const ast = text !== undefined ? parseScan(text) : undefined;
  const [row] = await db()
    .update(savedScans)
    .set({
      ...(name !== undefined ? { name } : {}),
      ...(ast ? { text: formatScan(ast), ast, timeframe: ast.timeframe } : {}),
      version: sql`${savedScans.version} + 1`,
    })
    .where(and(eq(savedScans.id, id), eq(savedScans.userId, userId)))
    .returning({ id: savedScans.id, name: savedScans.name, text: savedScans.text, version: savedScans.version });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "Scan not found" });
  return row;
}

/**
 * Delete a saved scan. Its alert rules go with it (foreign-key cascade), and so do their BullMQ job
 * schedulers, removed before the delete commits: a Redis failure keeps scan, rules and schedules as they were.
 */
export async function deleteSavedScan({ userId, id }: { userId: string; id: string }) {
  return db().transaction(async (tx) => {
    // Locking the scan first holds off a rule being added to it meanwhile (its foreign key waits for us).
    const [scan] = await tx.select({ id: savedScans.id }).from(savedScans).where(and(eq(savedScans.id, id), eq(savedScans.userId, userId))).for("update");
    if (!scan) throw new AppError("NOT_FOUND", { userMessage: "Scan not found" });
    const rules = await tx.select({ id: alertRules.id }).from(alertRules).where(eq(alertRules.scanId, id));
    await tx.delete(savedScans).where(eq(savedScans.id, id));
    await removeAlertRuleSchedules(rules.map((r) => r.id));
    return { id };
  });
}

/** The user's recent runs (optionally of one saved scan), without the full results. */
export async function listScanRuns({ userId, scanId, limit }: { userId: string; scanId?: string; limit: number }) {
  return db()
    .select({
      id: scanRuns.id,
      scanId: scanRuns.scanId,
      scanVersion: scanRuns.scanVersion,
      text: scanRuns.text,
      timeframe: scanRuns.timeframe,
      asOf: scanRuns.asOf,
      universe: scanRuns.universe,
      matches: scanRuns.matches,
      durationMs: scanRuns.durationMs,
      source: scanRuns.source,
      newHits: scanRuns.newHits,
      createdAt: scanRuns.createdAt,
    })
    .from(scanRuns)
    .where(scanId ? and(eq(scanRuns.userId, userId), eq(scanRuns.scanId, scanId)) : eq(scanRuns.userId, userId))
    .orderBy(desc(scanRuns.createdAt))
    .limit(limit);
}

export async function getScanRun({ userId, id }: { userId: string; id: string }) {
  const [row] = await db().select().from(scanRuns).where(and(eq(scanRuns.id, id), eq(scanRuns.userId, userId)));
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "Run not found" });
  return row;
}
