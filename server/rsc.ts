import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, createElement } from "react";
import { makeQueryClient } from "@/components/providers/query-client";
import { appRouter } from "./root";
import { createTRPCContext } from "./trpc";

const createContext = cache(async () => createTRPCContext({ headers: new Headers(await headers()) }));

export const getQueryClient = cache(makeQueryClient);

/** Server-side tRPC options proxy: `await prefetch(trpc.health.get.queryOptions())` then render in <HydrateClient>. */
export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

/** Prefetch a query into this request's client so the page hydrates with data. */
export async function prefetch<T extends { queryKey: readonly unknown[] }>(queryOptions: T): Promise<void> {
  const qc = getQueryClient();
  await qc.prefetchQuery(queryOptions as Parameters<typeof qc.prefetchQuery>[0]);
}

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return createElement(HydrationBoundary, { state: dehydrate(getQueryClient()) }, children);
}

export { auth } from "./auth";
export { getRuntimeInfo } from "./services/system/get-runtime-info";
