/** Contract of the `sampling-requests` queue. Producer: sampling's API; consumer: sampling's draw. */
import { z } from 'zod';
import { sendMessage } from '../platform/queue.ts';

export const drawMessageSchema = z.object({
  kind: z.literal('draw'),
  roundId: z.string().min(1),
  sampleId: z.string().min(1),
});
export type DrawMessage = z.infer<typeof drawMessageSchema>;

export type SendSamplingRequest = (message: DrawMessage) => Promise<void>;

export const sendSamplingRequest: SendSamplingRequest = (message) =>
  sendMessage('sampling-requests', drawMessageSchema.parse(message));
