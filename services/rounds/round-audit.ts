/**
 * The round's audit trail for admins: every service's entries (each in its own table, merged by the
 * contract's `readRoundAudit`), newest first, one page at a time. The cursor is the last entry's
 * sort key (`<at>#<id>`), so a page never repeats or skips an entry written meanwhile further back.
 */
import type { RoundAuditEntry } from '../../shared/contracts/audit.ts';
import { ValidationError } from '../../shared/platform/errors.ts';

const keyOf = (e: RoundAuditEntry) => `${e.at}#${e.id}`;

export const auditPage = (
  entries: readonly RoundAuditEntry[],
  query: { limit?: string | undefined; cursor?: string | undefined; action?: string | undefined },
): { items: RoundAuditEntry[]; cursor?: string } => {
  const limit = Math.min(Math.max(Number.parseInt(query.limit ?? '50', 10) || 50, 1), 200);
  let cursor: string | undefined;
  if (query.cursor !== undefined) {
    cursor = Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (!/^\d{4}-\d{2}-\d{2}T.+#.+$/.test(cursor)) {
      throw new ValidationError('Tham số cursor không hợp lệ.', undefined, 'INVALID_CURSOR');
    }
  }
  const newestFirst = [...entries]
    .filter((e) => query.action === undefined || e.action === query.action)
    .sort((a, b) => (keyOf(a) < keyOf(b) ? 1 : keyOf(a) > keyOf(b) ? -1 : 0));
  const start = cursor === undefined ? 0 : newestFirst.findIndex((e) => keyOf(e) < (cursor as string));
  const from = start < 0 ? newestFirst.length : start;
  const items = newestFirst.slice(from, from + limit);
  const last = items.at(-1);
  return from + limit < newestFirst.length && last
    ? { items, cursor: Buffer.from(keyOf(last), 'utf8').toString('base64url') }
    : { items };
};
