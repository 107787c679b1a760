import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { db } from "../../db";
import { createCaller } from "../../root";
import type { Context } from "../../trpc";

const ctx = (u: SeededUser): Context => ({ user: { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: "session", ip: "127.0.0.1", resHeaders: new Headers() });
let viewer: SeededUser;
let analyst: SeededUser;
let admin: SeededUser;

beforeAll(async () => {
  [viewer, analyst, admin] = await Promise.all([seedUser(db(), { role: "viewer" }), seedUser(db(), { role: "analyst" }), seedUser(db(), { role: "admin" })]);
});

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("role checks on job data and heavy model calls", () => {
  it("system.failedJobs (other users' job data and errors) is for admins only", async () => {
    for (const u of [viewer, analyst]) {
      await expect(createCaller(ctx(u)).system.failedJobs({ queue: "run-scan" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(Array.isArray(await createCaller(ctx(admin)).system.failedJobs({ queue: "run-scan" }))).toBe(true);
  });

  it("models.predictions.predictNow needs an analyst", async () => {
    await expect(createCaller(ctx(viewer)).models.predictions.predictNow({ symbols: ["AAPL"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
