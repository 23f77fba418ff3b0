/**
 * Exact decimal arithmetic for every score (data-rules rule 16).
 *
 * All scoring runs on `Dec`, a decimal.js constructor with 24 significant digits, so sums of component
 * points (54.2 + 8.23 …) are exact and quotients such as 32/38 carry 22 decimals below an index of 100
 * — twenty more than any report shows. Values are rounded exactly once, when reported, by `round2`
 * (half-up, 2 decimals). (24 rather than 40 digits: decimal.js works in 7-digit words, so each
 * operation costs about half as much — the scoring core's composition of a national wave takes about
 * half the time — and no published figure changes.)
 */
import { Decimal } from 'decimal.js';

export const Dec = Decimal.clone({ precision: 24, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

/** What scoring functions accept for a number: a JS number, a decimal string or a Decimal. */
export type DecimalInput = number | string | Decimal;

export const ZERO = new Dec(0);
export const HUNDRED = new Dec(100);

/** Mean of decimals; `null` when the list is empty (not applicable is never 0 — rule 16). */
export function mean(values: readonly Decimal[]): Decimal | null {
  if (values.length === 0) return null;
  return values.reduce((acc, v) => acc.plus(v), ZERO).dividedBy(values.length);
}

export function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((acc, v) => acc.plus(v), ZERO);
}

/**
 * Round half up to 2 decimals — the single rounding step, applied only when a value is reported.
 * Half-up means ties go away from zero (all our scores are ≥ 0): 85.785 → 85.79, 80.675 → 80.68.
 */
export function round2(value: DecimalInput): number {
  return new Dec(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
}

/** `round2` that lets "not applicable" through. */
export function round2OrNull(value: DecimalInput | null): number | null {
  return value === null ? null : round2(value);
}

/** Vietnamese display of a number: decimal comma, e.g. 85,78. Used in messages. */
export function viNumber(value: DecimalInput): string {
  return new Dec(value).toString().replace('.', ',');
}
