import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/import/route";
import { seedUser } from "@/db/seed";
import { db } from "../../db";
import { createApiToken } from "../tokens/create-api-token";

// Read by serverEnv() on first use (nothing here has called it yet).
const LIMIT = 256 * 1024;
process.env.IMPORT_MAX_BYTES = String(LIMIT);

const HEADER = "date,symbol,open,high,low,close,volume\n";
let token = "";

beforeAll(async () => {
  const user = await seedUser(db(), { role: "analyst" });
  token = (await createApiToken({ userId: user.id, name: "upload test" })).token;
});

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

const OPTIONS = JSON.stringify({ mapping: { timestamp: "date", open: "open", high: "high", low: "low", close: "close", volume: "volume", symbol: { column: "symbol" } }, timeframe: "1d" });

async function upload(body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  const url = `http://localhost/api/import?fileName=up.csv&options=${encodeURIComponent(OPTIONS)}`;
  const req = new Request(url, { method: "POST", body, headers: { authorization: `Bearer ${token}`, ...headers }, duplex: "half" } as RequestInit);
  return await POST(req, undefined);
}

/** A streamed body (no Content-Length): `pieces` pieces of `piece`, counting what was pulled. */
function streamBody(first: string, piece: string, pieces: number, pulled: { bytes: number }): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = -1;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (i >= pieces) return ctrl.close();
      const chunk = enc.encode(i++ < 0 ? first : piece);
      pulled.bytes += chunk.byteLength;
      ctrl.enqueue(chunk);
    },
  });
}

const runCount = async () => Number((await db().$client`select count(*)::int as n from ingestion_runs`)[0]!.n);

describe("POST /api/import limits", () => {
  it("refuses a Content-Length over IMPORT_MAX_BYTES with 413 before reading anything", async () => {
    const before = await runCount();
    const pulled = { bytes: 0 };
    const res = await upload(streamBody(HEADER, "x".repeat(1024), 10, pulled), { "content-length": String(LIMIT + 1) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining("IMPORT_MAX_BYTES") } });
    expect(await runCount()).toBe(before);
  });

  it("cuts a streamed body off with 413 once it passes the cap, without reading the rest", async () => {
    const rows: string[] = [];
    for (let d = 0; d < 40; d++) rows.push(`${new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)},BIGUP,1,2,0.5,1.5,100\n`);
    const piece = rows.join(""); // ~1.4 KB of valid rows
    const pulled = { bytes: 0 };
    const res = await upload(streamBody(HEADER, piece, 100_000, pulled));
    expect(res.status).toBe(413);
    expect(pulled.bytes).toBeLessThan(LIMIT + 256 * 1024);
    const [run] = await db().$client`select status, error from ingestion_runs where provider = 'csv' order by created_at desc limit 1`;
    expect(run).toMatchObject({ status: "failed", error: expect.stringContaining("IMPORT_MAX_BYTES") });
  });

  it("answers 422 for a line longer than the parser's record limit", async () => {
    const res = await upload(`${HEADER}2020-01-01,AAA,${"9".repeat(100_000)}`, {});
    expect(res.status).toBe(422);
    expect((await res.json()).error.message).toMatch(/line 2 is longer than 65536 characters/);
  });

  it("imports a file within the limits, rejecting rows whose symbol breaks the symbol rule", async () => {
    const body = `${HEADER}2020-01-02,OKUP,1,2,0.5,1.5,100\n2020-01-02,<IMG SRC=X ONERROR=alert(1)>,1,2,0.5,1.5,100\n2020-01-02,../../ETC,1,2,0.5,1.5,100\n2020-01-02,HAS SPACE,1,2,0.5,1.5,100\n2020-01-02,${"Z".repeat(5_000)},1,2,0.5,1.5,100\n`;
    const res = await upload(body, { "content-length": String(Buffer.byteLength(body)) });
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out).toMatchObject({ status: "partial", rows: 1, rejected: 4, symbols: ["OKUP"] });
    expect(out.rejectedSample.map((r: { reason: string }) => r.reason.split(" (")[0])).toEqual([
      'invalid symbol "<IMG SRC=X ONERROR=alert(1)>"',
      'invalid symbol "../../ETC"',
      'invalid symbol "HAS SPACE"',
      `invalid symbol "${"Z".repeat(40)}"…`,
    ]);
    const stored = await db().$client<{ symbol: string }[]>`select symbol from symbols where symbol !~ '^[A-Z0-9][A-Z0-9.=^-]{0,19}$'`;
    expect(stored).toEqual([]);
  });
});
