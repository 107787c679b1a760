import { describe, expect, it } from "vitest";
import { isForbiddenAddress, parseCidrList } from "./address-policy";

describe("isForbiddenAddress", () => {
  it("refuses this host, private networks, link-local metadata, multicast and reserved ranges", () => {
    for (const ip of ["127.0.0.1", "10.0.0.5", "172.20.1.1", "192.168.1.10", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd12:3456::1", "ff02::1"]) {
      expect(isForbiddenAddress(ip), ip).toBe(true);
    }
  });

  it("judges IPv4-mapped and NAT64 IPv6 by their IPv4 part", () => {
    expect(isForbiddenAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isForbiddenAddress("::ffff:7f00:1")).toBe(true);
    expect(isForbiddenAddress("64:ff9b::a9fe:a9fe")).toBe(true);
    expect(isForbiddenAddress("::ffff:8.8.8.8")).toBe(false);
  });

  it("allows public addresses, and internal ones only where the allow list names them", () => {
    expect(isForbiddenAddress("8.8.8.8")).toBe(false);
    expect(isForbiddenAddress("2606:4700::1111")).toBe(false);
    expect(isForbiddenAddress("172.15.255.255")).toBe(false);
    const allow = parseCidrList("127.0.0.1/32, 10.1.0.0/16, fd00::/8");
    expect(isForbiddenAddress("127.0.0.1", allow)).toBe(false);
    expect(isForbiddenAddress("127.0.0.2", allow)).toBe(true);
    expect(isForbiddenAddress("10.1.200.3", allow)).toBe(false);
    expect(isForbiddenAddress("10.2.0.1", allow)).toBe(true);
    expect(isForbiddenAddress("fd00::7", allow)).toBe(false);
  });

  it("refuses what is not an address; a malformed allow list throws", () => {
    expect(isForbiddenAddress("localhost")).toBe(true);
    expect(() => parseCidrList("10.0.0.0/33")).toThrow(/10.0.0.0\/33/);
    expect(() => parseCidrList("intranet")).toThrow(/intranet/);
    expect(parseCidrList(" , ").check("10.0.0.1")).toBe(false);
  });
});
