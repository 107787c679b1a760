import { and, eq, sql } from "drizzle-orm";
import { symbols } from "@/db/schema";
import type { InstrumentProfile } from "../../providers/types";
import { db } from "../../db";
import { bumpDataVersion } from "../bars/data-version";

/**
 * Complete a symbol's description from what its vendor said alongside the bars: name, exchange and
 * sector only where the universe has none (what a user entered is kept); the price currency is the
 * vendor's when `pricesFrom` is true (the bars stored for the symbol come from that vendor).
 * Returns whether anything changed.
 */
export async function fillSymbolProfile(symbol: string, p: InstrumentProfile, opts: { pricesFrom: boolean }): Promise<boolean> {
  const name = p.name ?? null;
  const exchange = p.exchange ?? null;
  const sector = p.sector ?? null;
  const currency = opts.pricesFrom && p.currency ? p.currency : null;
  const rows = await db()
    .update(symbols)
    .set({
      name: sql`coalesce(${symbols.name}, ${name}::text)`,
      exchange: sql`coalesce(${symbols.exchange}, ${exchange}::text)`,
      sector: sql`coalesce(${symbols.sector}, ${sector}::text)`,
      currency: sql`coalesce(${currency}::text, ${symbols.currency})`,
    })
    .where(
      and(
        eq(symbols.symbol, symbol),
        sql`((${symbols.name} is null and ${name}::text is not null)
          or (${symbols.exchange} is null and ${exchange}::text is not null)
          or (${symbols.sector} is null and ${sector}::text is not null)
          or (${currency}::text is not null and ${symbols.currency} is distinct from ${currency}::text))`,
      ),
    )
    .returning({ symbol: symbols.symbol });
  if (rows.length > 0) await bumpDataVersion(["universe"]);
  return rows.length > 0;
}
