import { describe, expect, it } from "vitest";
import { clientIpFrom } from "./client-ip";

describe("clientIpFrom", () => {
  it("takes the rightmost entry: a proxy's append, not the client's claim", () => {
    expect(clientIpFrom("6.6.6.6, 203.0.113.7", null)).toBe("203.0.113.7");
    expect(clientIpFrom("203.0.113.7", "10.0.0.1")).toBe("203.0.113.7");
  });

  it("skips the entries of trusted further proxies, never past the first", () => {
    expect(clientIpFrom("6.6.6.6, 203.0.113.7, 198.51.100.2", null, 1)).toBe("203.0.113.7");
    expect(clientIpFrom("203.0.113.7", null, 3)).toBe("203.0.113.7");
  });

  it("falls back to X-Real-IP, then 'local'; blank entries do not count", () => {
    expect(clientIpFrom(" , ", "192.0.2.1")).toBe("192.0.2.1");
    expect(clientIpFrom(undefined, undefined)).toBe("local");
    expect(clientIpFrom("203.0.113.7, ", null)).toBe("203.0.113.7");
  });
});
