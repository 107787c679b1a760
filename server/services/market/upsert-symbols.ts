import { sql } from "drizzle-orm";
import { symbols, type AssetClass } from "@/db/schema";
import { db } from "../../db";
import { bumpDataVersion } from "../bars/data-version";

export interface SymbolInput {
  symbol: string;
  name?: string | null;
  assetClass?: AssetClass;
  exchange?: string | null;
  currency?: string;
  sector?: string | null;
  industry?: string | null;
  provider?: string;
  providerIds?: Record<string, string>;
}

/** Insert or update universe rows (re-activating a removed symbol). */
export async function upsertSymbols(rows: SymbolInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await db()
    .insert(symbols)
    .values(rows.map((r) => ({ ...r, symbol: r.symbol.toUpperCase(), active: true })))
    .onConflictDoUpdate({
      target: symbols.symbol,
      set: {
        name: sql`coalesce(excluded.name, ${symbols.name})`,
        assetClass: sql`excluded.asset_class`,
        exchange: sql`coalesce(excluded.exchange, ${symbols.exchange})`,
        sector: sql`coalesce(excluded.sector, ${symbols.sector})`,
        industry: sql`coalesce(excluded.industry, ${symbols.industry})`,
        provider: sql`excluded.provider`,
        providerIds: sql`${symbols.providerIds} || excluded.provider_ids`,
        active: true,
        removedAt: null,
      },
    })
    .returning({ symbol: symbols.symbol });
  await bumpDataVersion(["universe"]);
  return res.length;
}
