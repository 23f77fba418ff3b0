import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FingerprintMap,
  fingerprintOf,
  keyFingerprint,
} from '../../../services/roster-intake/fingerprint-map.ts';

describe('FingerprintMap', () => {
  it('behaves as a first-wins Map of strings, across growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.nat(1e6)), { maxLength: 400 }),
        (ops) => {
          const reference = new Map<string, number>();
          const map = new FingerprintMap(16);
          for (const [key, value] of ops) {
            const had = reference.get(key);
            if (had === undefined) reference.set(key, value);
            expect(map.setIfAbsent(key, value)).toBe(had);
          }
          expect(map.size).toBe(reference.size);
          for (const [key, value] of reference) expect(map.get(key)).toBe(value);
        },
      ),
    );
  });

  it('holds a million dossier-like ids with no false duplicate', () => {
    const map = new FingerprintMap();
    for (let i = 0; i < 1_000_000; i++) expect(map.setIfAbsent(`HS-${i}`, i)).toBeUndefined();
    expect(map.size).toBe(1_000_000);
    expect(map.get('HS-777777')).toBe(777777);
    expect(map.get('HS-1000000')).toBeUndefined();
  });

  it('takes a hex key (an HMAC) as its own fingerprint, other keys hashed', () => {
    expect(keyFingerprint('0123456789abcdef0123')).toEqual([0x01234567, 0x89abcdef]);
    expect(keyFingerprint('HS-1')).toEqual(fingerprintOf('HS-1'));
    expect(fingerprintOf('a')).not.toEqual(fingerprintOf('b'));
    expect(() => new FingerprintMap().setIfAbsent('x', -1)).toThrow(RangeError);
  });
});
