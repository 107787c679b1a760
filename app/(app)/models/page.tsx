import { auth, HydrateClient, prefetch, trpc } from "@/server/rsc";
import { ModelsPanel } from "./_components/models-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Models" };

export default async function ModelsPage() {
  const session = await auth();
  await Promise.all([
    prefetch(trpc.models.runs.list.queryOptions({ limit: 50 })),
    prefetch(trpc.models.registry.list.queryOptions()),
    prefetch(trpc.models.datasets.list.queryOptions({ limit: 50 })),
  ]);
  return (
    <HydrateClient>
      <ModelsPanel canWrite={session?.user.role !== "viewer"} />
    </HydrateClient>
  );
}
