import { describe, expect, it } from "vitest";
import { ZDecimalString, parseJsonFrame, rfc3339ToMs } from "./frames";
import { ProtobufError, protoFloat, readProtoFields, zigzag } from "./protobuf";

describe("ZDecimalString", () => {
  it("reads Binance's decimal strings and refuses one out of float range", () => {
    expect(ZDecimalString.parse("0.00100000")).toBe(0.001);
    expect(ZDecimalString.parse("6.4e4")).toBe(64_000);
    expect(ZDecimalString.safeParse("1e400").success).toBe(false);
    expect(ZDecimalString.safeParse("-1").success).toBe(false);
  });
});

describe("rfc3339ToMs", () => {
  it("truncates ns precision to ms and honours offsets", () => {
    expect(rfc3339ToMs("2021-02-22T15:51:44.208Z")).toBe(Date.UTC(2021, 1, 22, 15, 51, 44, 208));
    expect(rfc3339ToMs("2021-02-22T15:51:44.208999999Z")).toBe(Date.UTC(2021, 1, 22, 15, 51, 44, 208));
    expect(rfc3339ToMs("2021-02-22T15:51:44Z")).toBe(Date.UTC(2021, 1, 22, 15, 51, 44, 0));
    expect(rfc3339ToMs("2021-02-22T15:51:44.5Z")).toBe(Date.UTC(2021, 1, 22, 15, 51, 44, 500));
    expect(rfc3339ToMs("2021-02-22T10:51:44.123456-05:00")).toBe(Date.UTC(2021, 1, 22, 15, 51, 44, 123));
    expect(rfc3339ToMs("2021-02-23T00:21:44+08:30")).toBe(Date.UTC(2021, 1, 22, 15, 51, 44));
  });

  it("rejects what is not RFC 3339", () => {
    for (const s of ["2021-02-22 15:51:44Z", "2021-02-22T15:51:44", "2021-02-30T00:00:00Z", "2021-13-01T00:00:00Z", "1614009104208", ""]) {
      expect(rfc3339ToMs(s), s).toBeNull();
    }
  });
});

describe("parseJsonFrame", () => {
  it("says what came instead of JSON", () => {
    expect(parseJsonFrame('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonFrame("<html>")).toEqual({ ok: false, reason: "expected JSON, got an HTML/XML page" });
    expect(parseJsonFrame("")).toEqual({ ok: false, reason: "expected JSON, got an empty frame" });
  });
});

describe("protobuf reader", () => {
  it("reads varints, zigzag and fixed32 fields", () => {
    // field 3 varint 300 (0xac 0x02), field 9 varint zigzag(-2)=3, field 2 fixed32 1.5f
    const f = readProtoFields(Uint8Array.from([0x18, 0xac, 0x02, 0x48, 0x03, 0x15, 0x00, 0x00, 0xc0, 0x3f]));
    expect(f.map((x) => [x.field, x.wire])).toEqual([
      [3, 0],
      [9, 0],
      [2, 5],
    ]);
    expect(f[0]!.value).toBe(300);
    expect(zigzag(f[1]!.value as number)).toBe(-2);
    expect(protoFloat(f[2]!.value as Uint8Array)).toBe(1.5);
    expect([0, 1, 2, 3, 4].map(zigzag)).toEqual([0, -1, 1, -2, 2]);
  });

  it("throws ProtobufError on truncated input and groups", () => {
    expect(() => readProtoFields(Uint8Array.from([0x18, 0xac]))).toThrow(ProtobufError);
    expect(() => readProtoFields(Uint8Array.from([0x0a, 0x05, 0x41]))).toThrow("truncated field");
    expect(() => readProtoFields(Uint8Array.from([0x0b]))).toThrow("unsupported wire type 3");
  });
});
