import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { db } from "../db";
import { getQueue } from "../queues/producers";
import { createCaller } from "../root";
import { upsertSymbols } from "../services/market/upsert-symbols";
import type { Context } from "../trpc";

const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
let analyst: SeededUser;
let viewer: SeededUser;
// Symbols no other integration test file uses (files share one database); no bars needed here.
const SYMS = ["MODRA", "MODRB", "MODRC"];
const spec = { universe: SYMS, timeframe: "1d" as const, from: "2015-01-01", to: "2020-01-01", featureSet: "core-v1", label: { kind: "forward_return" as const, horizon: 5 }, window: 1 };

beforeAll(async () => {
  [analyst, viewer] = await Promise.all([seedUser(db(), { role: "analyst" }), seedUser(db(), { role: "viewer" })]);
  await upsertSymbols(SYMS.map((symbol) => ({ symbol, assetClass: "stock" as const, provider: "bundled" })));
});

afterAll(async () => {
  await getQueue("trainModel").obliterate({ force: true });
  await db().$client.end({ timeout: 2 });
});

describe("models API", () => {
  it("validates input, enforces roles, and lists runs with zod-checked output", async () => {
    const a = createCaller(ctx(analyst));
    const v = createCaller(ctx(viewer));
    await expect(v.models.datasets.create({ name: "x", spec })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(a.models.datasets.create({ name: "x", spec: { ...spec, from: "2021-01-01" } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(a.models.datasets.create({ name: "x", spec: { ...spec, universe: ["NOPE9"] } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const ds = await a.models.datasets.create({ name: "router", spec });
    expect((await v.models.datasets.list({})).map((d) => d.id)).toContain(ds.id);

    await expect(v.models.runs.start({ modelName: "r", datasetSpecId: ds.id, config: { model: { kind: "ridge" } } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(a.models.runs.start({ modelName: "Bad Name", datasetSpecId: ds.id, config: { model: { kind: "ridge" } } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(a.models.runs.start({ modelName: "r", datasetSpecId: ds.id, config: { model: { kind: "lstm" } } })).rejects.toMatchObject({ code: "BAD_REQUEST" }); // window 1
    const { runId } = await a.models.runs.start({ modelName: "router-r", datasetSpecId: ds.id, config: { model: { kind: "mlp", hidden: [8] }, train: { epochs: 2 } } });
    const list = await v.models.runs.list({ limit: 200 });
    expect(list.find((r) => r.id === runId)).toMatchObject({ status: "queued", kind: "mlp", dataset: { symbols: 3, label: "forward_return:5" } });
    expect(await v.models.runs.get({ id: runId })).toMatchObject({ id: runId, curves: [], fullMetrics: null });
    await expect(v.models.runs.compare({ ids: [runId] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(v.models.runs.cancel({ runId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await a.models.runs.cancel({ runId })).toEqual({ status: "cancelled" });

    await expect(a.models.registry.promote({ runId, stage: "production", reason: "nope" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(a.models.registry.rollback({ modelName: "router-r", reason: "nothing" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await v.models.predictions.forSymbol({ symbol: "MODRA" })).toMatchObject({ points: [] });
  });
});
