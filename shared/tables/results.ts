/**
 * Contract of the `results` table. Writer: services/scoring/store.ts (only).
 *
 *   ROUND#r / COUNT#unit#field   live counter of returned forms
 *   ROUND#r / COUNTED#tokenHash  marker: this submission is already counted (idempotency)
 *   ROUND#r / RUN#runId          a scoring run (requested / completed)
 *   ROUND#r / RESULT#LATEST      the latest computed results (compatibility view of the latest run)
 *   ROUND#r / RUNPART#runId#UF#unit#field   one run's results of one unit × field (items, elements…)
 *   ROUND#r / RUNPART#runId#U#unit          one run's results of one unit
 *   ROUND#r / RUNPART#runId#F#field         one run's results of one field
 *   ROUND#r / RUNPART#runId#ROUND           one run's round summary
 * Earlier runs and their parts are kept.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { queryPrefix, stripKeys } from '../platform/dynamo.ts';

export const inputSnapshotSchema = z.object({
  templateId: z.string(),
  templateVersion: z.string().nullable().optional(),
  methodologyVersion: z.string(),
  submissions: z.object({ count: z.number(), watermark: z.string().nullable(), hash: z.string() }),
  rulesHash: z.string(),
  bootstrapSeed: z.number(),
});

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
  /** What the run scored (absent on runs stored before snapshots existed). */
  snapshot: inputSnapshotSchema.optional(),
  completedAt: z.string().optional(),
  parts: z.number().optional(),
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

export const runPartItemSchema = z.looseObject({
  runId: z.string(),
  level: z.enum(['unitField', 'unit', 'field', 'round']),
});
export type RunPart = z.infer<typeof runPartItemSchema>;

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
export const runPartKey = (
  roundId: string,
  runId: string,
  part:
    | { level: 'unitField'; unitCode: string; fieldCode: string }
    | { level: 'unit'; unitCode: string }
    | { level: 'field'; fieldCode: string }
    | { level: 'round' },
) => ({
  pk: resultsPk(roundId),
  sk:
    part.level === 'unitField'
      ? `RUNPART#${runId}#UF#${part.unitCode}#${part.fieldCode}`
      : part.level === 'unit'
        ? `RUNPART#${runId}#U#${part.unitCode}`
        : part.level === 'field'
          ? `RUNPART#${runId}#F#${part.fieldCode}`
          : `RUNPART#${runId}#ROUND`,
});
export const latestResultsKey = (roundId: string) => ({ pk: resultsPk(roundId), sk: 'RESULT#LATEST' });

// ---- reader ----
export interface ResultsReader {
  liveCounts(roundId: string): Promise<LiveCount[]>;
  getRun(roundId: string, runId: string): Promise<ScoringRun | null>;
  getLatest(roundId: string): Promise<LatestResults | null>;
  /** Every run of the round (requested and completed), oldest id first. */
  listRuns(roundId: string): Promise<ScoringRun[]>;
  /** One run's stored result parts (unit × field, unit, field, round). */
  listRunParts(roundId: string, runId: string): Promise<RunPart[]>;
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
    async listRuns(roundId) {
      const items = await queryPrefix(table, resultsPk(roundId), 'RUN#');
      return items.map((i) => runItemSchema.parse(stripKeys(i)));
    },
    async listRunParts(roundId, runId) {
      const items = await queryPrefix(table, resultsPk(roundId), `RUNPART#${runId}#`);
      return items.map((i) => runPartItemSchema.parse(stripKeys(i)));
    },
    async getLatest(roundId) {
      const item = await get(latestResultsKey(roundId));
      return item ? latestResultsItemSchema.parse(stripKeys(item)) : null;
    },
  };
};
