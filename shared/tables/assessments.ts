/**
 * Contract of the `assessments` table (PAR Index self-assessment and appraisal, docs/par.md).
 * Writer: services/assessment/store.ts (only). Readers: the assessment service, scoring (composition).
 *
 *   CRITERIA#id / V#000001          one imported criteria-tree version, immutable
 *                                   (gsi1: PAR_CRITERIA / id#000001)
 *   ROUND#r / SETUP                 the round's criteria version, self-assessment deadline, response window
 *   ROUND#r / UNIT#u                one unit's assessment state (draft → submitted → appraised → finalised)
 *   ROUND#r / ENTRY#u#at#id         one change: a self-assessed score with evidence, an appraisal
 *                                   (adjusted score + reason, or a formula criterion's figure) or the
 *                                   unit's response; never overwritten, the latest per criterion counts
 *   AUDIT#r / at#id                 the round's audit trail of these changes (shared/contracts/audit.ts)
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  type AppraisalEntry,
  appraisalEntrySchema,
  type ParCriteriaConfig,
  parCriteriaConfigSchema,
  type SelfAssessmentEntry,
  selfAssessmentEntrySchema,
} from '../domain/index.ts';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { queryAll, queryPrefix, stripKeys } from '../platform/dynamo.ts';

const isoDateTime = z.iso.datetime({ offset: true });

export const criteriaVersionItemSchema = z.object({
  id: z.string(),
  version: z.number().int().positive(),
  /** sha256 of the canonical tree without its version: the same content re-sent finds its version. */
  contentHash: z.string(),
  config: parCriteriaConfigSchema,
  source: z.enum(['csv', 'json']),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type StoredCriteria = z.infer<typeof criteriaVersionItemSchema>;

export const assessmentSetupSchema = z.object({
  roundId: z.string(),
  criteria: z.object({ id: z.string(), version: z.number().int().positive() }),
  /** After this instant self-assessments are refused (`SELF_ASSESSMENT_CLOSED`). */
  selfAssessmentDeadline: isoDateTime,
  /** Hours the unit has to answer once the Sở publishes its appraisal. */
  responseWindowHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 90),
  attachedAt: z.string(),
  attachedBy: z.string(),
});
export type AssessmentSetup = z.infer<typeof assessmentSetupSchema>;

export const ASSESSMENT_STATUSES = ['draft', 'submitted', 'appraised', 'finalised'] as const;
export const unitAssessmentStateSchema = z.object({
  roundId: z.string(),
  unitCode: z.string(),
  status: z.enum(ASSESSMENT_STATUSES),
  updatedAt: z.string(),
  submittedAt: z.string().optional(),
  submittedBy: z.string().optional(),
  appraisalPublishedAt: z.string().optional(),
  responseDeadline: z.string().optional(),
  respondedAt: z.string().optional(),
  finalisedAt: z.string().optional(),
  finalisedBy: z.string().optional(),
});
export type UnitAssessmentState = z.infer<typeof unitAssessmentStateSchema>;

export const responseEntrySchema = z.object({
  unitCode: z.string().min(1),
  /** The appraised sub-criterion answered; absent = about the appraisal as a whole. */
  criterionCode: z.string().min(1).optional(),
  text: z.string().min(1).max(4000),
  by: z.string().min(1),
  at: isoDateTime,
});
export type ResponseEntry = z.infer<typeof responseEntrySchema>;

export const assessmentEntrySchema = z.discriminatedUnion('kind', [
  selfAssessmentEntrySchema.extend({ kind: z.literal('self'), id: z.string() }),
  appraisalEntrySchema.omit({ unitResponse: true }).extend({ kind: z.literal('appraisal'), id: z.string() }),
  responseEntrySchema.extend({ kind: z.literal('response'), id: z.string() }),
]);
export type AssessmentEntry = z.infer<typeof assessmentEntrySchema>;

