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
