import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { logEnv } from "./env";

const REDACT = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "secret",
  "*.secret",
];

function build(): Logger {
  const { NODE_ENV, LOG_LEVEL, PROC_NAME } = logEnv();
  const options: pino.LoggerOptions = {
    level: LOG_LEVEL,
    base: { proc: PROC_NAME, pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (NODE_ENV === "production") return pino(options);
  // Pretty output in-process (no transport worker thread, which bundlers cannot resolve).
  return pino(options, pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }));
}

const g = globalThis as unknown as { __mssLogger?: Logger };

/** Process-wide structured logger: pretty in development, JSON lines in production. */
export const logger: Logger = (g.__mssLogger ??= build());

export function childLogger(name: string): Logger {
  return logger.child({ mod: name });
}
