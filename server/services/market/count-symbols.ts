import { count } from "drizzle-orm";
import { symbols } from "@/db/schema";
import { db } from "../../db";

export async function countSymbols(): Promise<number> {
  const [row] = await db().select({ n: count() }).from(symbols);
  return row?.n ?? 0;
}
