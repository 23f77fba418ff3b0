import { z } from 'zod';

export const sampleRequestSchema = z
  .strictObject({
    /** Omitted when the round has a fixed seed (then only that seed is accepted). */
    seed: z.string().trim().min(1).max(200).optional(),
    /** Both or neither: without them the round's quota policy (`round.quota`) applies. */
    officialPerStratum: z.number().int().min(1).max(5000).optional(),
    reservePerStratum: z.number().int().min(0).max(5000).optional(),
    /** Required when the round already has a sample: why this draw replaces it. */
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((b) => (b.officialPerStratum === undefined) === (b.reservePerStratum === undefined), {
    message: 'officialPerStratum và reservePerStratum phải đi cùng nhau.',
    path: ['reservePerStratum'],
  });
export type SampleRequest = z.infer<typeof sampleRequestSchema>;

export const SUBSTITUTION_REASONS = ['UNREACHABLE', 'REFUSED', 'MOVED', 'DECEASED', 'WRONG_RECORD'] as const;

export const substitutionSchema = z.strictObject({
  unitCode: z.string().min(1).max(100),
  fieldCode: z.string().min(1).max(100),
  /** The official rank of the person replaced. */
  rank: z.number().int().min(1).max(100000),
  reason: z.enum(SUBSTITUTION_REASONS),
  note: z.string().trim().max(1000).optional(),
});
export type SubstitutionRequest = z.infer<typeof substitutionSchema>;
