/**
 * Contract of the `roster-chunks` queue. Producer: roster-intake's upload (start-import);
 * consumer: roster-intake's chunk writer. Personal data travels sealed (AES-GCM), never in clear.
 */
import { z } from 'zod';
import { sendMessages } from '../platform/queue.ts';

/** One respondent row as it travels on the queue. */
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
  addressEnc: z.string().min(1).optional(),
  birthYearEnc: z.string().min(1).optional(),
  sexEnc: z.string().min(1).optional(),
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

/** Rows per message: ~500 bytes each sealed, far below the 256 KiB SQS message limit. */
export const ROWS_PER_CHUNK = 200;

export type SendRosterChunks = (messages: readonly RosterChunkMessage[]) => Promise<void>;

/** Validates then sends (10 per SQS call). */
export const sendRosterChunks: SendRosterChunks = (messages) =>
  sendMessages(
    'roster-chunks',
    messages.map((m) => rosterChunkMessageSchema.parse(m)),
  );
