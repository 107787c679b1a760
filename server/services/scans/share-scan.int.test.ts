import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, type SeededUser } from "@/db/seed";
import { db } from "../../db";
import { createCaller } from "../../root";
import type { Context } from "../../trpc";
import { loadBundledData } from "../market/load-bundled-data";

const ctx = (u: SeededUser | null): Context => ({ user: u && { id: u.id, email: u.email, name: u.name, role: u.role }, authVia: u ? "session" : null, ip: "127.0.0.1", resHeaders: new Headers() });
const SYMS = ["AMZN", "GOOGL", "HD", "MCD", "NKE"];
let alice: SeededUser;
let bob: SeededUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([seedUser(db(), { role: "analyst" }), seedUser(db(), { role: "viewer" })]);
  await loadBundledData({ symbols: SYMS });
});

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

describe("read-only share links for saved scans (through the API)", () => {
  it("opens exactly one scan and its latest run for signed-in users, until revoked", async () => {
    const a = createCaller(ctx(alice));
    const b = createCaller(ctx(bob));
    const anon = createCaller(ctx(null));
    const scan = await a.scan.saved.create({ name: "Five above SMA20", text: `universe symbols in (${SYMS.join(", ")}) where close > sma(20)` });
    const other = await a.scan.saved.create({ name: "Private", text: "rsi(14) < 30" });
    await a.scan.run({ scanId: scan.id });
    const latest = await a.scan.run({ scanId: scan.id });

    const { token } = await a.scan.saved.share({ id: scan.id });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await a.scan.saved.share({ id: scan.id })).token).toBe(token); // idempotent
    expect((await a.scan.saved.list()).find((s) => s.id === scan.id)?.shareToken).toBe(token);
    expect((await a.scan.saved.list()).find((s) => s.id === other.id)?.shareToken).toBeNull();

    // Another user (even a viewer) reads it — the text and the latest run only, no ids or owner.
    const shared = await b.scan.shared.get({ token });
    expect(Object.keys(shared).sort()).toEqual(["latestRun", "name", "sharedAt", "text", "timeframe", "version"]);
    expect(shared).toMatchObject({ name: "Five above SMA20", text: scan.text, timeframe: "1d", version: 1 });
    expect(shared.latestRun?.matches).toBe(latest.total);
    expect(shared.latestRun?.sortBy).toBeNull(); // the scan has no sort
    expect(Object.keys(shared.latestRun ?? {})).not.toContain("text");
    expect(shared.latestRun?.results.map((r) => r.symbol)).toEqual(latest.results.map((r) => r.symbol));
    expect(JSON.stringify(shared)).not.toContain(alice.id);
    expect(JSON.stringify(shared)).not.toContain(alice.email);

    // The token gives access to nothing else: not the scan by id, its runs, other scans, or owner actions.
    expect((await b.scan.saved.list()).length).toBe(0);
    expect(await b.scan.runs.list({ scanId: scan.id })).toEqual([]);
    await expect(b.scan.runs.get({ id: latest.runId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.scan.run({ scanId: scan.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.scan.saved.update({ id: scan.id, name: "mine now" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.scan.saved.share({ id: other.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.scan.saved.unshare({ id: scan.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(anon.scan.shared.get({ token })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(b.scan.shared.get({ token: "x".repeat(43) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.scan.shared.get({ token: "../../etc" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    // Copy into one's own scans: an independent scan; the owner's is untouched.
    const copy = await b.scan.shared.copy({ token });
    expect(copy).toMatchObject({ name: "Five above SMA20 (copy)", text: scan.text, version: 1 });
    await b.scan.saved.update({ id: copy.id, text: "close > sma(50)" });
    expect((await b.scan.saved.list()).map((s) => s.id)).toEqual([copy.id]);
    expect((await b.scan.saved.list())[0]?.shareToken).toBeNull();
    expect((await b.scan.shared.get({ token })).text).toBe(scan.text);
    expect((await a.scan.saved.list()).map((s) => s.id).sort()).toEqual([scan.id, other.id].sort());

    // An owner edit shows through the same link.
    await a.scan.saved.update({ id: scan.id, name: "Renamed" });
    expect(await b.scan.shared.get({ token })).toMatchObject({ name: "Renamed", version: 2 });

    // Revoked → not found (get and copy); sharing again makes a new token, the old one stays dead.
    await a.scan.saved.unshare({ id: scan.id });
    await expect(b.scan.shared.get({ token })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.scan.shared.copy({ token })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const again = await a.scan.saved.share({ id: scan.id });
    expect(again.token).not.toBe(token);
    await expect(b.scan.shared.get({ token })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await b.scan.shared.get({ token: again.token })).name).toBe("Renamed");

    // A scan without runs shares with latestRun null; deleting a scan kills its link.
    const fresh = await a.scan.saved.share({ id: other.id });
    expect((await b.scan.shared.get({ token: fresh.token })).latestRun).toBeNull();
    await a.scan.saved.delete({ id: other.id });
    await expect(b.scan.shared.get({ token: fresh.token })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
