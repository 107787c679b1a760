import { z } from "zod";

/** A share token: 32 random bytes, base64url. */
export const ZShareToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "Invalid share link");

export const ZShareScanInput = z.object({ id: z.uuid() });
export const ZShareScanOutput = z.object({ token: ZShareToken, sharedAt: z.date() });
export type TShareScanInput = z.infer<typeof ZShareScanInput>;

export const ZUnshareScanInput = z.object({ id: z.uuid() });
export const ZUnshareScanOutput = z.object({ id: z.uuid() });

export const ZGetSharedScanInput = z.object({ token: ZShareToken });
export const ZGetSharedScanOutput = z.object({
  name: z.string(),
  text: z.string(),
  timeframe: z.string(),
  version: z.number(),
  sharedAt: z.date(),
  latestRun: z
    .object({
      scanVersion: z.number().nullable(),
      asOf: z.date().nullable(),
      universe: z.number(),
      matches: z.number(),
      durationMs: z.number(),
      sortBy: z.string().nullable(),
      results: z.array(z.object({ symbol: z.string(), sortKey: z.number().nullable(), values: z.record(z.string(), z.number().nullable()), spark: z.array(z.number()).optional(), barTs: z.number().optional() })),
      createdAt: z.date(),
    })
    .nullable(),
});
export type TGetSharedScanOutput = z.infer<typeof ZGetSharedScanOutput>;

export const ZCopySharedScanInput = z.object({ token: ZShareToken, name: z.string().trim().min(1).max(120).optional() });
export const ZCopySharedScanOutput = z.object({ id: z.uuid(), name: z.string(), text: z.string(), version: z.number() });
