/**
 * Contract of the `scoring-events` queue. Producers: submission (a form accepted) and scoring's API
 * (score a round on demand); consumer: scoring's event handler.
 */
import { z } from 'zod';
import { sendMessage } from '../platform/queue.ts';

export const submissionAcceptedEventSchema = z.object({
  kind: z.literal('submission-accepted'),
  roundId: z.string(),
  sampleId: z.string(),
  unitCode: z.string(),
  fieldCode: z.string(),
  tokenHash: z.string(),
  receiptId: z.string(),
});
export type SubmissionAcceptedEvent = z.infer<typeof submissionAcceptedEventSchema>;

export const scoreRoundMessageSchema = z.object({
  kind: z.literal('score-round'),
  roundId: z.string().min(1),
  runId: z.string().min(1),
});
export type ScoreRoundMessage = z.infer<typeof scoreRoundMessageSchema>;

/** Everything that travels on the queue. */
export const scoringEventSchema = z.discriminatedUnion('kind', [
  submissionAcceptedEventSchema,
  scoreRoundMessageSchema,
]);
export type ScoringEvent = z.infer<typeof scoringEventSchema>;

export type SendScoringEvent = (event: ScoringEvent) => Promise<void>;

export const sendScoringEvent: SendScoringEvent = (event) =>
  sendMessage('scoring-events', scoringEventSchema.parse(event));
