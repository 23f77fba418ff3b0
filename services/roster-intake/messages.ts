import { z } from 'zod';

/** One respondent row as it travels on the `roster-chunks` queue: personal data already sealed. */
export const chunkRowSchema = z.object({
  row: z.number().int().positive(),
  dossierId: z.string().min(1),
  personKey: z.string().min(1),
  nameEnc: z.string().min(1),
  phoneEnc: z.string().min(1),
  phoneKind: z.enum(['mobile', 'landline']),
  unitCode: z.string().min(1),
  fieldCode: z.string().min(1),
  completedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  birthYear: z.number().int().optional(),
  sex: z.string().optional(),
  addressEnc: z.string().optional(),
});
export type ChunkRow = z.infer<typeof chunkRowSchema>;

export const rosterChunkMessageSchema = z.object({
  kind: z.literal('roster-chunk'),
  roundId: z.string().min(1),
  importId: z.string().min(1),
  chunkIndex: z.number().int().nonnegative(),
  chunkCount: z.number().int().positive(),
  rows: z.array(chunkRowSchema).min(1),
});
export type RosterChunkMessage = z.infer<typeof rosterChunkMessageSchema>;

/** Rows per message: ~400 bytes each sealed, far below the 256 KiB SQS message limit. */
export const ROWS_PER_CHUNK = 200;
