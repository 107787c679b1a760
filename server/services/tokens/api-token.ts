import { createHash, randomBytes } from "node:crypto";

/** Token format: mss_<8-char prefix>_<43-char secret>. Only sha256(token) is stored. */
export const TOKEN_RE = /^mss_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export function generateToken(): { token: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString("base64url").replace(/[-_]/g, "x").slice(0, 8);
  const secret = randomBytes(32).toString("base64url");
  const token = `mss_${prefix}_${secret}`;
  return { token, prefix, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
