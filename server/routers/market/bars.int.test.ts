import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { AppError } from "@/lib/errors";
import { db } from "../../db";
import { createCaller } from "../../root";
import { getBars, MAX_BAR_TS_MS, MIN_BAR_TS_MS } from "../../services/bars/get-bars";
import type { Context } from "../../trpc";

let user: SeededUser;
const ctx = (): Context => ({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });

beforeAll(async () => {
  user = await seedUser(db(), { role: "viewer" });
});

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("bar time bounds", () => {
  it("answers BAD_REQUEST (not a 500) for from/to outside 1900…2200", async () => {
    const c = createCaller(ctx());
    for (const range of [{ to: 9e15 }, { from: -9e15 }, { to: 8.64e15 }, { from: MAX_BAR_TS_MS + 1 }, { to: MIN_BAR_TS_MS - 1 }]) {
      await expect(c.market.bars.get({ symbol: "AAPL", timeframe: "1d", ...range })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(c.market.indicators.series({ symbol: "AAPL", timeframe: "1d", to: 9e15, indicators: [{ key: "s", id: "sma" }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("takes the bounds themselves", async () => {
    const c = createCaller(ctx());
    expect(await c.market.bars.get({ symbol: "NOSUCH", timeframe: "1d", from: MIN_BAR_TS_MS, to: MAX_BAR_TS_MS })).toEqual({ bars: [], hasMore: false });
    expect(await c.market.bars.get({ symbol: "NOSUCH", timeframe: "1h", from: MIN_BAR_TS_MS, to: MAX_BAR_TS_MS })).toEqual({ bars: [], hasMore: false });
  });

  it("getBars refuses them too, for callers that do not go through this router", async () => {
    for (const range of [{ to: 9e15 }, { from: -9e15 }, { to: Number.NaN }]) {
      const err = await getBars({ symbol: "AAPL", timeframe: "1d", ...range }).catch((e: unknown) => e);
      expect(AppError.is(err) && err.code).toBe("BAD_REQUEST");
    }
  });
});
