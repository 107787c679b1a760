import { desc } from "drizzle-orm";
import { ingestionRuns } from "@/db/schema";
import { db } from "../../db";

export async function listIngestionRuns(opts: { limit: number }) {
  return db().select().from(ingestionRuns).orderBy(desc(ingestionRuns.createdAt)).limit(opts.limit);
}
