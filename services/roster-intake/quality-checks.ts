/**
 * Quality checks (issue 8 §4), run once an import completes — by the chunk consumer that saw the
 * import complete — over the whole round, since a later file may make an earlier phone shared:
 *  - PHONE_SHARED: a phone carried by ≥ `phoneSharedMinNames` persons of the current rosters;
 *  - STAFF_PHONE: a phone on the round's staff list.
 * Persons are read from gsi1 in (phone blind index, person key) order, 16 shards, so the persons
 * of one phone arrive together and only that group is held in memory: bounded whatever the round's
 * size. Flags are recomputed, not accumulated: a flag that no longer holds (a corrected version
 * dropped a name) is removed. Nothing is dropped: a flag is a warning on the person, visible in
 * /respondents, its exports and the import's counts.
 */
import {
  PERSON_WARNING_CODES,
  type PersonWarningCode,
  rosterQualityRules,
} from '../../shared/domain/index.ts';
import { logger } from '../../shared/platform/logger.ts';
import type { DossierRecord, PhoneEntry } from '../../shared/tables/respondents.ts';
import type { QualityStore } from './store.ts';

export type QualityCheckStore = Pick<
  QualityStore,
  | 'getImport'
  | 'currentVersions'
  | 'dossiersOfPerson'
  | 'personsInPhoneOrder'
  | 'personsWithPhone'
  | 'staffPhoneIndexes'
  | 'setPersonWarnings'
  | 'recordQuality'
>;

export interface QualityDeps {
  store: QualityCheckStore;
  now?: () => Date;
  /** Shards read at once (of 16). */
  parallel?: number;
}

const SHARDS = '0123456789abcdef'.split('');
const PERSON_CODES: ReadonlySet<string> = new Set(PERSON_WARNING_CODES);

/** The flag changes that bring `have` to `want` (only person warning codes are touched). */
export const warningChange = (
  have: readonly string[],
  want: ReadonlySet<PersonWarningCode>,
): { add: PersonWarningCode[]; remove: string[] } => ({
  add: [...want].filter((c) => !have.includes(c)).sort(),
  remove: have.filter((c) => PERSON_CODES.has(c) && !want.has(c as PersonWarningCode)),
});

interface Tally {
  extraWarned: number;
  phoneShared: number;
  staffPhone: number;
  groups: number;
}

export const runQualityChecks = async (
  roundId: string,
  importId: string,
  deps: QualityDeps,
): Promise<void> => {
  const { store } = deps;
  const started = Date.now();
  const record = await store.getImport(roundId, importId);
  if (!record) return;
  const { phoneSharedMinNames } = rosterQualityRules({ phoneSharedMinNames: record.phoneSharedMinNames });
  const versions = await store.currentVersions(roundId);
  const staff = new Set(await store.staffPhoneIndexes(roundId));
  const tally: Tally = { extraWarned: 0, phoneShared: 0, staffPhone: 0, groups: 0 };

  const checkGroup = async (group: PhoneEntry[]): Promise<void> => {
    const isStaff = staff.has(group[0]?.phoneIndex ?? '');
    const flagged = group.some((p) => p.warnings.some((w) => PERSON_CODES.has(w)));
    // The common case: a phone of one or two persons, not staff, nothing to undo.
    if (group.length < phoneSharedMinNames && !isStaff && !flagged) return;
    tally.groups++;
    const dossiers: DossierRecord[][] = await Promise.all(
      group.map((p) => store.dossiersOfPerson(roundId, p.personKey, versions)),
    );
    // Persons only in replaced versions neither count nor get flagged.
    const current = dossiers.filter((d) => d.length > 0).length;
    const shared = current >= phoneSharedMinNames;
    await Promise.all(
      group.map(async (person, i) => {
        const own = dossiers[i] ?? [];
        const want = new Set<PersonWarningCode>();
        if (shared && own.length > 0) want.add('PHONE_SHARED');
        if (isStaff) want.add('STAFF_PHONE');
        await store.setPersonWarnings(roundId, person.personKey, warningChange(person.warnings, want));
        const mine = own.filter((d) => d.importId === importId);
        if (want.size === 0 || mine.length === 0) return;
        if (want.has('PHONE_SHARED')) tally.phoneShared++;
        if (want.has('STAFF_PHONE')) tally.staffPhone++;
        // Rows already warned at parse time are counted once.
        tally.extraWarned += mine.filter((d) => (d.warnings?.length ?? 0) === 0).length;
      }),
    );
  };

  const checkShard = async (shard: string): Promise<void> => {
    let group: PhoneEntry[] = [];
    for await (const entry of store.personsInPhoneOrder(roundId, shard)) {
      if (group.length > 0 && group[0]?.phoneIndex !== entry.phoneIndex) {
        await checkGroup(group);
        group = [];
      }
      group.push(entry);
    }
    if (group.length > 0) await checkGroup(group);
  };

  const queue = [...SHARDS];
  await Promise.all(
    Array.from({ length: deps.parallel ?? 4 }, async () => {
      for (let shard = queue.shift(); shard !== undefined; shard = queue.shift()) await checkShard(shard);
    }),
  );

  const warned = (record.rowWarned ?? 0) + tally.extraWarned;
  await store.recordQuality(roundId, importId, {
    warned,
    phoneShared: tally.phoneShared,
    staffPhone: tally.staffPhone,
    at: (deps.now?.() ?? new Date()).toISOString(),
  });
  // Counts and ids only: never a name, phone or address.
  logger('roster-intake').info('roster quality checks done', {
    roundId,
    importId,
    warned,
    phoneShared: tally.phoneShared,
    staffPhone: tally.staffPhone,
    groupsChecked: tally.groups,
    ms: Date.now() - started,
  });
};

/**
 * After the staff list changed: (re)flag STAFF_PHONE on every person whose phone was added or
 * removed. Returns how many persons now carry STAFF_PHONE among those touched.
 */
export const recheckStaffPhones = async (
  roundId: string,
  change: { current: ReadonlySet<string>; removed: readonly string[] },
  store: Pick<QualityStore, 'personsWithPhone' | 'setPersonWarnings'>,
): Promise<number> => {
  let flagged = 0;
  for (const phoneIndex of [...change.current, ...change.removed]) {
    const isStaff = change.current.has(phoneIndex);
    for (const person of await store.personsWithPhone(roundId, phoneIndex)) {
      const want = new Set(person.warnings.filter((w): w is PersonWarningCode => w === 'PHONE_SHARED'));
      if (isStaff) {
        want.add('STAFF_PHONE');
        flagged++;
      }
      await store.setPersonWarnings(roundId, person.personKey, warningChange(person.warnings, want));
    }
  }
  return flagged;
};
