import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type BlockList, type LookupFunction } from "node:net";
import { isForbiddenAddress } from "@/lib/net/address-policy";

/** The destination is internal (see lib/net/address-policy.ts): a permanent refusal, not a network error. */
export class OutboundRefusedError extends Error {
  override name = "OutboundRefusedError";
}

export interface PostOutboundOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Internal networks that may be called all the same (an intranet receiver; tests' local server). */
  allow?: BlockList;
}

const refusal = (host: string, ip: string) => new OutboundRefusedError(`refused: ${host} is an internal address (${ip}); WEBHOOK_ALLOW_NETWORKS can allow it`);

/**
 * POST to a URL a user gave, which must not reach internal services (SSRF). The address is checked
 * where the connection is made — every address a name resolves to, at connect time, so a DNS answer
 * that changes between a check and the call (rebinding) cannot slip through — and redirects are not
 * followed (a 3xx is the answer). The response body is read and discarded.
 */
export function postOutbound(url: string, opts: PostOutboundOptions): Promise<{ status: number }> {
  const u = new URL(url);
  if (u.protocol !== "http:" && u.protocol !== "https:") return Promise.reject(new OutboundRefusedError(`refused: ${u.protocol} URLs`));
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && isForbiddenAddress(host, opts.allow)) return Promise.reject(refusal(host, host));
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const bad = addresses.find((a) => isForbiddenAddress(a.address, opts.allow));
      if (bad) return callback(refusal(hostname, bad.address), "", 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const request = u.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(u, { method: "POST", headers: { ...opts.headers, "content-length": Buffer.byteLength(opts.body) }, lookup, signal: AbortSignal.timeout(opts.timeoutMs) }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      res.on("error", reject);
    });
    req.on("error", (err) => reject(err.cause instanceof OutboundRefusedError ? err.cause : err));
    req.end(opts.body);
  });
}
