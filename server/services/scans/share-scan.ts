import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { savedScans, scanRuns } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { formatSort, parseScan } from "@/lib/scan";
import { db } from "../../db";
import { createSavedScan } from "./saved-scans";

/** 256 random bits, base64url (43 characters): the whole credential of a read-only share link. */
export const newShareToken = () => randomBytes(32).toString("base64url");

const notFound = () => new AppError("NOT_FOUND", { userMessage: "Shared scan not found" });

/** Share one of the caller's saved scans read-only by link: returns its token (the existing one if already shared). */
export async function createShareLink({ userId, id }: { userId: string; id: string }) {
  const [row] = await db()
    .update(savedScans)
    .set({ shareToken: newShareToken(), sharedAt: new Date() })
    .where(and(eq(savedScans.id, id), eq(savedScans.userId, userId), isNull(savedScans.shareToken)))
    .returning({ token: savedScans.shareToken, sharedAt: savedScans.sharedAt });
  if (row) return { token: row.token!, sharedAt: row.sharedAt! };
  const [existing] = await db()
    .select({ token: savedScans.shareToken, sharedAt: savedScans.sharedAt })
    .from(savedScans)
    .where(and(eq(savedScans.id, id), eq(savedScans.userId, userId)));
  if (!existing?.token) throw new AppError("NOT_FOUND", { userMessage: "Scan not found" });
  return { token: existing.token, sharedAt: existing.sharedAt! };
}

/** Revoke the link: the old token opens nothing any more (sharing again makes a new one). */
export async function revokeShareLink({ userId, id }: { userId: string; id: string }) {
  const [row] = await db()
    .update(savedScans)
    .set({ shareToken: null, sharedAt: null })
    .where(and(eq(savedScans.id, id), eq(savedScans.userId, userId)))
    .returning({ id: savedScans.id });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "Scan not found" });
  return row;
}

/** A stored run's sort label; null if it has none or its text no longer parses (stored under an older grammar). */
function sortOfRunText(text: string): string | null {
  try {
    return formatSort(parseScan(text));
  } catch {
    return null;
  }
}

function latestRunView<R extends { text: string }>({ text, ...run }: R) {
  return { ...run, sortBy: sortOfRunText(text) };
}

/**
 * What a share token opens, for any signed-in user: the scan's text and its owner's latest run of it,
 * read-only. No ids, owner or other runs: the token gives access to nothing else.
 */
export async function getSharedScan({ token }: { token: string }) {
  const [scan] = await db()
    .select({ id: savedScans.id, userId: savedScans.userId, name: savedScans.name, text: savedScans.text, timeframe: savedScans.timeframe, version: savedScans.version, sharedAt: savedScans.sharedAt })
    .from(savedScans)
    .where(eq(savedScans.shareToken, token));
  if (!scan) throw notFound();
  const [run] = await db()
    .select({
      scanVersion: scanRuns.scanVersion,
      asOf: scanRuns.asOf,
      universe: scanRuns.universe,
      matches: scanRuns.matches,
      durationMs: scanRuns.durationMs,
      results: scanRuns.results,
      text: scanRuns.text,
      createdAt: scanRuns.createdAt,
    })
    .from(scanRuns)
    .where(and(eq(scanRuns.scanId, scan.id), eq(scanRuns.userId, scan.userId)))
    .orderBy(desc(scanRuns.createdAt))
    .limit(1);
  // The run's own text (it may predate the scan's current version) labels its sort-key column.
  const latestRun = run ? latestRunView(run) : null;
  return { name: scan.name, text: scan.text, timeframe: scan.timeframe, version: scan.version, sharedAt: scan.sharedAt!, latestRun };
}

/** Copy a shared scan into the caller's own saved scans (a new, independent scan). */
export async function copySharedScan({ userId, token, name }: { userId: string; token: string; name?: string }) {
  const shared = await getSharedScan({ token });
  return createSavedScan({ userId, name: name ?? `${shared.name} (copy)`.slice(0, 120), text: shared.text });
}
