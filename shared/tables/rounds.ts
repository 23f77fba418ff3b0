/**
 * Contract of the `rounds` table. Writer: services/rounds/store.ts (only). Everyone else reads
 * through `roundsReader()` / `loadRound()`.
 *
 *   ROUND#r / META     one round (gsi1: ROUNDS / createdAt#r, newest first for listings)
 *
 * A round item (`roundItemSchema`), besides name, year, kind, template, structure, methodology
 * version, units, fields and scoring-rule overrides, carries:
 *   - `status`: lifecycle DRAFT → ROSTERS_OPEN → ROSTERS_CLOSED → SAMPLED → IN_FIELD → CLOSED →
 *     SCORED → PUBLISHED. New rounds start ROSTERS_OPEN (uploads work at once); items written
 *     before the lifecycle existed say 'PLANNED' and are read as ROSTERS_OPEN.
 *   - `schedule?`: ISO date-times rostersDeadline ≤ distributionDate ≤ fieldworkEnd (each optional).
 *   - `seed?`: the draw's seed fixed in advance { value, source, fixedAt, fixedBy } (the caller
 *     sends value and source; the service stamps who fixed it and when).
 *   - `quota?`: how many forms per stratum, a discriminated union on `kind`:
 *       fixed        { official, reserve } per stratum
 *       proportional { total, minPerStratum, reserveRatio } shared in proportion to the frame
 *       formula      { marginOfError, minPerStratum?, reserveRatio } n = N/(1+N·e²) per stratum
 *   - `settings`: { minCellSize (10), requireOtp (false), fastCompletionSeconds (60), doubleEntry
 *     (false) }, defaults
 *     filled on create and on reading older items.
 *   - `raterMatrix?`: PAR rounds only; the domain's rater matrix (shared/domain/rater-matrix.ts).
 *   - `questionnaire?`: { id, version } of an imported questionnaire (below); without it the round
 *     uses the built-in template `templateId`. Read the round's form with `loadRoundTemplate`.
 *
 *   QUESTIONNAIRE#id / V#000001   one imported questionnaire version, immutable
 *                                 (gsi1: QUESTIONNAIRES / id#000001)
 *   CATALOGUE#id / V#000001       one imported unit catalogue version (units, optional fields and
 *                                 procedures per level), immutable (gsi1: CATALOGUES / id#000001)
 *   REMINDER#r / <day>#<tokenHash> one reminder of one reminder run (a day): status, channel, the
 *                                 outbox message id — never the recipient nor the text
 *   AUDIT#r / <at>#<id>           the rounds service's audit entries (shared/contracts/audit.ts)
 *
 * A round may also carry `catalogue?` { id, version } (the catalogue version its units were selected
 * from) and `lastTransition?` (the latest lifecycle move: from, to, at, by, reason?, trigger?).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  getTemplate,
  type QuestionnaireTemplate,
  questionnaireTemplateSchema,
  raterMatrixSchema,
} from '../domain/index.ts';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { queryAll, stripKeys } from '../platform/dynamo.ts';
import { NotFoundError } from '../platform/errors.ts';

export const ROUND_STATUSES = [
  'DRAFT',
  'ROSTERS_OPEN',
  'ROSTERS_CLOSED',
  'SAMPLED',
  'IN_FIELD',
  'CLOSED',
  'SCORED',
  'PUBLISHED',
] as const;
export const roundStatusSchema = z.enum(ROUND_STATUSES);
export type RoundStatus = z.infer<typeof roundStatusSchema>;

/** Stored status: the pre-lifecycle 'PLANNED' reads as ROSTERS_OPEN (uploads were open). */
export const storedRoundStatusSchema = z.preprocess(
  (value) => (value === 'PLANNED' ? 'ROSTERS_OPEN' : value),
  roundStatusSchema,
);

const isoDateTime = z.iso.datetime({ offset: true });

export const roundScheduleSchema = z
  .strictObject({
    rostersDeadline: isoDateTime.optional(),
    distributionDate: isoDateTime.optional(),
    fieldworkEnd: isoDateTime.optional(),
  })
  .superRefine((s, ctx) => {
    const steps = (['rostersDeadline', 'distributionDate', 'fieldworkEnd'] as const).filter(
      (k) => s[k] !== undefined,
    );
    for (let i = 1; i < steps.length; i++) {
      const before = steps[i - 1]!;
      const after = steps[i]!;
      if (Date.parse(s[before]!) > Date.parse(s[after]!)) {
        ctx.addIssue({
          code: 'custom',
          path: [after],
          message: `${after} phải sau hoặc bằng ${before}.`,
        });
      }
    }
  });
