import { z } from "zod";
import { ASSET_CLASSES } from "@/db/schema";
import { SYMBOL_CODE_HINT, SYMBOL_CODE_RE } from "@/lib/bars/symbol";
import { listSymbols } from "../../services/market/list-symbols";
import { setSymbolActive } from "../../services/market/set-symbol-active";
import { upsertSymbols } from "../../services/market/upsert-symbols";
import { analystProcedure, authedProcedure, router } from "../../trpc";

export const ZSymbolCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(SYMBOL_CODE_RE, SYMBOL_CODE_HINT);

export const ZProviderId = z.enum(["yahoo", "binance", "alpaca", "polygon", "sim", "bundled"]);

const ZSymbolRow = z.object({
  symbol: z.string(),
  name: z.string().nullable(),
  assetClass: z.string(),
  exchange: z.string().nullable(),
  sector: z.string().nullable(),
  provider: z.string(),
  active: z.boolean(),
  lastBarTs: z.date().nullable(),
  lastClose: z.number().nullable(),
  bars1d: z.number(),
  openIssues: z.number(),
  quarantined: z.number(),
});

export const ZAddSymbolsInput = z.object({
  symbols: z
    .array(
      z.object({
        symbol: ZSymbolCode,
        name: z.string().trim().max(200).optional(),
        assetClass: z.enum(ASSET_CLASSES).default("stock"),
        exchange: z.string().trim().max(40).optional(),
        sector: z.string().trim().max(80).optional(),
        provider: ZProviderId.default("yahoo"),
        vendorSymbol: z.string().trim().max(40).optional(),
      }),
    )
    .min(1)
    .max(500),
});

export const symbolsRouter = router({
  list: authedProcedure
    .input(
      z.object({
        search: z.string().trim().max(50).optional(),
        assetClass: z.enum(ASSET_CLASSES).optional(),
        includeInactive: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      }),
    )
    .output(z.object({ rows: z.array(ZSymbolRow), total: z.number() }))
    .query(({ input }) => listSymbols(input)),
  add: analystProcedure
    .input(ZAddSymbolsInput)
    .output(z.object({ added: z.number() }))
    .mutation(async ({ input }) => ({
      added: await upsertSymbols(
        input.symbols.map((s) => ({
          symbol: s.symbol,
          name: s.name ?? null,
          assetClass: s.assetClass,
          exchange: s.exchange ?? null,
          sector: s.sector ?? null,
          provider: s.provider,
          providerIds: s.vendorSymbol ? { [s.provider]: s.vendorSymbol } : {},
        })),
      ),
    })),
  setActive: analystProcedure
    .input(z.object({ symbol: ZSymbolCode, active: z.boolean() }))
    .output(z.object({ symbol: z.string(), active: z.boolean() }))
    .mutation(({ ctx, input }) => setSymbolActive({ actorId: ctx.user.id, ...input })),
});
