import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateToken, hashToken, TOKEN_RE } from "./api-token";

describe("API token format", () => {
  it("generates unique tokens that match the format and hash to sha256", () => {
    const a = generateToken();
    const b = generateToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(TOKEN_RE);
    expect(a.token.startsWith(`mss_${a.prefix}_`)).toBe(true);
    expect(a.hash).toBe(createHash("sha256").update(a.token).digest("hex"));
    expect(hashToken(a.token)).toBe(a.hash);
  });
});