export type RoundSchedule = z.infer<typeof roundScheduleSchema>;

/** What the caller sends to fix a seed. */
export const roundSeedInputSchema = z.strictObject({
  value: z.string().trim().min(1).max(200),
  /** Where the value comes from, e.g. "bốc thăm công khai 02/03/2026, biên bản số 5". */
  source: z.string().trim().min(1).max(500),
});
export const roundSeedSchema = roundSeedInputSchema.extend({
  fixedAt: z.string(),
  fixedBy: z.string(),
});
export type RoundSeed = z.infer<typeof roundSeedSchema>;

const ratio = z.number().min(0).max(10);
export const roundQuotaSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fixed'),
    official: z.number().int().min(1).max(5000),
    reserve: z.number().int().min(0).max(5000),
  }),
  z.strictObject({
    kind: z.literal('proportional'),
    total: z.number().int().min(1).max(1_000_000),
    minPerStratum: z.number().int().min(0).max(5000),
    reserveRatio: ratio,
  }),
  z.strictObject({
    kind: z.literal('formula'),
    marginOfError: z.number().gt(0).lt(1),
    minPerStratum: z.number().int().min(0).max(5000).optional(),
    reserveRatio: ratio,
  }),
]);
export type RoundQuota = z.infer<typeof roundQuotaSchema>;

export const DEFAULT_ROUND_SETTINGS = {
  minCellSize: 10,
  requireOtp: false,
  fastCompletionSeconds: 60,
  doubleEntry: false,
};
export const roundSettingsSchema = z.strictObject({
  /** Results of a cell with fewer returned forms are not shown (privacy, small numbers). */
  minCellSize: z.number().int().min(1).max(1000).default(DEFAULT_ROUND_SETTINGS.minCellSize),
  /** Respondents confirm a one-time code before the form opens. */
  requireOtp: z.boolean().default(DEFAULT_ROUND_SETTINGS.requireOtp),
  /** A form completed faster than this is flagged for review. */
  fastCompletionSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(DEFAULT_ROUND_SETTINGS.fastCompletionSeconds),
  /** Roster quality: distinct persons on one phone from which each is flagged PHONE_SHARED (default 3, shared/domain/roster-quality.ts). */
  phoneSharedMinNames: z.number().int().min(2).max(1000).optional(),
  /** Returned paper forms are keyed twice, blind, by two operators (submission service). */
  doubleEntry: z.boolean().default(DEFAULT_ROUND_SETTINGS.doubleEntry),
  /** The daily reminder job (rounds-reminders) texts this round's non-responders while in the field. */
  dailyReminders: z.boolean().optional(),
});
export type RoundSettings = z.infer<typeof roundSettingsSchema>;

export const roundUnitSchema = z.object({
  code: z.string(),
  name: z.string(),
  parentCode: z.string().optional(),
  type: z.string().optional(),
});

export const roundItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  year: z.number(),
  kind: z.enum(['SIPAS', 'PAR']),
  templateId: z.string(),
  structure: z.enum(['three-tier', 'two-tier']),
  /** Version of the methodology configuration the round follows (shared/domain/methodology-config.ts). */
  methodologyVersion: z.string(),
  units: z.array(roundUnitSchema),
  fields: z.array(z.object({ code: z.string(), name: z.string() })),
  scoringRules: z.record(z.string(), z.unknown()).default({}),
  status: storedRoundStatusSchema,
  schedule: roundScheduleSchema.optional(),
  seed: roundSeedSchema.optional(),
  quota: roundQuotaSchema.optional(),
  settings: roundSettingsSchema.default(DEFAULT_ROUND_SETTINGS),
  raterMatrix: raterMatrixSchema.optional(),
  questionnaire: z.object({ id: z.string(), version: z.number().int().positive() }).optional(),
  /** The stored catalogue version the units were selected from (POST /api/catalogues). */
  catalogue: z.object({ id: z.string(), version: z.number().int().positive() }).optional(),
  /** The latest lifecycle move (the full history is in the audit trail). */
  lastTransition: z
    .object({
      from: z.string(),
      to: z.string(),
      at: z.string(),
      by: z.string(),
      reason: z.string().optional(),
      trigger: z.string().optional(),
    })
    .optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  requestHash: z.string(),
});
export type Round = z.infer<typeof roundItemSchema>;

