/**
 * The client's address from `X-Forwarded-For`, the way a reverse proxy that appends to it leaves it:
 * the entries are "what the client claimed, …, what each proxy saw", so only the rightmost ones can be
 * trusted. `trustedHops` is how many of the rightmost entries your own further proxies added (a CDN in
 * front of nginx: 1); the entry before those is the client. `next start` with no proxy in front fills
 * the header with the socket's address only when the client sent none, so there any value is the
 * client's own claim: limits keyed by it need a second key it cannot vary (see verifyCredentials).
 */
export function clientIpFrom(forwardedFor: string | null | undefined, realIp: string | null | undefined, trustedHops = 0): string {
  const hops = forwardedFor
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (hops && hops.length > 0) return hops[Math.max(0, hops.length - 1 - trustedHops)]!;
  return realIp?.trim() || "local";
}
