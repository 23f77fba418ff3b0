import type { Principal } from '../../shared/platform/auth.ts';
import { AppError } from '../../shared/platform/errors.ts';
import type { Round } from '../../shared/tables/rounds.ts';

/** dd/mm/yyyy of an instant in Vietnam time (UTC+7, no daylight saving). */
export const vietnamDate = (iso: string): string => {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};

export class ListsBlindError extends AppError {
  constructor(distributionDate: string | undefined) {
    super(
      403,
      'LISTS_BLIND_UNTIL_DISTRIBUTION',
      distributionDate
        ? `Đơn vị chỉ xem được danh sách người được chọn từ ngày phát phiếu ${vietnamDate(distributionDate)}; trước đó chỉ xem số lượng.`
        : 'Đợt chưa có ngày phát phiếu: đơn vị chỉ xem số lượng, chưa xem được danh sách người được chọn.',
    );
  }
}

/**
 * A unit's focal point (a principal scoped to some units) must not learn which of its people were
 * drawn before the forms go out (they could coach them): every list endpoint calls this.
 * Province-wide staff (units "*") are not blind.
 */
export const requireListsVisible = (
  round: Pick<Round, 'schedule'>,
  principal: Principal,
  now: Date,
): void => {
  if (principal.units === '*') return;
  const at = round.schedule?.distributionDate;
  if (!at || now.getTime() < Date.parse(at)) throw new ListsBlindError(at);
};
