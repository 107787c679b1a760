import { eq } from "drizzle-orm";
import { symbols } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { bumpDataVersion } from "../bars/data-version";

/** Deactivate (or re-activate) a symbol; its history is kept. */
export async function setSymbolActive(opts: { actorId: string; symbol: string; active: boolean }) {
  const [row] = await db()
    .update(symbols)
    .set({ active: opts.active, removedAt: opts.active ? null : new Date() })
    .where(eq(symbols.symbol, opts.symbol))
    .returning({ symbol: symbols.symbol, active: symbols.active });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: `Unknown symbol ${opts.symbol}` });
  await bumpDataVersion(["universe"]);
  await recordAudit({ actorId: opts.actorId, action: opts.active ? "symbol.activate" : "symbol.deactivate", target: opts.symbol });
  return row;
}
