/**
 * The round's staff phones (issue 8 §4): officers' own numbers that must not stand in for a
 * citizen's. Sent as JSON `{ "phones": [...] }` or as a one-column CSV/text list (a header line
 * without digits is skipped); each is normalised like a roster phone (rule 7) and stored only as
 * its keyed blind index — the numbers themselves are never kept. The list replaces the previous
 * one, and every person whose phone joined or left the list is re-flagged at once.
 */
import { type Keys, phoneBlindIndex } from '../../shared/platform/crypto.ts';
import { UnprocessableError } from '../../shared/platform/errors.ts';
import { normalisePhone } from './phone.ts';
import { recheckStaffPhones } from './quality-checks.ts';
import type { QualityStore } from './store.ts';

export const MAX_STAFF_PHONES = 10_000;

/** The phone cells of the body, each with its line (JSON: its position, from 1). */
export const staffPhoneLines = (body: string, isJson: boolean): Array<{ line: number; raw: string }> => {
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new UnprocessableError('MALFORMED_JSON', 'Nội dung không phải JSON hợp lệ.');
    }
    const phones = (parsed as { phones?: unknown } | null)?.phones;
    if (!Array.isArray(phones) || phones.some((p) => typeof p !== 'string' && typeof p !== 'number')) {
      throw new UnprocessableError(
        'INVALID_STAFF_PHONES',
        'Hãy gửi JSON dạng { "phones": ["0912345678", …] } (mỗi số là một chuỗi).',
      );
    }
    return phones.map((p, i) => ({ line: i + 1, raw: String(p) }));
  }
  const lines = body.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  const out: Array<{ line: number; raw: string }> = [];
  lines.forEach((text, i) => {
    const first = (text.split(/[,;\t]/)[0] ?? '').replace(/^"|"$/g, '').trim();
    if (first === '') return;
    if (out.length === 0 && !/\d/.test(first)) return; // the header ("Số điện thoại")
    out.push({ line: i + 1, raw: first });
  });
  return out;
};

export const replaceStaffPhones = async (
  roundId: string,
  body: Buffer,
  contentType: string,
  by: string,
  deps: {
    store: Pick<QualityStore, 'replaceStaffPhones' | 'personsWithPhone' | 'setPersonWarnings' | 'putAudit'>;
    keys: Keys;
    now?: () => Date;
  },
): Promise<{ count: number; flaggedPersons: number }> => {
  const lines = staffPhoneLines(body.toString('utf8'), /^application\/json\b/i.test(contentType));
  if (lines.length > MAX_STAFF_PHONES) {
    throw new UnprocessableError(
      'TOO_MANY_STAFF_PHONES',
      `Danh sách có ${lines.length} số, nhiều hơn giới hạn ${MAX_STAFF_PHONES}.`,
    );
  }
  const indexes = new Set<string>();
  const bad: number[] = [];
  for (const { line, raw } of lines) {
    const phone = normalisePhone(raw);
    if (phone.ok) indexes.add(phoneBlindIndex(deps.keys, phone.e164));
    else bad.push(line);
  }
  // Nothing half-written: one invalid number refuses the list (the line numbers, never the values).
  if (bad.length > 0) {
    throw new UnprocessableError(
      'INVALID_PHONE',
      `Số điện thoại không hợp lệ ở dòng ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', …' : ''}. Danh sách chưa được lưu.`,
      bad
        .slice(0, 100)
        .map((row) => ({ row, code: 'INVALID_PHONE', message: 'Số điện thoại không hợp lệ.' })),
    );
  }
  const { removed } = await deps.store.replaceStaffPhones(roundId, [...indexes]);
  const flaggedPersons = await recheckStaffPhones(roundId, { current: indexes, removed }, deps.store);
  const at = (deps.now?.() ?? new Date()).toISOString();
  await deps.store.putAudit({
    roundId,
    at,
    id: `staff-phones-${at}`,
    by,
    service: 'roster-intake',
    action: 'STAFF_PHONES_REPLACED',
    details: { count: indexes.size, removed: removed.length, flaggedPersons },
  });
  return { count: indexes.size, flaggedPersons };
};
