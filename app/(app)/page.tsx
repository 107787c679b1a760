import { HydrateClient, prefetch, trpc } from "@/server/rsc";
import { AlertsTile, ScanRunsTile } from "./_components/activity-tiles";
import { WatchlistTile } from "./_components/watchlist-tile";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dashboard" };

export default async function Home() {
  await Promise.all([prefetch(trpc.watchlist.snapshot.queryOptions()), prefetch(trpc.live.status.queryOptions())]);
  return (
    <HydrateClient>
      <h1>Dashboard</h1>
      <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(440px, 1fr))", alignItems: "start", maxWidth: 1400 }}>
        <div style={{ gridColumn: "1 / -1" }}>
          <WatchlistTile />
        </div>
        <AlertsTile />
        <ScanRunsTile />
      </div>
    </HydrateClient>
  );
}
