import { asc } from "drizzle-orm";
import { providerState } from "@/db/schema";
import { db } from "../../db";

export async function listProviderStates() {
  return db().select().from(providerState).orderBy(asc(providerState.provider));
}
