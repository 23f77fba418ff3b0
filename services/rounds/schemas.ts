import { z } from 'zod';
import { normaliseText } from '../../shared/domain/index.ts';
import {
  roundQuotaSchema,
  roundScheduleSchema,
  roundSeedInputSchema,
  roundSettingsSchema,
  roundStatusSchema,
} from '../../shared/tables/rounds.ts';

export type { Round } from '../../shared/tables/rounds.ts';

const code = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
    'Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch (tối đa 40 ký tự).',
  );
const name = z.string().transform(normaliseText).pipe(z.string().min(1).max(200));

// đơn vị = assessed administrative unit (sở, UBND huyện/xã, bộ phận một cửa …)
export const unitInputSchema = z.strictObject({
  code,
  name,
  parentCode: code.optional(),
  type: z.string().trim().min(1).max(40).optional(),
});

// lĩnh vực = administrative field (stratum key together with the unit)
export const fieldInputSchema = z.strictObject({ code: code.optional(), name });

export const createRoundSchema = z
  .strictObject({
    name,
    year: z.number().int().min(2010).max(2100),
    kind: z.enum(['SIPAS', 'PAR']),
    templateId: z.string().trim().min(1).max(80).optional(),
    /** An imported questionnaire version (POST /api/questionnaires) instead of a built-in template. */
    questionnaire: z
      .strictObject({ id: z.string().trim().min(1).max(80), version: z.number().int().positive() })
      .optional(),
    /** Local government structure the round's units follow (2-tier from 1/7/2025). */
    structure: z.enum(['three-tier', 'two-tier']).optional(),
    /** The units inline, or `catalogue` (a stored version) with the codes selected from it. */
    units: z.array(unitInputSchema).min(1).max(5000).optional(),
    catalogue: z
      .strictObject({
        id: z.string().trim().min(1).max(60),
        version: z.number().int().positive(),
        /** The day the units must be valid on (default: the round year's end, 30/6/2025 for three-tier 2025). */
        asOf: z.iso.date().optional(),
      })
      .optional(),
    /** Codes of the catalogue's units the round surveys (default: every unit valid on `asOf` below the province). */
    unitCodes: z.array(code).min(1).max(5000).optional(),
    fields: z.array(fieldInputSchema).min(1).max(500),
    /** Per-round overrides of the scoring rules (SIPAS or PAR, by kind), checked against the domain's schema. */
    scoringRules: z.record(z.string(), z.unknown()).optional(),
    // Lifecycle and field-work settings (see shared/tables/rounds.ts); all optional, with defaults.
    status: roundStatusSchema.optional(),
    schedule: roundScheduleSchema.optional(),
    seed: roundSeedInputSchema.optional(),
    quota: roundQuotaSchema.optional(),
    settings: roundSettingsSchema.optional(),
    /** PAR rounds: who rates which units; checked by the domain's rater-matrix parser. */
    raterMatrix: z.unknown().optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.units === undefined) === (input.catalogue === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['units'],
        message: 'Cần đúng một trong hai: danh sách đơn vị (units) hoặc danh mục đã lưu (catalogue).',
      });
    }
    if (input.unitCodes !== undefined && input.catalogue === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unitCodes'], message: 'unitCodes chỉ dùng cùng catalogue.' });
    }
  });
export type CreateRoundInput = z.infer<typeof createRoundSchema>;

/** PATCH /api/rounds/{roundId}/schedule: the dates to set (null removes one), and why. */
const scheduleDate = z.iso.datetime({ offset: true }).nullable().optional();
export const schedulePatchSchema = z.strictObject({
  rostersDeadline: scheduleDate,
  distributionDate: scheduleDate,
  fieldworkEnd: scheduleDate,
  reason: z.string().trim().min(1).max(500).optional(),
});

export const transitionSchema = z.strictObject({
  to: roundStatusSchema,
  reason: z.string().max(2000).optional(),
});

export { roundSeedInputSchema };
