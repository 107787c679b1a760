/**
 * Small deterministic helpers: seeded RNG (sfc32 from lib/sim), shuffles, a fast 64-bit content hash.
 */
import { Rng } from "@/lib/sim/rng";

export { Rng };

/** Fisher–Yates shuffle of `a` in place with a seeded stream. */
export function shuffleInPlace(a: Int32Array | Uint32Array | number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * Streaming 64-bit hash (two independent 32-bit multiply-xorshift lanes over 32-bit words), hex output.
 * Not cryptographic: identifies dataset contents (same bytes → same hash on every platform).
 */
export class ContentHash {
  private h1 = 0x9e3779b9 | 0;
  private h2 = 0x85ebca6b | 0;
  private n = 0;

  private word(w: number): void {
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    this.h1 ^= k;
    this.h1 = (this.h1 << 13) | (this.h1 >>> 19);
    this.h1 = (Math.imul(this.h1, 5) + 0xe6546b64) | 0;
    let j = Math.imul(w ^ 0x5bd1e995, 0x27d4eb2f);
    j ^= j >>> 15;
    this.h2 = (Math.imul(this.h2 ^ j, 0x165667b1) + 0x7f4a7c15) | 0;
    this.n++;
  }

  /** Adds the bytes of a typed array (by 32-bit words; a tail of 1–3 bytes is padded). */
  bytes(view: ArrayBufferView): this {
    const u8 = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const words = u8.byteLength >>> 2;
    const aligned = (u8.byteOffset & 3) === 0;
    if (aligned) {
      const u32 = new Uint32Array(u8.buffer, u8.byteOffset, words);
      for (let i = 0; i < words; i++) this.word(u32[i]!);
    } else {
      const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
      for (let i = 0; i < words; i++) this.word(dv.getUint32(4 * i, true));
    }
    let tail = 0;
    for (let i = words * 4; i < u8.byteLength; i++) tail = (tail << 8) | u8[i]!;
    this.word(tail ^ (u8.byteLength << 24));
    return this;
  }

  string(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }

  digest(): string {
    const fmix = (h: number): number => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      return (h ^ (h >>> 16)) >>> 0;
    };
    const a = fmix(this.h1 ^ this.n);
    const b = fmix(this.h2 ^ Math.imul(this.n, 0x9e3779b9));
    return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
  }
}

/** JSON with object keys sorted recursively (canonical form for hashing specs). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
