import { HydrateClient, prefetch, trpc } from "@/server/rsc";
import { TokensPanel } from "./_components/tokens-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "API tokens" };

export default async function TokensPage() {
  await prefetch(trpc.tokens.list.queryOptions());
  return (
    <HydrateClient>
      <TokensPanel />
    </HydrateClient>
  );
}
