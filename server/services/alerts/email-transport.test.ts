import { describe, expect, it } from "vitest";
import { parseEnv, ZServerEnv } from "../../env";
import { renderAlertEmail } from "./deliver-email";
import { scrubSmtpSecrets } from "./email-transport";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("alert e-mail", () => {
  it("scrubs SMTP credentials in every form they can appear in an error", () => {
    const url = "smtp://alerts%40corp.test:p%40ss%3Aw0rd!@mail.corp.test:587";
    const msg = [
      `connect to ${url} failed`,
      "Invalid login: p@ss:w0rd! rejected",
      `AUTH PLAIN ${b64("\u0000alerts@corp.test\u0000p@ss:w0rd!")}`,
      `AUTH LOGIN ${b64("p@ss:w0rd!")}`,
      "other smtps://bob:hunter22@x.test",
    ].join("\n");
    const out = scrubSmtpSecrets(msg, url);
    expect(out).not.toContain("p@ss:w0rd!");
    expect(out).not.toContain("p%40ss");
    expect(out).not.toContain(b64("p@ss:w0rd!"));
    expect(out).not.toContain(b64("\u0000alerts@corp.test\u0000p@ss:w0rd!"));
    expect(out).not.toContain("hunter22");
    expect(out).toContain("Invalid login: [redacted] rejected");
    expect(scrubSmtpSecrets("plain message", undefined)).toBe("plain message");
  });

  it("lists every hit of the batch once, escapes HTML and keeps the subject on one line", () => {
    const barTs = new Date("2024-06-03T00:00:00Z");
    const hits = ["AAPL", "MSFT", "KO", "JPM", "XOM", "GE"].map((symbol, i) => ({ symbol, barTs, values: { close: 100 + i, "rsi(14)": i === 0 ? null : 30.123456 } }));
    const m = renderAlertEmail({ ruleName: "Dip <b>\r\nBcc: x@y", scanName: "oversold", timeframe: "1d", hits, appUrl: "https://scanner.test/" });
    expect(m.subject).toBe("Dip <b> Bcc: x@y: 6 new hits (AAPL, MSFT, KO, JPM, XOM, ...)");
    for (const s of ["AAPL", "MSFT", "KO", "JPM", "XOM", "GE"]) expect(m.text).toContain(`  ${s}`);
    expect(m.text).toContain("2024-06-03 00:00 UTC");
    expect(m.text).toContain("rsi(14)=30.1235");
    expect(m.text).toContain("https://scanner.test/alerts");
    expect(m.html).toContain("Dip &lt;b&gt;");
    expect(m.html).not.toContain("<b>");
  });

  it("accepts smtp(s) URLs only, and treats an empty SMTP_URL as e-mail disabled", () => {
    const base = { DATABASE_URL: "postgres://u@h/db", REDIS_URL: "redis://h:6379", AUTH_SECRET: "x".repeat(32) };
    expect(parseEnv(ZServerEnv, { ...base, SMTP_URL: "smtps://u:p@mail.test:465", SMTP_FROM: "Alerts <a@b.test>" })).toMatchObject({ SMTP_URL: "smtps://u:p@mail.test:465", SMTP_FROM: "Alerts <a@b.test>" });
    expect(parseEnv(ZServerEnv, { ...base, SMTP_URL: "" }).SMTP_URL).toBeUndefined();
    let message = "";
    try {
      parseEnv(ZServerEnv, { ...base, SMTP_URL: "http://u:secretpw@mail.test" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("SMTP_URL");
    expect(message).not.toContain("secretpw");
  });
});
