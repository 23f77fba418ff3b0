/**
 * Contract of the `scoring-parts` queue: a whole-round recompute, fanned out. Producers: scoring's API
 * and the nightly schedule (`plan`), the planner (`part`), the part workers (`finalise`); consumer:
 * scoring's run worker (services/scoring/handlers/runs.ts). Live counters keep their own queue
 * (`scoring-events`).
 *
 *   plan      split the round's units into parts and send one `part` message each
 *   part      score the submissions of these units: results per unit × field and per unit
 *   finalise  compose field and round results and ranks from the parts; mark the run completed
 */
import { z } from 'zod';
import { sendMessage, sendMessages } from '../platform/queue.ts';

const runRef = { roundId: z.string().min(1), runId: z.string().min(1) };

export const planRunMessageSchema = z.object({ kind: z.literal('plan'), ...runRef });
export const scorePartMessageSchema = z.object({
  kind: z.literal('part'),
  ...runRef,
  /** Position of the part in the plan (0-based). */
  part: z.number().int().min(0),
  /** Unit codes of the part; every unit × field group of a unit is in the same part. */
  units: z.array(z.string().min(1)).min(1),
});
export const finaliseRunMessageSchema = z.object({ kind: z.literal('finalise'), ...runRef });

export const scoringPartsMessageSchema = z.discriminatedUnion('kind', [
  planRunMessageSchema,
  scorePartMessageSchema,
  finaliseRunMessageSchema,
]);
export type ScoringPartsMessage = z.infer<typeof scoringPartsMessageSchema>;
export type ScorePartMessage = z.infer<typeof scorePartMessageSchema>;

export type SendScoringParts = (messages: ScoringPartsMessage[]) => Promise<void>;

export const sendScoringParts: SendScoringParts = async (messages) => {
  const parsed = messages.map((m) => scoringPartsMessageSchema.parse(m));
  if (parsed.length === 1) await sendMessage('scoring-parts', parsed[0]);
  else await sendMessages('scoring-parts', parsed);
};
