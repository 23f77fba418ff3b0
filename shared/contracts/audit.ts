/**
 * The round's audit trail: who changed what, when and why (issues 9, 10, 11, 12).
 *
 * One writer per table still holds: each service writes the audit entries of ITS changes into ITS OWN
 * table, in a partition of their own (`AUDIT#<roundId>` / `<at>#<id>`), in the same call (or the
 * same transaction) as the change. The rounds service's `GET /api/rounds/{roundId}/audit` merges the
 * trails of every table through `readAuditTrail`, so nobody writes a table it does not own.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { queryAll } from '../platform/dynamo.ts';
import type { TableName } from '../platform/resources.ts';

export const roundAuditEntrySchema = z.object({
  roundId: z.string().min(1),
  /** ISO date-time of the change. */
  at: z.iso.datetime({ offset: true }),
  /** Unique per entry (sortable with `at`); a retried write with the same id changes nothing. */
  id: z.string().min(1),
  /** The principal's `sub`, or `system` / `schedule` for automatic changes. */
  by: z.string().min(1),
  /** The service that made the change (rounds, roster-intake, sampling, submission, scoring). */
  service: z.string().min(1),
  /** What happened, UPPER_SNAKE: ROUND_CREATED, SEED_FIXED, SAMPLE_SUPERSEDED, RESPONDENT_SUBSTITUTED, … */
  action: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  /** What it happened to (a sample id, an assignment, a unit, a criterion), never personal data. */
  target: z.string().max(500).optional(),
  /** The stated reason, where the change needs one. */
  reason: z.string().max(2000).optional(),
  /** Small structured facts (before/after values, counts). Never names, phones, addresses or tokens. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type RoundAuditEntry = z.infer<typeof roundAuditEntrySchema>;

export const auditPk = (roundId: string): string => `AUDIT#${roundId}`;
export const auditKey = (roundId: string, at: string, id: string) => ({
  pk: auditPk(roundId),
  sk: `${at}#${id}`,
});

/** The item a store puts (alone, or inside its own transaction) for one audit entry. */
export const auditItem = (entry: RoundAuditEntry): Record<string, unknown> => {
  const parsed = roundAuditEntrySchema.parse(entry);
  return { ...auditKey(parsed.roundId, parsed.at, parsed.id), ...parsed };
};

/** Writes one audit entry into `table` — call it only from the store that owns `table`. */
export const putAuditEntry = async (table: TableName, entry: RoundAuditEntry): Promise<void> => {
  await dynamo().send(new PutCommand({ TableName: tableName(table), Item: auditItem(entry) }));
};

/** One table's trail for a round, oldest first. */
export const readAuditTrail = async (table: TableName, roundId: string): Promise<RoundAuditEntry[]> => {
  const items = await queryAll({
    TableName: tableName(table),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': auditPk(roundId) },
  });
  return items.map((item) => {
    const { pk: _pk, sk: _sk, ...rest } = item;
    return roundAuditEntrySchema.parse(rest);
  });
};

/** Every table's trail merged, oldest first (ties by id). */
export const readRoundAudit = async (
  tables: readonly TableName[],
  roundId: string,
): Promise<RoundAuditEntry[]> => {
  const all = (await Promise.all(tables.map((t) => readAuditTrail(t, roundId)))).flat();
  return all.sort((a, b) => (a.at === b.at ? a.id.localeCompare(b.id) : a.at.localeCompare(b.at)));
};
