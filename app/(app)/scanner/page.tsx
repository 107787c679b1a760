import { HydrateClient, prefetch, trpc } from "@/server/rsc";
import { ScannerPanel } from "./_components/scanner-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Scanner" };

export default async function ScannerPage() {
  await Promise.all([prefetch(trpc.scan.presets.queryOptions()), prefetch(trpc.scan.saved.list.queryOptions()), prefetch(trpc.scan.vocabulary.queryOptions())]);
  return (
    <HydrateClient>
      <ScannerPanel />
    </HydrateClient>
  );
}
