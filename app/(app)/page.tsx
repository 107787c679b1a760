import { HydrateClient, prefetch, trpc } from "@/server/rsc";
import { WatchlistTile } from "./_components/watchlist-tile";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dashboard" };

export default async function Home() {
  await Promise.all([prefetch(trpc.watchlist.snapshot.queryOptions()), prefetch(trpc.live.status.queryOptions())]);
  return (
    <HydrateClient>
      <h1>Dashboard</h1>
      <div className="grid" style={{ gridTemplateColumns: "minmax(0, 760px)" }}>
        <WatchlistTile />
      </div>
    </HydrateClient>
  );
}
