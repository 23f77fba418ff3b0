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
  /** PAR rater rosters: the rater group's code (not personal data). */
  raterGroup: z.string().min(1).max(32).optional(),
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

/**
 * Sends ONE SendMessageBatch. The producer groups messages by bytes first (roster-intake's
 * byte-chunks.ts: ≤ 10 entries and ≤ 1,000 KiB of bodies, each body ≤ 200 KiB), so no call
 * exceeds the SQS limits whatever the row width.
 */
export const sendRosterChunks = (messages: readonly RosterChunkMessage[]): Promise<void> => {
  if (messages.length > 10) throw new Error('sendRosterChunks: at most 10 messages per batch');
  return sendMessages(
    'roster-chunks',
    messages.map((m) => rosterChunkMessageSchema.parse(m)),
  );
};
