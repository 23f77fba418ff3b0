import { describe, expect, it } from 'vitest';
import {
  type QualityCheckStore,
  recheckStaffPhones,
  runQualityChecks,
  warningChange,
} from '../../../services/roster-intake/quality-checks.ts';
import type { DossierRecord, ImportRecord, PhoneEntry } from '../../../shared/tables/respondents.ts';

interface Person {
  key: string;
  phone: string;
  warnings: string[];
  dossiers: Array<Partial<DossierRecord> & { importId: string; unitCode: string }>;
}

/** An in-memory store: persons in (phone index, key) order per shard, like gsi1. */
const fakeStore = (
  persons: Person[],
  opts: { staff?: string[]; threshold?: number; current?: Record<string, string> } = {},
) => {
  const recorded: unknown[] = [];
  const byKey = new Map(persons.map((p) => [p.key, p]));
  const entry = (p: Person): PhoneEntry => ({
    phoneIndex: p.phone,
    personKey: p.key,
    warnings: [...p.warnings].sort(),
  });
  const current = opts.current ?? { U1: 'imp-1', U2: 'imp-1' };
  const store: QualityCheckStore = {
    getImport: async () =>
      ({ importId: 'imp-1', rowWarned: 1, phoneSharedMinNames: opts.threshold }) as unknown as ImportRecord,
    currentVersions: async () => new Map(Object.entries(current)),
    dossiersOfPerson: async (_r, key, versions) =>
      (byKey.get(key)?.dossiers ?? [])
        .filter((d) => versions?.get(d.unitCode) === d.importId)
        .map((d) => ({
          dossierId: 'x',
          personKey: key,
          fieldCode: 'TP',
          completedOn: '2026-01-01',
          row: 2,
          ...d,
        })),
    async *personsInPhoneOrder(_r, shard) {
      const mine = persons
        .filter((p) => p.phone.startsWith(shard))
        .sort((a, b) => `${a.phone}#${a.key}`.localeCompare(`${b.phone}#${b.key}`));
      for (const p of mine) yield entry(p);
    },
    personsWithPhone: async (_r, phone) => persons.filter((p) => p.phone === phone).map(entry),
    staffPhoneIndexes: async () => opts.staff ?? [],
    setPersonWarnings: async (_r, key, change) => {
      const p = byKey.get(key);
      if (!p) return;
      p.warnings = [
        ...new Set([...p.warnings.filter((w) => !change.remove.includes(w)), ...change.add]),
      ].sort();
    },
    recordQuality: async (_r, _i, result) => {
      recorded.push(result);
    },
  };
  return { store, recorded, byKey };
};

const person = (
  key: string,
  phone: string,
  importId = 'imp-1',
  unitCode = 'U1',
  warnings: string[] = [],
): Person => ({
  key,
  phone,
  warnings,
  dossiers: [{ importId, unitCode }],
});

describe('warningChange', () => {
  it('adds what is wanted, removes only person warning codes no longer wanted', () => {
    expect(warningChange(['PHONE_SHARED', 'OTHER'], new Set(['STAFF_PHONE']))).toEqual({
      add: ['STAFF_PHONE'],
      remove: ['PHONE_SHARED'],
    });
    expect(warningChange(['STAFF_PHONE'], new Set(['STAFF_PHONE']))).toEqual({ add: [], remove: [] });
  });
});

describe('runQualityChecks', () => {
  it('flags each person of a phone with ≥ 3 names, not a household of 2; counts rows once', async () => {
    const { store, recorded, byKey } = fakeStore([
      person('a', 'a1'),
      person('b', 'a1'),
      person('c', 'a1'),
      person('d', 'b2'),
      person('e', 'b2'),
    ]);
    await runQualityChecks('r', 'imp-1', { store, now: () => new Date('2026-01-01T00:00:00Z') });
    expect(['a', 'b', 'c'].map((k) => byKey.get(k)?.warnings)).toEqual([
      ['PHONE_SHARED'],
      ['PHONE_SHARED'],
      ['PHONE_SHARED'],
    ]);
    expect(byKey.get('d')?.warnings).toEqual([]);
    expect(recorded).toEqual([{ warned: 4, phoneShared: 3, staffPhone: 0, at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('uses the import’s threshold', async () => {
    const { store, byKey } = fakeStore([person('a', 'a1'), person('b', 'a1'), person('c', 'a1')], {
      threshold: 4,
    });
    await runQualityChecks('r', 'imp-1', { store });
    expect(byKey.get('a')?.warnings).toEqual([]);
  });

  it('counts only persons with a current dossier, and removes flags that no longer hold', async () => {
    const { store, byKey, recorded } = fakeStore([
      person('a', 'c1', 'imp-1', 'U1', ['PHONE_SHARED']),
      person('b', 'c1', 'imp-1', 'U1', ['PHONE_SHARED']),
      person('c', 'c1', 'imp-old', 'U2', ['PHONE_SHARED']), // only in a replaced version
    ]);
    await runQualityChecks('r', 'imp-1', { store });
    expect(['a', 'b', 'c'].map((k) => byKey.get(k)?.warnings)).toEqual([[], [], []]);
    expect(recorded[0]).toMatchObject({ warned: 1, phoneShared: 0 });
  });

  it('flags staff phones; a row already warned at parse is not counted twice', async () => {
    const p = person('s', 'd1');
    p.dossiers[0] = { importId: 'imp-1', unitCode: 'U1', warnings: ['PHONE_LANDLINE'] };
    const { store, byKey, recorded } = fakeStore([p, person('t', 'e1')], { staff: ['d1', 'e1'] });
    await runQualityChecks('r', 'imp-1', { store });
    expect(byKey.get('s')?.warnings).toEqual(['STAFF_PHONE']);
    expect(byKey.get('t')?.warnings).toEqual(['STAFF_PHONE']);
    // rowWarned 1 (s, at parse) + t.
    expect(recorded[0]).toMatchObject({ warned: 2, staffPhone: 2 });
  });

  it('reads no dossier for the common case (a phone of one or two persons, not staff, unflagged)', async () => {
    const persons = Array.from({ length: 2000 }, (_, i) =>
      person(`p${i}`, `${(i % 16).toString(16)}${Math.floor(i / 2)}`),
    );
    const { store, recorded } = fakeStore(persons);
    let reads = 0;
    const counted: QualityCheckStore = {
      ...store,
      dossiersOfPerson: async (...args) => {
        reads++;
        return store.dossiersOfPerson(...args);
      },
    };
    await runQualityChecks('r', 'imp-1', { store: counted });
    expect(reads).toBe(0);
    expect(recorded[0]).toMatchObject({ phoneShared: 0, staffPhone: 0, warned: 1 });
  });
});

describe('recheckStaffPhones', () => {
  it('adds STAFF_PHONE for listed phones, removes it for phones taken off, keeps PHONE_SHARED', async () => {
    const { store, byKey } = fakeStore([
      person('a', 'x1', 'imp-1', 'U1', ['PHONE_SHARED', 'STAFF_PHONE']),
      person('b', 'y1'),
    ]);
    const flagged = await recheckStaffPhones('r', { current: new Set(['y1']), removed: ['x1'] }, store);
    expect(flagged).toBe(1);
    expect(byKey.get('a')?.warnings).toEqual(['PHONE_SHARED']);
    expect(byKey.get('b')?.warnings).toEqual(['STAFF_PHONE']);
  });
});
