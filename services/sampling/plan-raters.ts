/**
 * PAR rounds: who rates which unit, from the round's rater matrix (shared/tables/rounds.ts
 * `raterMatrix`) through the domain's expansion (shared/domain/rater-matrix.ts). Not yet on the API:
 * a later issue imports the rater roster and draws forms per assignment.
 */
import {
  expandRaterAssignments,
  ORG_UNIT_TYPES,
  type OrgUnit,
  type OrgUnitType,
  type Rater,
  type RaterExpansion,
} from '../../shared/domain/index.ts';
import { ValidationError } from '../../shared/platform/errors.ts';
import type { Round } from '../../shared/tables/rounds.ts';

const isOrgUnitType = (type: string | undefined): type is OrgUnitType =>
  (ORG_UNIT_TYPES as readonly string[]).includes(type ?? '');

/** The round's units with a catalogue type: only those can be rated (the matrix works by level). */
export const ratableUnits = (round: Pick<Round, 'units'>): OrgUnit[] =>
  round.units.flatMap((u) =>
    isOrgUnitType(u.type)
      ? [
          {
            code: u.code,
            name: u.name,
            type: u.type,
            parentCode: u.parentCode ?? null,
            validFrom: '1900-01-01',
            validTo: null,
            successorCodes: [],
          },
        ]
      : [],
  );

export const planRaterAssignments = (
  round: Pick<Round, 'kind' | 'units' | 'raterMatrix'>,
  raters: readonly Rater[],
): RaterExpansion => {
  if (round.kind !== 'PAR' || !round.raterMatrix) {
    throw new ValidationError(
      'Đợt khảo sát này không có ma trận người đánh giá.',
      undefined,
      'NO_RATER_MATRIX',
    );
  }
  return expandRaterAssignments({ matrix: round.raterMatrix, raters, targets: ratableUnits(round) });
};