/**
 * Where a unit × field stands in a round, with the round's names for both (a code the round does not
 * know keeps an empty unit name and its code as the field name), for lists and exports.
 */
export const placeNames = (round: Pick<Round, 'units' | 'fields'>) => {
  const unitName = new Map(round.units.map((u) => [u.code, u.name]));
  const fieldName = new Map(round.fields.map((f) => [f.code, f.name]));
  return (p: { unitCode: string; fieldCode: string }) => ({
    unitCode: p.unitCode,
    unitName: unitName.get(p.unitCode) ?? '',
    fieldCode: p.fieldCode,
    fieldName: fieldName.get(p.fieldCode) ?? p.fieldCode,
  });
};

// ---- keys ----
export const ROUNDS_INDEX_PK = 'ROUNDS';
export const roundKey = (roundId: string) => ({ pk: `ROUND#${roundId}`, sk: 'META' });
export const roundIndexKey = (round: Pick<Round, 'id' | 'createdAt'>) => ({
  gsi1pk: ROUNDS_INDEX_PK,
  gsi1sk: `${round.createdAt}#${round.id}`,
});

export const parseRoundItem = (item: Record<string, unknown>): Round =>
  roundItemSchema.parse(stripKeys(item));

// ---- imported questionnaires ----
export const questionnaireItemSchema = z.object({
  id: z.string(),
  version: z.number().int().positive(),
  /** sha256 of the canonical template JSON: a re-sent file finds its version. */
  contentHash: z.string(),
  template: questionnaireTemplateSchema,
  /** Format the file came in. */
  source: z.enum(['csv', 'xlsx', 'json']),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type StoredQuestionnaire = z.infer<typeof questionnaireItemSchema>;

export const QUESTIONNAIRES_INDEX_PK = 'QUESTIONNAIRES';
const pad = (version: number) => String(version).padStart(6, '0');
export const questionnaireKey = (id: string, version: number) => ({
  pk: `QUESTIONNAIRE#${id}`,
  sk: `V#${pad(version)}`,
});
export const questionnaireIndexKey = (id: string, version: number) => ({
  gsi1pk: QUESTIONNAIRES_INDEX_PK,
  gsi1sk: `${id}#${pad(version)}`,
});
export const parseQuestionnaireItem = (item: Record<string, unknown>): StoredQuestionnaire =>
  questionnaireItemSchema.parse(stripKeys(item));

// ---- imported unit catalogues ----
export const catalogueUnitSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.string(),
  parentCode: z.string().nullable(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  successorCodes: z.array(z.string()),
});
export const catalogueFieldSchema = z.object({
  code: z.string(),
  name: z.string(),
  /** Levels of units that handle the field (department, district, commune). */
  levels: z.array(z.string()),
  procedures: z.array(z.object({ code: z.string(), name: z.string() })),
});
export const catalogueItemSchema = z.object({
  id: z.string(),
  version: z.number().int().positive(),
  name: z.string(),
  /** sha256 of the canonical units + fields: the same file again finds its version. */
  contentHash: z.string(),
  units: z.array(catalogueUnitSchema),
  fields: z.array(catalogueFieldSchema).default([]),
  source: z.enum(['csv', 'xlsx']),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type StoredCatalogue = z.infer<typeof catalogueItemSchema>;

export const CATALOGUES_INDEX_PK = 'CATALOGUES';
export const catalogueKey = (id: string, version: number) => ({
  pk: `CATALOGUE#${id}`,
  sk: `V#${pad(version)}`,
});
export const catalogueIndexKey = (id: string, version: number) => ({
  gsi1pk: CATALOGUES_INDEX_PK,
  gsi1sk: `${id}#${pad(version)}`,
});
export const parseCatalogueItem = (item: Record<string, unknown>): StoredCatalogue =>
  catalogueItemSchema.parse(stripKeys(item));

export class CatalogueNotFoundError extends NotFoundError {
  constructor(id: string, version?: number) {
    super(
      `Không tìm thấy danh mục đơn vị "${id}"${version === undefined ? '' : ` phiên bản ${version}`}.`,
      'CATALOGUE_NOT_FOUND',
    );
  }
}

// ---- reminders ----
export const reminderItemSchema = z.object({
  roundId: z.string(),
  /** The run's calendar day (local, yyyy-mm-dd): one reminder per respondent per day at most. */
  runDay: z.string(),
  tokenHash: z.string(),
  unitCode: z.string(),
  fieldCode: z.string(),
  channel: z.enum(['sms', 'email']),
  status: z.enum(['pending', 'sent', 'failed']),
  notificationId: z.string().optional(),
  failure: z.string().optional(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
});
export type ReminderRecord = z.infer<typeof reminderItemSchema>;
export const reminderKey = (roundId: string, runDay: string, tokenHash: string) => ({
  pk: `REMINDER#${roundId}`,
  sk: `${runDay}#${tokenHash}`,
});
export const parseReminderItem = (item: Record<string, unknown>): ReminderRecord =>
  reminderItemSchema.parse(stripKeys(item));

export class QuestionnaireNotFoundError extends NotFoundError {
  constructor(id: string, version: number) {
    super(`Không tìm thấy mẫu phiếu "${id}" phiên bản ${version}.`, 'QUESTIONNAIRE_NOT_FOUND');
  }
}

// ---- reader ----
export interface RoundsReader {
  get(roundId: string): Promise<Round | null>;
  /** One imported questionnaire version. */
  getQuestionnaire(id: string, version: number): Promise<StoredQuestionnaire | null>;
  /** One stored unit catalogue version. */
  getCatalogue(id: string, version: number): Promise<StoredCatalogue | null>;
  /** Every round, all pages (scheduled jobs only; never in a request path). */
  listAll(): Promise<Round[]>;
}

export const roundsReader = (): RoundsReader => {
  const table = tableName('rounds');
  return {
    async get(roundId) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: roundKey(roundId), ConsistentRead: true }),
      );
      return out.Item ? parseRoundItem(out.Item) : null;
    },
    async getQuestionnaire(id, version) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: questionnaireKey(id, version) }),
      );
      return out.Item ? parseQuestionnaireItem(out.Item) : null;
    },
    async getCatalogue(id, version) {
      const out = await dynamo().send(new GetCommand({ TableName: table, Key: catalogueKey(id, version) }));
      return out.Item ? parseCatalogueItem(out.Item) : null;
    },
    async listAll() {
      const items = await queryAll({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': ROUNDS_INDEX_PK },
      });
      return items.map(parseRoundItem);
    },
  };
};

