/**
 * Roster quality rules (issue 8 §4): warnings an ops user sees and accepts, never silent drops.
 *  - PHONE_SHARED: one phone carried by at least `phoneSharedMinNames` different persons (data-rules
 *    rule 9: a different name on the same phone is another person) — possible list padding; a
 *    household of two is normal, so the default threshold is 3. A round may set its own
 *    (`settings.phoneSharedMinNames`).
 *  - STAFF_PHONE: the phone is on the round's list of staff phones (an officer's own number typed in).
 * Row warnings from parsing (PHONE_LANDLINE, PHONE_LEGACY_CONVERTED) travel with the dossier.
 */
import { z } from 'zod';

export const ROSTER_WARNING_CODES = [
  'PHONE_LANDLINE',
  'PHONE_LEGACY_CONVERTED',
  'PHONE_SHARED',
  'STAFF_PHONE',
] as const;
export type RosterWarningCode = (typeof ROSTER_WARNING_CODES)[number];

/** Warnings a person carries (computed over the whole round), as opposed to one dossier row's. */
export const PERSON_WARNING_CODES = ['PHONE_SHARED', 'STAFF_PHONE'] as const;
export type PersonWarningCode = (typeof PERSON_WARNING_CODES)[number];

export const rosterQualityRulesSchema = z.object({
  /** Persons (distinct names) on one phone from which each is flagged PHONE_SHARED. */
  phoneSharedMinNames: z.number().int().min(2).max(1000).default(3),
});
export type RosterQualityRules = z.infer<typeof rosterQualityRulesSchema>;

export const DEFAULT_ROSTER_QUALITY_RULES: RosterQualityRules = rosterQualityRulesSchema.parse({});

/** The round's rules: its own settings over the defaults. */
export const rosterQualityRules = (settings: {
  phoneSharedMinNames?: number | undefined;
}): RosterQualityRules =>
  rosterQualityRulesSchema.parse(
    settings.phoneSharedMinNames === undefined ? {} : { phoneSharedMinNames: settings.phoneSharedMinNames },
  );

/** Vietnamese label of each warning (exports, console). */
export const ROSTER_WARNING_LABELS: Record<RosterWarningCode, string> = {
  PHONE_LANDLINE: 'Số máy bàn',
  PHONE_LEGACY_CONVERTED: 'Số 11 chữ số cũ đã chuyển đầu số',
  PHONE_SHARED: 'Một số điện thoại dùng cho nhiều người',
  STAFF_PHONE: 'Số điện thoại của cán bộ',
};
