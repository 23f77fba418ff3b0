import { z } from 'zod';

export const submissionRequestSchema = z.strictObject({
  token: z
    .string()
    .min(16)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  answers: z.record(z.string().min(1).max(64), z.unknown()),
});
export type SubmissionRequest = z.infer<typeof submissionRequestSchema>;

export interface Receipt {
  receiptId: string;
  submittedAt: string;
}

/** A supervisor's resolution of a double entry's mismatches. */
export const resolutionBodySchema = z.strictObject({
  /** question id → the value read on the paper (`null`: not answered). */
  resolution: z.record(
    z.string().min(1).max(64),
    z.union([z.number(), z.string().max(4000), z.array(z.string().max(200)).max(100), z.null()]),
  ),
});

/** A supervisor's correction of a stored paper form: the changed questions and why. */
export const correctionBodySchema = z.strictObject({
  changes: resolutionBodySchema.shape.resolution,
  reason: z.string().trim().min(1).max(500),
});
