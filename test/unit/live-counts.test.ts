import { describe, expect, it } from 'vitest';
import { liveCountsOf, returnedBatchKey, returnedEntry } from '../../shared/tables/results.ts';

const token = (n: number) => String(n).repeat(64).slice(0, 64);
const batch = (...entries: string[]) => ({ entries: new Set(entries) });

describe('live counts from RETURNED# items', () => {
  it('counts each form once across batches, redeliveries and the earlier per-stratum counters', () => {
    const u1 = [1, 2, 3].map((n) => returnedEntry('U1', 'F1', token(n)));
    const u2 = returnedEntry('U2', 'F1', token(4));
    const counts = liveCountsOf(
      // Token 2 came twice (a redelivery in another batch); token 3 is also in a legacy counter.
      [batch(u1[0]!, u1[1]!), batch(u1[1]!, u2), batch(u1[2]!)],
      [{ unitCode: 'U1', fieldCode: 'F1', counted: new Set([token(3).slice(0, 16), token(9).slice(0, 16)]) }],
    );
    expect(counts.sort((a, b) => a.unitCode.localeCompare(b.unitCode))).toEqual([
      { unitCode: 'U1', fieldCode: 'F1', returned: 4 },
      { unitCode: 'U2', fieldCode: 'F1', returned: 1 },
    ]);
  });

  it('keeps unit and field codes apart even when they share characters', () => {
    const counts = liveCountsOf([
      batch(returnedEntry('A#B', 'C', token(1)), returnedEntry('A', 'B#C', token(2))),
    ]);
    expect(counts).toHaveLength(2);
  });

  it('keys a batch by its sorted entries alone', () => {
    const e = [returnedEntry('U1', 'F1', token(1)), returnedEntry('U1', 'F1', token(2))];
    expect(returnedBatchKey('r', e)).toEqual(returnedBatchKey('r', [...e]));
    expect(returnedBatchKey('r', e).sk).not.toBe(returnedBatchKey('r', e.slice(0, 1)).sk);
    expect(returnedBatchKey('r2', e).pk).toBe('ROUND#r2');
  });
});
