/**
 * What a roster pass must remember of every row, in typed arrays instead of JS strings: the dossier
 * ids seen (rule 10, with the row that held each first) and the person keys seen (rule 9's merge
 * count). A key is kept as a 64-bit fingerprint (12 bytes a slot with its value, ≤ 50% load: about
 * 24 MB per million rows, where a Map of the strings took about 90 MB). Two different keys share a
 * fingerprint with probability about n² / 2⁶⁵ (3·10⁻⁸ for a million rows): a false "duplicate".
 */

/** 64 bits of a string as two 32-bit halves (two FNV-1a lanes with different seeds, then mixed). */
export const fingerprintOf = (s: string): [number, number] => {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
};

/** A hex key of ≥ 16 characters (an HMAC, as person keys are) is its own fingerprint. */
const HEX16 = /^[0-9a-f]{16}/;
export const keyFingerprint = (key: string): [number, number] =>
  HEX16.test(key)
    ? [Number.parseInt(key.slice(0, 8), 16), Number.parseInt(key.slice(8, 16), 16)]
    : fingerprintOf(key);

const EMPTY = -1;

/** Open addressing over (hi, lo) fingerprints with an int32 value each; grows at half full. */
export class FingerprintMap {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 12) {
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity <<= 1;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  private slot(hi: number, lo: number): number {
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    while (this.values[i] !== EMPTY && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & this.mask;
    return i;
  }

  /** The value stored for the key, or undefined. */
  get(key: string): number | undefined {
    const [hi, lo] = keyFingerprint(key);
    const v = this.values[this.slot(hi, lo)]!;
    return v === EMPTY ? undefined : v;
  }

  /** Stores `value` (≥ 0) unless the key is there; returns the value the key had, or undefined. */
  setIfAbsent(key: string, value: number): number | undefined {
    if (value < 0) throw new RangeError('FingerprintMap values are ≥ 0');
    const [hi, lo] = keyFingerprint(key);
    const i = this.slot(hi, lo);
    const had = this.values[i]!;
    if (had !== EMPTY) return had;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.values[i] = value;
    this.count++;
    if (this.count * 2 > this.mask + 1) this.grow();
    return undefined;
  }

  private grow(): void {
    const { hi, lo, values } = this;
    const capacity = (this.mask + 1) * 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let j = 0; j < values.length; j++) {
      const v = values[j]!;
      if (v === EMPTY) continue;
      const i = this.slot(hi[j]!, lo[j]!);
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.values[i] = v;
    }
  }
}
