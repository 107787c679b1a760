import { notFound } from "next/navigation";
import { HydrateClient, prefetch, trpc } from "@/server/rsc";
import { SymbolView } from "./_components/symbol-view";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ symbol: string }> }) {
  return { title: decodeURIComponent((await params).symbol).toUpperCase() };
}

export default async function SymbolPage({ params }: { params: Promise<{ symbol: string }> }) {
  const symbol = decodeURIComponent((await params).symbol).toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9.\-=^]{0,19}$/.test(symbol)) notFound();
  await prefetch(trpc.market.symbols.list.queryOptions({ search: symbol, limit: 5, offset: 0, includeInactive: true }));
  return (
    <HydrateClient>
      <SymbolView symbol={symbol} />
    </HydrateClient>
  );
}
