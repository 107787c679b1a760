import { notFound } from "next/navigation";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";
import { SharedScanView } from "./_components/shared-scan-view";

export const dynamic = "force-dynamic";
export const metadata = { title: "Shared scan" };

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** A saved scan shared read-only by link (signed-in users only: the (app) layout requires a session). */
export default async function SharedScanPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!TOKEN_RE.test(token)) notFound();
  try {
    await getQueryClient().fetchQuery(trpc.scan.shared.get.queryOptions({ token }));
  } catch (err) {
    // Unknown or revoked token: a plain 404, whoever asks.
    if ((err as { code?: string }).code === "NOT_FOUND") notFound();
    throw err;
  }
  return (
    <HydrateClient>
      <SharedScanView token={token} />
    </HydrateClient>
  );
}
