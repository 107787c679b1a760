import nodemailer, { type Transporter } from "nodemailer";
import { serverEnv } from "../../env";

export type EmailConfig = { enabled: true; url: string; from: string } | { enabled: false; url?: undefined; from?: undefined };

/** Alert e-mail settings from the env: enabled iff SMTP_URL is set. */
export function emailConfig(): EmailConfig {
  const { SMTP_URL, SMTP_FROM } = serverEnv();
  if (!SMTP_URL) return { enabled: false };
  const user = decodeURIComponent(new URL(SMTP_URL).username);
  return { enabled: true, url: SMTP_URL, from: SMTP_FROM ?? (user.includes("@") ? user : "ML Stock Scanner <no-reply@localhost>") };
}

const g = globalThis as unknown as { __mssMailer?: { url: string; transport: Transporter } };

/** One SMTP transport per process (re-created if the URL changes); bounded timeouts, no file or URL access. */
export function getMailTransport(url: string): Transporter {
  if (g.__mssMailer?.url !== url) {
    g.__mssMailer?.transport.close();
    const transport = nodemailer.createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    g.__mssMailer = { url, transport };
  }
  return g.__mssMailer!.transport;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/**
 * Remove SMTP credentials from a message before it is stored or logged: the URL itself, the password
 * (raw, URL-encoded, and base64 as sent by AUTH LOGIN / AUTH PLAIN) and any `scheme://user:pass@` form.
 */
export function scrubSmtpSecrets(text: string, smtpUrl: string | undefined): string {
  let out = text.replace(/(smtps?:\/\/)[^@\s/]*@/gi, "$1[redacted]@");
  if (!smtpUrl) return out;
  let parsed: URL | null = null;
  try {
    parsed = new URL(smtpUrl);
  } catch {
    parsed = null;
  }
  const secrets = new Set<string>([smtpUrl]);
  if (parsed?.password) {
    const user = decodeURIComponent(parsed.username);
    const pass = decodeURIComponent(parsed.password);
    for (const s of [pass, parsed.password, b64(pass), b64(`\u0000${user}\u0000${pass}`), b64(`${user}\u0000${user}\u0000${pass}`)]) secrets.add(s);
  }
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 3) out = out.split(s).join("[redacted]");
  }
  return out;
}
