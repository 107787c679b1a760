import type { Sql } from "postgres";

/** PostgreSQL binary COPY: timestamptz is int64 microseconds since 2000-01-01 UTC. */
export const PG_EPOCH_MS = 946_684_800_000;
export const TWO32 = 4_294_967_296;

/** Write a (53-bit safe) integer as a big-endian int64. */
export function writeInt64(buf: Buffer, v: number, o: number): void {
  const hi = Math.floor(v / TWO32);
  buf.writeInt32BE(hi, o);
  buf.writeUInt32BE(v - hi * TWO32, o + 4);
}

/** Write epoch ms as a binary timestamptz value (without its length word). */
export function writeTimestamptz(buf: Buffer, ms: number, o: number): void {
  writeInt64(buf, (ms - PG_EPOCH_MS) * 1000, o);
}

/**
 * Run a COPY … TO STDOUT and hand each chunk to `onChunk` as it arrives. On a reserved connection,
 * because postgres.js pipelines queries onto busy pooled connections and one that lands behind a
 * COPY fails with COPY_IN_PROGRESS. postgres.js pauses the socket whenever the stream reports
 * backpressure and resumes it only from the stream's _read(); once the stream has ended no _read()
 * comes, so the CommandComplete/ReadyForQuery that follow could stay unread and the connection would
 * hang: one explicit _read() after the end lets them through. A throwing `onChunk` does not stop the
 * draining (the connection must reach ReadyForQuery before it is released); its error is rethrown.
 */
export async function copyOut(sql: Sql, query: string, onChunk: (chunk: Buffer) => void): Promise<void> {
  const conn = await sql.reserve();
  try {
    const stream = await conn.unsafe(query).readable();
    let failed: unknown = null;
    stream.on("data", (chunk: Buffer) => {
      if (failed) return;
      try {
        onChunk(chunk);
      } catch (err) {
        failed = err;
      }
    });
    await new Promise<void>((resolve, reject) => {
      stream.once("end", () => resolve());
      stream.once("error", reject);
    });
    (stream as unknown as { _read: (n: number) => void })._read(0);
    if (failed) throw failed;
  } finally {
    conn.release();
  }
}
