/**
 * Contract of the `sampling-parts` queue. Producer: sampling's draw planner (the `scan` step) and the
 * part that finishes a step last (the next step's messages); consumer: sampling's part worker.
 * A message names one part (scan, draw) or one bucket of claims (resolve) of a planned draw; what
 * the part covers is in the plan (samples table, SAMPLE#id / PROGRESS), so a message stays a few
 * hundred bytes whatever the round's size.
 */
import { z } from 'zod';
import { sendMessages } from '../platform/queue.ts';

export const drawPartMessageSchema = z.object({
  kind: z.literal('draw-part'),
  step: z.enum(['scan', 'resolve', 'draw']),
  roundId: z.string().min(1),
  sampleId: z.string().min(1),
  /** The part (scan, draw) or the claims bucket (resolve). */
  index: z.number().int().nonnegative(),
});
export type DrawPartMessage = z.infer<typeof drawPartMessageSchema>;

export type SendDrawParts = (messages: readonly DrawPartMessage[]) => Promise<void>;

/** Sends the messages 10 per SendMessageBatch (each body is far below the SQS limits). */
export const sendDrawParts: SendDrawParts = (messages) =>
  sendMessages(
    'sampling-parts',
    messages.map((m) => drawPartMessageSchema.parse(m)),
  );
