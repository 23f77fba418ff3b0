/** Request bodies of the assessment routes (zod, strict: unknown fields are refused). */
import { z } from 'zod';
import { evidenceSchema } from '../../shared/domain/index.ts';

const score = z.union([
  z.number().finite(),
  z
    .string()
    .trim()
    .regex(/^\d+([.,]\d+)?$/),
]);

export const attachCriteriaSchema = z.strictObject({
  id: z.string().min(1).max(100),
  version: z.number().int().positive(),
  selfAssessmentDeadline: z.iso.datetime({ offset: true }),
  /** Default 120 hours (5 days) [assumption — configurable per round]. */
  responseWindowHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 90)
    .default(120),
});

export const selfAssessmentSchema = z.strictObject({
  score,
  evidence: evidenceSchema.strict().default({ links: [], fileKeys: [] }),
});

export const appraisalSchema = z.strictObject({
  adjustedScore: score,
  reason: z.string().trim().min(1, 'cần nêu lý do điều chỉnh').max(4000),
});

export const responseSchema = z.strictObject({
  note: z.string().trim().min(1).max(4000),
  criterionCode: z.string().min(1).max(50).optional(),
});

export const evidenceUploadSchema = z.strictObject({
  filename: z.string().trim().min(1).max(200),
  contentType: z.string().trim().min(1).max(200).default('application/octet-stream'),
  /** Bytes; at most 25 MB per evidence file [assumption]. */
  size: z
    .number()
    .int()
    .min(1)
    .max(25 * 1024 * 1024),
});
