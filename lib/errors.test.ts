import { describe, expect, it } from "vitest";
import { AppError } from "./errors";

describe("AppError", () => {
  it("carries a code, a user message and retry hint", () => {
    const e = new AppError("TOO_MANY_REQUESTS", { message: "internal detail", userMessage: "Slow down", retryAfterSeconds: 9 });
    expect(e.code).toBe("TOO_MANY_REQUESTS");
    expect(e.message).toBe("internal detail");
    expect(e.userMessage).toBe("Slow down");
    expect(e.retryAfterSeconds).toBe(9);
    expect(AppError.is(e)).toBe(true);
    expect(AppError.is(new Error("x"))).toBe(false);
  });

  it("falls back to the code when no message is given", () => {
    expect(new AppError("NOT_FOUND").userMessage).toBe("NOT_FOUND");
  });
});
