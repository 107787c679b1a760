import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { db } from "../../db";
import { appRouter } from "../../root";
import { closeBarFeedHub } from "../../services/live/bar-feed";
import { upsertSymbols } from "../../services/market/upsert-symbols";
import type { Context } from "../../trpc";

let user: SeededUser;

/** bars.live over the real HTTP handler (SSE), as httpSubscriptionLink calls it; the whole body once the stream ends or `ms` pass. */
async function sse(input: Record<string, unknown>, ms = 1_500): Promise<{ status: number; events: { event: string; data: unknown }[] }> {
  const ac = new AbortController();
  const url = `http://localhost/api/trpc/bars.live?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(url, { signal: ac.signal }),
    router: appRouter,
    createContext: (): Context => ({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() }),
  });
  const timer = setTimeout(() => ac.abort(), ms);
  let text = "";
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // aborted after `ms`: keep what arrived
  } finally {
    clearTimeout(timer);
  }
  const events = text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? "message";
      const data = block
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      return { event, data: superjson.deserialize(JSON.parse(data) as Parameters<typeof superjson.deserialize>[0]) };
    });
  return { status: res.status, events };
}

beforeAll(async () => {
  user = await seedUser(db(), { role: "viewer" });
  await upsertSymbols([{ symbol: "ROUTERLIVE1", name: "router live test", assetClass: "crypto" as const, provider: "binance" }]);
});

afterAll(async () => {
  await closeBarFeedHub();
  await db().$client.end({ timeout: 2 });
});

describe("bars.live over SSE", () => {
  it("an unknown symbol ends the stream with NOT_FOUND (not the retryable INTERNAL_SERVER_ERROR)", async () => {
    const { events } = await sse({ symbol: "NOPE404", timeframe: "1m" });
    const err = events.find((e) => e.event === "serialized-error");
    expect(err?.data).toMatchObject({ code: -32004, message: "NOPE404 is not in the universe", data: { code: "NOT_FOUND", appCode: "NOT_FOUND" } });
    expect(events.some((e) => e.event === "message" || e.event === "")).toBe(false);
  });

  it("a known symbol streams its snapshot", async () => {
    const { events } = await sse({ symbol: "ROUTERLIVE1", timeframe: "1m" }, 800);
    expect(events.find((e) => e.event === "serialized-error")).toBeUndefined();
    expect(JSON.stringify(events)).toContain('"kind":"snapshot"');
  });
});