// ---- keys ----
export const CRITERIA_INDEX_PK = 'PAR_CRITERIA';
const pad = (version: number) => String(version).padStart(6, '0');
export const criteriaKey = (id: string, version: number) => ({
  pk: `CRITERIA#${id}`,
  sk: `V#${pad(version)}`,
});
export const criteriaIndexKey = (id: string, version: number) => ({
  gsi1pk: CRITERIA_INDEX_PK,
  gsi1sk: `${id}#${pad(version)}`,
});
export const assessmentRoundPk = (roundId: string) => `ROUND#${roundId}`;
export const setupKey = (roundId: string) => ({ pk: assessmentRoundPk(roundId), sk: 'SETUP' });
export const unitStateKey = (roundId: string, unitCode: string) => ({
  pk: assessmentRoundPk(roundId),
  sk: `UNIT#${unitCode}`,
});
export const entryKey = (roundId: string, e: Pick<AssessmentEntry, 'unitCode' | 'at' | 'id'>) => ({
  pk: assessmentRoundPk(roundId),
  sk: `ENTRY#${e.unitCode}#${e.at}#${e.id}`,
});

// ---- reader ----
export interface AssessmentsReader {
  getCriteria(id: string, version: number): Promise<StoredCriteria | null>;
  listCriteria(): Promise<StoredCriteria[]>;
  getSetup(roundId: string): Promise<AssessmentSetup | null>;
  getUnitState(roundId: string, unitCode: string): Promise<UnitAssessmentState | null>;
  listUnitStates(roundId: string): Promise<UnitAssessmentState[]>;
  /** One unit's entries, oldest first; without a unit, every unit's. */
  listEntries(roundId: string, unitCode?: string): Promise<AssessmentEntry[]>;
}

export const parseCriteriaItem = (item: Record<string, unknown>): StoredCriteria =>
  criteriaVersionItemSchema.parse(stripKeys(item));

const byAt = (a: AssessmentEntry, b: AssessmentEntry) =>
  a.at === b.at ? a.id.localeCompare(b.id) : a.at.localeCompare(b.at);

export const assessmentsReader = (): AssessmentsReader => {
  const table = tableName('assessments');
  const get = async (key: { pk: string; sk: string }) =>
    (await dynamo().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  return {
    async getCriteria(id, version) {
      const item = await get(criteriaKey(id, version));
      return item ? parseCriteriaItem(item) : null;
    },
    async listCriteria() {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': CRITERIA_INDEX_PK },
      });
      return items.map(parseCriteriaItem);
    },
    async getSetup(roundId) {
      const item = await get(setupKey(roundId));
      return item ? assessmentSetupSchema.parse(stripKeys(item)) : null;
    },
    async getUnitState(roundId, unitCode) {
      const item = await get(unitStateKey(roundId, unitCode));
      return item ? unitAssessmentStateSchema.parse(stripKeys(item)) : null;
    },
    async listUnitStates(roundId) {
      const items = await queryPrefix(table, assessmentRoundPk(roundId), 'UNIT#');
      return items.map((i) => unitAssessmentStateSchema.parse(stripKeys(i)));
    },
    async listEntries(roundId, unitCode) {
      const prefix = unitCode === undefined ? 'ENTRY#' : `ENTRY#${unitCode}#`;
      const items = await queryPrefix(table, assessmentRoundPk(roundId), prefix);
      return items.map((i) => assessmentEntrySchema.parse(stripKeys(i))).sort(byAt);
    },
  };
};

/** The round's criteria tree, or null when none is attached. */
export const loadRoundCriteria = async (
  roundId: string,
  reader: Pick<AssessmentsReader, 'getSetup' | 'getCriteria'>,
): Promise<{ setup: AssessmentSetup; config: ParCriteriaConfig } | null> => {
  const setup = await reader.getSetup(roundId);
  if (!setup) return null;
  const stored = await reader.getCriteria(setup.criteria.id, setup.criteria.version);
  if (!stored) return null;
  return { setup, config: stored.config };
};

/** The entries in the domain's shapes (responses attached to the appraisal they answer). */
export const splitEntries = (
  entries: readonly AssessmentEntry[],
): { selfAssessments: SelfAssessmentEntry[]; appraisals: AppraisalEntry[]; responses: ResponseEntry[] } => {
  const selfAssessments: SelfAssessmentEntry[] = [];
  const appraisals: AppraisalEntry[] = [];
  const responses: ResponseEntry[] = [];
  for (const e of entries) {
    const { kind: _k, id: _i, ...rest } = e;
    if (e.kind === 'self') selfAssessments.push(rest as SelfAssessmentEntry);
    else if (e.kind === 'appraisal') appraisals.push(rest as AppraisalEntry);
    else responses.push(rest as ResponseEntry);
  }
  return { selfAssessments, appraisals, responses };
};
