import { auth, HydrateClient, prefetch, trpc } from "@/server/rsc";
import { SystemPanel } from "./_components/system-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "System" };

export default async function SystemPage() {
  const session = await auth();
  await prefetch(trpc.health.get.queryOptions());
  return (
    <HydrateClient>
      <SystemPanel isAdmin={session?.user.role === "admin"} />
    </HydrateClient>
  );
}
