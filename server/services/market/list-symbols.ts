import { db } from "../../db";

export interface ListSymbolsOptions {
  search?: string;
  assetClass?: string;
  includeInactive?: boolean;
  limit: number;
  offset: number;
}

export interface SymbolRow {
  symbol: string;
  name: string | null;
  assetClass: string;
  exchange: string | null;
  sector: string | null;
  provider: string;
  active: boolean;
  lastBarTs: Date | null;
  lastClose: number | null;
  bars1d: number;
  openIssues: number;
  quarantined: number;
}

/** Universe with each symbol's last daily bar and open data-quality issue counts. */
export async function listSymbols(opts: ListSymbolsOptions): Promise<{ rows: SymbolRow[]; total: number }> {
  const sql = db().$client;
  const pattern = opts.search ? `%${opts.search.replace(/[%_\\]/g, "\\$&")}%` : null;
  const where = sql`
    where (${opts.includeInactive ?? false} or s.active)
      and (${pattern}::text is null or s.symbol ilike ${pattern} or s.name ilike ${pattern})
      and (${opts.assetClass ?? null}::text is null or s.asset_class::text = ${opts.assetClass ?? null})`;
  const raw = await sql<(Omit<SymbolRow, "lastBarTs"> & { lastBarMs: number | null })[]>`
    select s.symbol, s.name, s.asset_class as "assetClass", s.exchange, s.sector, s.provider, s.active,
           (extract(epoch from lb.ts) * 1000)::float8 as "lastBarMs", lb.close as "lastClose",
           coalesce(cnt.n, 0)::int as "bars1d",
           coalesce(dq.open, 0)::int as "openIssues", coalesce(dq.quarantined, 0)::int as "quarantined"
    from symbols s
    left join lateral (select b.ts, b.close from bars_1d_all b where b.symbol = s.symbol order by b.ts desc limit 1) lb on true
    left join lateral (select count(*) as n from bars_1d_all b where b.symbol = s.symbol) cnt on true
    left join lateral (
      select count(*) filter (where d.resolved_at is null) as open,
             count(*) filter (where d.resolved_at is null and d.quarantined) as quarantined
      from data_quality_issues d where d.symbol = s.symbol) dq on true
    ${where}
    order by s.symbol
    limit ${opts.limit} offset ${opts.offset}`;
  const rows = raw.map(({ lastBarMs, ...r }) => ({ ...r, lastBarTs: lastBarMs === null ? null : new Date(lastBarMs) }));
  const [count] = await sql<{ total: number }[]>`select count(*)::int as total from symbols s ${where}`;
  return { rows, total: count?.total ?? 0 };
}
