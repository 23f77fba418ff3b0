import { z } from 'zod';
import { submissionAcceptedEventSchema } from '../submission/schemas.ts';

export const scoreRoundMessageSchema = z.object({
  kind: z.literal('score-round'),
  roundId: z.string().min(1),
  runId: z.string().min(1),
});
export type ScoreRoundMessage = z.infer<typeof scoreRoundMessageSchema>;

/** Everything that travels on the `scoring-events` queue. */
export const scoringEventSchema = z.discriminatedUnion('kind', [
  submissionAcceptedEventSchema,
  scoreRoundMessageSchema,
]);
export type ScoringEvent = z.infer<typeof scoringEventSchema>;
