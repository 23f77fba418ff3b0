/**
 * Contract of the `results` table. Writer: services/scoring/store.ts (only).
 *
 *   ROUND#r / COUNT#unit#field   live counter of returned forms
 *   ROUND#r / COUNTED#tokenHash  marker: this submission is already counted (idempotency)
 *   ROUND#r / RUN#runId          a scoring run (requested / completed)
 *   ROUND#r / RESULT#LATEST      the latest computed results
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { queryPrefix, stripKeys } from '../platform/dynamo.ts';

export const liveCountItemSchema = z.object({
  unitCode: z.string(),
  fieldCode: z.string(),
  returned: z.number(),
});
export type LiveCount = z.infer<typeof liveCountItemSchema>;

export const runItemSchema = z.object({
  runId: z.string(),
  status: z.enum(['requested', 'completed']),
  at: z.string(),
  trigger: z.string(),
});
export type ScoringRun = z.infer<typeof runItemSchema>;

const unitRow = z.looseObject({ unitCode: z.string() });

/**
 * The latest results of a round. The per-kind figures (SIPAS indexes, PAR points) are the scoring
 * service's output shape; the contract fixes what readers rely on: identity, provenance, and unit rows
 * keyed by `unitCode` (unit-scoped callers see only their rows).
 */
export const latestResultsItemSchema = z.looseObject({
  roundId: z.string(),
  kind: z.enum(['SIPAS', 'PAR']),
  runId: z.string(),
  computedAt: z.string(),
  trigger: z.string(),
  templateId: z.string(),
  methodologyVersion: z.string(),
  sampleId: z.string().nullable(),
  rounding: z.string(),
  rules: z.unknown(),
  round: z.looseObject({ counts: z.unknown() }),
  units: z.array(unitRow),
  unitFields: z.array(unitRow),
});
export type LatestResults = z.infer<typeof latestResultsItemSchema>;

// ---- keys ----
export const resultsPk = (roundId: string) => `ROUND#${roundId}`;
export const liveCountKey = (roundId: string, unitCode: string, fieldCode: string) => ({
  pk: resultsPk(roundId),
  sk: `COUNT#${unitCode}#${fieldCode}`,
});
export const countedKey = (roundId: string, tokenHash: string) => ({
  pk: resultsPk(roundId),
  sk: `COUNTED#${tokenHash}`,
});
export const runKey = (roundId: string, runId: string) => ({ pk: resultsPk(roundId), sk: `RUN#${runId}` });
export const latestResultsKey = (roundId: string) => ({ pk: resultsPk(roundId), sk: 'RESULT#LATEST' });

// ---- reader ----
export interface ResultsReader {
  liveCounts(roundId: string): Promise<LiveCount[]>;
  getRun(roundId: string, runId: string): Promise<ScoringRun | null>;
  getLatest(roundId: string): Promise<LatestResults | null>;
}

export const resultsReader = (): ResultsReader => {
  const table = tableName('results');
  const get = async (key: { pk: string; sk: string }) =>
    (await dynamo().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  return {
    async liveCounts(roundId) {
      const items = await queryPrefix(table, resultsPk(roundId), 'COUNT#');
      return items.map((i) => liveCountItemSchema.parse(stripKeys(i)));
    },
    async getRun(roundId, runId) {
      const item = await get(runKey(roundId, runId));
      return item ? runItemSchema.parse(stripKeys(item)) : null;
    },
    async getLatest(roundId) {
      const item = await get(latestResultsKey(roundId));
      return item ? latestResultsItemSchema.parse(stripKeys(item)) : null;
    },
  };
};
