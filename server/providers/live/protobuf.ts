/**
 * A minimal protobuf (proto3 wire format) reader: just enough to decode Yahoo's streamer
 * `PricingData` without a dependency. Fields are returned raw; the caller picks the ones it needs
 * and interprets them by the schema (string, float, sint64 …).
 *
 * Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. Groups (3/4) are
 * deprecated and rejected. Varints are read as exact integers up to 2^53; larger ones are marked
 * unsafe (Number(NaN)) so they are never silently rounded.
 */

export type ProtoField =
  | { field: number; wire: 0; value: number }
  | { field: number; wire: 1 | 2 | 5; value: Uint8Array };

export class ProtobufError extends Error {
  override name = "ProtobufError";
}

/** Read all top-level fields of a message. Throws ProtobufError on truncated or invalid input. */
export function readProtoFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new ProtobufError("truncated varint");
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return result <= Number.MAX_SAFE_INTEGER ? result : Number.NaN;
    }
    throw new ProtobufError("varint longer than 10 bytes");
  };
  const take = (n: number): Uint8Array => {
    if (!Number.isFinite(n) || n < 0 || pos + n > buf.length) throw new ProtobufError("truncated field");
    const v = buf.subarray(pos, pos + n);
    pos += n;
    return v;
  };
  while (pos < buf.length) {
    const key = varint();
    if (!Number.isFinite(key)) throw new ProtobufError("invalid field key");
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field < 1) throw new ProtobufError("field number 0");
    switch (wire) {
      case 0:
        out.push({ field, wire: 0, value: varint() });
        break;
      case 1:
        out.push({ field, wire: 1, value: take(8) });
        break;
      case 2:
        out.push({ field, wire: 2, value: take(varint()) });
        break;
      case 5:
        out.push({ field, wire: 5, value: take(4) });
        break;
      default:
        throw new ProtobufError(`unsupported wire type ${wire} (field ${field})`);
    }
  }
  return out;
}

/** ZigZag-decoded sint32/sint64 from a varint read as an unsigned number. */
export function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

export function protoFloat(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
}

export function protoDouble(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function protoString(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtobufError("invalid UTF-8 in a string field");
  }
}
