import { auth, HydrateClient, prefetch, trpc } from "@/server/rsc";
import { DataPanel } from "./_components/data-panel";
import { LivePanel } from "./_components/live-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Market data" };

export default async function DataPage() {
  const session = await auth();
  await Promise.all([
    prefetch(trpc.market.symbols.list.queryOptions({ limit: 100, offset: 0, includeInactive: false })),
    prefetch(trpc.market.ingestion.runs.queryOptions({ limit: 20 })),
  ]);
  return (
    <HydrateClient>
      <DataPanel canWrite={session?.user.role !== "viewer"} />
      <LivePanel canWrite={session?.user.role !== "viewer"} />
    </HydrateClient>
  );
}
