/**
 * Strata (methodology.md §5: strata = unit × field, or unit × procedure [seed 004]): the one place
 * their key is built, used by the draw, quotas and results alike.
 */

export interface Stratum {
  unitCode: string;
  fieldCode: string;
  /** Present when the stratum is a single procedure (e.g. "đăng ký thành lập hộ kinh doanh"). */
  procedureCode?: string;
}

/** Stable key of a stratum, used by sampling and results. */
export function stratumKey(s: Stratum): string {
  return s.procedureCode === undefined
    ? `${s.unitCode}#${s.fieldCode}`
    : `${s.unitCode}#${s.fieldCode}#${s.procedureCode}`;
}
