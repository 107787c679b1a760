/**
 * `npm run import -- <file.csv> [--symbol SYM] [--timezone America/New_York] [--timeframe 1d|auto] [--delimiter ,]`
 * Streams a CSV of bars into the database (the configured DATABASE_URL, or the embedded one that
 * `npm start` uses). Detects delimiter, header, column mapping, timestamp format and timeframe from the
 * first 64 KB; flags override the detection.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureDatabase, migrateDatabase } from "@/db/migrate";
import { DETECT_SAMPLE_BYTES, detectCsvFormat, symbolFromFileName } from "@/lib/csv";
import { launcherEnv } from "@/server/env";
import { ensureServices, persistentSecret } from "./services";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    symbol: { type: "string" },
    timezone: { type: "string", default: "UTC" },
    timeframe: { type: "string" },
    delimiter: { type: "string" },
  },
});

async function main() {
  const file = positionals[0];
  if (!file) throw new Error("usage: npm run import -- <file.csv> [--symbol SYM] [--timezone ZONE] [--timeframe 1d]");
  const size = statSync(file).size;
  const fd = openSync(file, "r");
  const buf = Buffer.alloc(Math.min(size, DETECT_SAMPLE_BYTES));
  readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const detected = detectCsvFormat(buf.toString("utf8"), { timezone: values.timezone, fallbackSymbol: values.symbol ?? symbolFromFileName(file) ?? undefined });
  for (const w of detected.warnings) process.stderr.write(`warning: ${w}\n`);
  if (!detected.options) throw new Error(`could not map the columns of ${file}: missing ${detected.missing.join(", ") || "symbol (use --symbol)"}`);
  const options = {
    ...detected.options,
    ...(values.symbol ? { mapping: { ...detected.options.mapping, symbol: { value: values.symbol } } } : {}),
    ...(values.timeframe ? { timeframe: values.timeframe as never } : {}),
    ...(values.delimiter ? { delimiter: values.delimiter as never } : {}),
  };
  process.stdout.write(`importing ${path.basename(file)} (${(size / 1e6).toFixed(1)} MB): ${JSON.stringify({ timeframe: detected.timeframe, format: detected.timestampFormat, delimiter: detected.delimiter })}\n`);

  const env = launcherEnv();
  const services = await ensureServices(env);
  Object.assign(process.env, { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, AUTH_SECRET: env.AUTH_SECRET ?? persistentSecret(env.DATA_DIR) });
  await ensureDatabase(services.databaseUrl);
  await migrateDatabase(services.databaseUrl, { timescaleMode: env.TIMESCALE_MODE });
  const { importCsv } = await import("@/server/services/ingestion/import-csv");
  const t0 = Date.now();
  const r = await importCsv({ input: createReadStream(file), options, fileName: path.basename(file), userId: null, sizeBytes: size });
  const secs = (Date.now() - t0) / 1000;
  process.stdout.write(
    `${r.status}: ${r.rows} rows (${r.stored} stored or changed, ${r.quarantined} quarantined, ${r.rejected} rejected) for ${r.symbols.join(", ")} at ${r.timeframe} in ${secs.toFixed(1)} s (run ${r.runId})\n`,
  );
  for (const x of r.rejectedSample.slice(0, 10)) process.stdout.write(`  line ${x.line}: ${x.reason}\n`);
  await services.stop();
  process.exit(r.status === "failed" ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`import failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
