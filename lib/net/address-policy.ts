import { BlockList, isIP } from "node:net";

/**
 * Addresses a server must not be made to call on a user's behalf (SSRF): this host, private and
 * shared networks, link-local (cloud metadata at 169.254.169.254), multicast, reserved and
 * documentation ranges, in IPv4 and IPv6 (IPv4-mapped and NAT64 IPv6 are judged by their IPv4 part).
 */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  INTERNAL.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  INTERNAL.addSubnet(net, bits, "ipv6");
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(ip: string): string | null {
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip);
  if (!m) return null;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** A CIDR list ("10.1.0.0/16, 127.0.0.1/32, fd00::/8") as a BlockList; throws on a malformed entry. */
export function parseCidrList(list: string): BlockList {
  const out = new BlockList();
  for (const raw of list.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [addr, bitsText] = entry.split("/");
    const family = isIP(addr ?? "");
    const bits = bitsText === undefined ? (family === 6 ? 128 : 32) : Number(bitsText);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) throw new Error(`not an address or CIDR: "${entry}"`);
    out.addSubnet(addr!, bits, family === 6 ? "ipv6" : "ipv4");
  }
  return out;
}

/** True if `ip` (a literal IPv4/IPv6 address) is internal and not in `allow`. */
export function isForbiddenAddress(ip: string, allow?: BlockList): boolean {
  const family = isIP(ip);
  if (family === 0) return true;
  const v4 = family === 6 ? embeddedIpv4(ip) : ip;
  const [addr, type] = v4 ? [v4, "ipv4" as const] : [ip, "ipv6" as const];
  if (allow?.check(addr, type)) return false;
  return INTERNAL.check(addr, type);
}