export class RoundNotFoundError extends NotFoundError {
  constructor() {
    super('Không tìm thấy đợt khảo sát.', 'ROUND_NOT_FOUND');
  }
}

/** A round or 404 ROUND_NOT_FOUND. */
export const loadRound = async (roundId: string, reader: Pick<RoundsReader, 'get'>): Promise<Round> => {
  const round = await reader.get(roundId);
  if (!round) throw new RoundNotFoundError();
  return round;
};

// Imported versions never change, so a warm container keeps every one it has read. Callers treat
// the template they get as read-only (it is shared by every request of the container).
const templateCache = new Map<string, QuestionnaireTemplate>();

/**
 * The round's questionnaire: its imported version when it references one (read once per container),
 * else the built-in template `templateId`. Callers whose reader lacks `getQuestionnaire` get the
 * table's own reader.
 */
export const loadRoundTemplate = async (
  round: Pick<Round, 'templateId' | 'questionnaire'>,
  reader: Partial<Pick<RoundsReader, 'get' | 'getQuestionnaire'>> = {},
): Promise<QuestionnaireTemplate> => {
  const ref = round.questionnaire;
  if (!ref) {
    // Built-in templates are immutable too: one copy per container, not a deep copy per request.
    const key = `builtin#${round.templateId}`;
    const builtin = templateCache.get(key) ?? getTemplate(round.templateId);
    templateCache.set(key, builtin);
    return builtin;
  }
  const key = `${ref.id}#${ref.version}`;
  const cached = templateCache.get(key);
  if (cached) return cached;
  const get = reader.getQuestionnaire ?? roundsReader().getQuestionnaire;
  const stored = await get(ref.id, ref.version);
  if (!stored) throw new QuestionnaireNotFoundError(ref.id, ref.version);
  templateCache.set(key, stored.template);
  return stored.template;
};
