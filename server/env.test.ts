import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, ZServerEnv } from "./env";

const good = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/scanner",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  AUTH_SECRET: "x".repeat(32),
};

describe("parseEnv", () => {
  it("applies defaults to a minimal valid environment", () => {
    const env = parseEnv(ZServerEnv, good);
    expect(env.PORT).toBe(3000);
    expect(env.QUEUE_PREFIX).toBe("mss");
    expect(env.WORKER_ROLE).toBe("all");
  });

  it("names a missing variable and gives an example value", () => {
    const { REDIS_URL: _, ...rest } = good;
    expect(() => parseEnv(ZServerEnv, rest)).toThrow(EnvError);
    expect(() => parseEnv(ZServerEnv, rest)).toThrow(/REDIS_URL: .*it is not set.*example: REDIS_URL=redis:\/\/127\.0\.0\.1:6379\/0/);
  });

  it("names a malformed variable", () => {
    expect(() => parseEnv(ZServerEnv, { ...good, DATABASE_URL: "mysql://x/y" })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL \(its value is invalid\)/);
    expect(() => parseEnv(ZServerEnv, { ...good, AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET/);
    expect(() => parseEnv(ZServerEnv, { ...good, PORT: "70000" })).toThrow(/PORT/);
    expect(() => parseEnv(ZServerEnv, { ...good, WORKER_ROLE: "gpu" })).toThrow(/WORKER_ROLE/);
  });

  it("treats empty optional values as unset", () => {
    expect(parseEnv(ZServerEnv, { ...good, ADMIN_EMAIL: "" }).ADMIN_EMAIL).toBeUndefined();
  });
});
