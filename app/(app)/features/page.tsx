import { auth, HydrateClient, prefetch, trpc } from "@/server/rsc";
import { FeaturesPanel } from "./_components/features-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Features" };

export default async function FeaturesPage() {
  const session = await auth();
  await prefetch(trpc.features.catalog.queryOptions({ featureSet: "core-v1" }));
  return (
    <HydrateClient>
      <FeaturesPanel canWrite={session?.user.role !== "viewer"} />
    </HydrateClient>
  );
}
