import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { AppError } from "@/lib/errors";
import { createCallerFactory, publicProcedure, router, zodSummary, type Context } from "./trpc";

describe("zodSummary", () => {
  it("turns a failed input check into a sentence with the field paths, not zod's JSON", () => {
    const r = z.object({ schedule: z.string().min(9, "too short"), rule: z.object({ name: z.string().max(3, "at most 3") }) }).safeParse({ schedule: "* *", rule: { name: "long name" } });
    expect(r.success).toBe(false);
    expect(zodSummary(r.error!)).toBe("schedule: too short; rule.name: at most 3");
    const many = z.array(z.number()).safeParse(["a", "b", "c", "d", "e"]);
    expect(zodSummary(many.error!)).toMatch(/^0: .+; 1: .+; 2: .+ \(\+2 more\)$/);
  });
});

describe("subscription streams", () => {
  const app = router({
    gone: publicProcedure.subscription(async function* () {
      yield 1;
      throw new AppError("NOT_FOUND", { userMessage: "SIM9999 is not in the universe" });
    }),
    broken: publicProcedure.subscription(async function* () {
      yield 1;
      throw new Error("redis went away");
    }),
  });
  const ctx: Context = { user: null, authVia: null, ip: "local", resHeaders: null };
  const drain = async (it: AsyncIterable<unknown>) => {
    const got: unknown[] = [];
    try {
      for await (const x of it) got.push(x);
    } catch (err) {
      return { got, err };
    }
    return { got, err: null };
  };

  it("map an AppError thrown mid-stream to its code (not a retryable internal error)", async () => {
    const { got, err } = await drain(await createCallerFactory(app)(ctx).gone());
    expect(got).toEqual([1]);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({ code: "NOT_FOUND", message: "SIM9999 is not in the universe" });
  });

  it("pass other errors on as they are", async () => {
    const { got, err } = await drain(await createCallerFactory(app)(ctx).broken());
    expect(got).toEqual([1]);
    expect((err as Error).message).toBe("redis went away");
  });
});
