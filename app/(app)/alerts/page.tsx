import { HydrateClient, prefetch, trpc } from "@/server/rsc";
import { AlertsPanel } from "./_components/alerts-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Alerts" };

export default async function AlertsPage() {
  await Promise.all([prefetch(trpc.alerts.rules.list.queryOptions()), prefetch(trpc.scan.saved.list.queryOptions()), prefetch(trpc.alerts.email.status.queryOptions())]);
  return (
    <HydrateClient>
      <AlertsPanel />
    </HydrateClient>
  );
}
