import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql, TransactionSql } from "postgres";

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

/** A COPY … FROM STDIN the server rejected after the client had sent everything (see copyIn). */
export class CopyRejectedError extends Error {
  override name = "CopyRejectedError";
  readonly code = "COPY_REJECTED";
}

/**
 * Run a COPY … FROM STDIN inside a transaction, streaming `chunks`, in a savepoint of its own: if
 * the server rejects the rows, the transaction is back where it was and the error is thrown.
 *
 * postgres.js (3.4) never settles the COPY's writable when the server rejects the data after the
 * client has sent the last of it (a unique violation from a concurrent writer, say): the error is
 * dropped and the caller would wait forever. So once the client has sent CopyDone, a probe query is
 * queued behind the COPY; it runs when the server is ready again and fails only if the COPY aborted
 * the transaction. An error the server reports while data is still being sent arrives as itself;
 * one after that as CopyRejectedError (the server's message is lost). The savepoint also keeps the
 * probe's failure from failing the whole transaction (postgres.js remembers every failed query).
 */
export async function copyIn(tx: TransactionSql, statement: string, chunks: Iterable<Buffer>): Promise<void> {
  await tx.savepoint(async (sp) => {
    const writable = (await sp.unsafe(statement).writable()) as Writable & { _final: (cb: (err?: Error | null) => void) => void };
    let rejected!: (err: Error) => void;
    const aborted = new Promise<never>((_, reject) => (rejected = reject));
    const final = writable._final;
    writable._final = function (this: Writable, cb) {
      final.call(this, cb); // sends CopyDone; postgres.js accepts other queries from here on
      sp.unsafe("select 1").catch((err: Error) =>
        rejected(new CopyRejectedError(`${statement.split(" (")[0]}: the server rejected the data (${err.message})`)),
      );
    };
    const copied = pipeline(Readable.from(chunks), writable);
    copied.catch(() => undefined); // after a rejection it never settles
    aborted.catch(() => undefined);
    await Promise.race([copied, aborted]);
  });
}

/**
 * Whether a failed copyIn may have collided with rows a concurrent writer committed: a unique
 * violation, or a rejection whose cause postgres.js dropped (a fallback through a staging table then
 * either succeeds or fails with the real cause).
 */
export function isCopyConflict(err: unknown): boolean {
  return err instanceof CopyRejectedError || (err as { code?: string } | null)?.code === "23505";
}
