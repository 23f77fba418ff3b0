import { z } from 'zod';

export const sampleRequestSchema = z.strictObject({
  /** Fixed in advance (e.g. from a public draw) so nobody can re-roll. */
  seed: z.string().trim().min(1).max(200),
  officialPerStratum: z.number().int().min(1).max(5000),
  reservePerStratum: z.number().int().min(0).max(5000),
});
export type SampleRequest = z.infer<typeof sampleRequestSchema>;
