/**
 * Contract of the `results` table. Writer: services/scoring/store.ts (only).
 *
 *   ROUND#r / RETURNED#hash      the returned forms one consumer batch counted: `entries`, a string set
 *                                of "unit␟field␟token-hash prefix"; the key is the hash of the entries,
 *                                so a redelivered batch rewrites its own item. Live counts are the
 *                                union of these sets — each form once however often its event came.
 *   ROUND#r / COUNT#unit#field   (earlier versions: one counter set per unit × field, `counted`; still
 *                                read into the union, no longer written)
 *   ROUND#r / RUN#runId          a scoring run (requested / completed)
 *   ROUND#r / RESULT#LATEST      the latest computed results (compatibility view of the latest run)
 *   ROUND#r / RUNPART#runId#UF#unit#field   one run's results of one unit × field (items, elements…)
 *   ROUND#r / RUNPART#runId#U#unit          one run's results of one unit
 *   ROUND#r / RUNPART#runId#F#field         one run's results of one field
 *   ROUND#r / RUNPART#runId#ROUND           one run's round summary
 *   ROUND#r / PARTDONE#runId#nnnnn          a fan-out part finished (its unit summaries; idempotency)
 *   ROUND#r / PARTSTAT#runId#nnnnn#field    a part's pooled counts and variance moments of one field
 * Earlier runs and their parts are kept. RESULT#LATEST written by a fanned-out run holds only the
 * run's provenance (`storage: 'parts'`); the reader assembles its rows from that run's parts.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { queryPrefix, stripKeys } from '../platform/dynamo.ts';

export const inputSnapshotSchema = z.object({
  templateId: z.string(),
  templateVersion: z.string().nullable().optional(),
  methodologyVersion: z.string(),
  submissions: z.object({ count: z.number(), watermark: z.string().nullable(), hash: z.string() }),
  rulesHash: z.string(),
  bootstrapSeed: z.number(),
  /** Issued counts' sample (fan-out runs). */
  sampleId: z.string().nullable().optional(),
  /**
   * `live-counts`: at request time, from the live counters (what identifies the run); `read`: what the
   * run's parts actually read (forms submitted up to `cutoff`).
   */
  source: z.enum(['live-counts', 'read']).optional(),
  cutoff: z.string().optional(),
});

/** Returned forms of one unit × field (live, before any scoring run). */
export interface LiveCount {
  unitCode: string;
  fieldCode: string;
  returned: number;
}

const legacyCountItemSchema = z.object({
  unitCode: z.string(),
  fieldCode: z.string(),
  counted: z.instanceof(Set),
});
export const returnedBatchItemSchema = z.object({ entries: z.instanceof(Set) });

/** Entries a RETURNED# item holds at most (≈ 40 B each: far below DynamoDB's 400 KB item limit). */
export const RETURNED_ENTRIES_PER_ITEM = 2_000;
const SEP = '\u001f';

/** One returned form as a RETURNED# item keeps it (no answers, no person: unit, field, token prefix). */
export const returnedEntry = (unitCode: string, fieldCode: string, tokenHash: string): string =>
  `${unitCode}${SEP}${fieldCode}${SEP}${countedTokenOf(tokenHash)}`;

/** The key of a RETURNED# item: the hash of its sorted entries (the same batch → the same item). */
export const returnedBatchKey = (roundId: string, sortedEntries: readonly string[]) => ({
  pk: resultsPk(roundId),
  sk: `RETURNED#${sha256Hex(sortedEntries.join('\n')).slice(0, 32)}`,
});

/** Live counts per unit × field from the stored items: the union of every entry, each form once. */
export const liveCountsOf = (
  batches: ReadonlyArray<Record<string, unknown>>,
  legacy: ReadonlyArray<Record<string, unknown>> = [],
): LiveCount[] => {
  const byStratum = new Map<string, { unitCode: string; fieldCode: string; tokens: Set<string> }>();
  const add = (unitCode: string, fieldCode: string, token: string) => {
    const k = `${unitCode}${SEP}${fieldCode}`;
    const s = byStratum.get(k) ?? { unitCode, fieldCode, tokens: new Set<string>() };
    byStratum.set(k, s);
    s.tokens.add(token);
  };
  for (const item of legacy) {
    const { unitCode, fieldCode, counted } = legacyCountItemSchema.parse(item);
    for (const t of counted) add(unitCode, fieldCode, String(t));
  }
  for (const item of batches) {
    for (const entry of returnedBatchItemSchema.parse(item).entries) {
      const [unitCode, fieldCode, token] = String(entry).split(SEP);
      if (unitCode && fieldCode && token) add(unitCode, fieldCode, token);
    }
  }
  return [...byStratum.values()].map(({ unitCode, fieldCode, tokens }) => ({
    unitCode,
    fieldCode,
    returned: tokens.size,
  }));
};

/**
 * What a live count keeps of a token: the first 16 hex digits (64 bits) of its hash — enough that
 * two forms of one unit × field never collide (≈10⁻¹³ at 1,000 forms).
 */
export const countedTokenOf = (tokenHash: string): string => tokenHash.slice(0, 16);

export const runItemSchema = z.object({
  runId: z.string(),
  /** requested → running (planned into parts) → completed | failed (with `reason`). */
  status: z.enum(['requested', 'running', 'completed', 'failed']),
  at: z.string(),
  trigger: z.string(),
  /** What the run scored (absent on runs stored before snapshots existed). */
  snapshot: inputSnapshotSchema.optional(),
  completedAt: z.string().optional(),
  parts: z.number().optional(),
  /** Fan-out: parts planned and parts finished so far. */
  partsTotal: z.number().optional(),
  partsDone: z.number().optional(),
  failedAt: z.string().optional(),
  /** Why the run failed: a code and a Vietnamese message. */
  reason: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The failed run with the same input that this run retries. */
  retryOf: z.string().optional(),
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

/** A finished fan-out part: what the finaliser needs of its units (exact index as a decimal string). */
export const partDoneItemSchema = z.looseObject({
  runId: z.string(),
  part: z.number(),
  units: z.array(
    z.object({
      unitCode: z.string(),
      index: z.string().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
    }),
  ),
  /** What the part read: forms, latest submittedAt, hash over (token hash, body hash). */
  read: z.object({ count: z.number(), watermark: z.string().nullable(), hash: z.string() }),
  /** Whole-round results of a round scored in a single part (PAR), without its rows. */
  latest: z.record(z.string(), z.unknown()).optional(),
});
export type PartDone = z.infer<typeof partDoneItemSchema>;

/** One part's pooled counts of one field, with the linearisation moments (Float64 bytes). */
export const partStatItemSchema = z.object({
  runId: z.string(),
  part: z.number(),
  fieldCode: z.string(),
  returned: z.number(),
  valid: z.number(),
  issued: z.number().nullable(),
  population: z.number().nullable(),
  levelCounts: z.array(z.number()),
  moments: z.instanceof(Uint8Array),
});
export type PartStat = z.infer<typeof partStatItemSchema>;

// ---- keys ----
export const resultsPk = (roundId: string) => `ROUND#${roundId}`;
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
const partNo = (part: number) => String(part).padStart(5, '0');
export const partDoneKey = (roundId: string, runId: string, part: number) => ({
  pk: resultsPk(roundId),
  sk: `PARTDONE#${runId}#${partNo(part)}`,
});
export const partStatKey = (roundId: string, runId: string, part: number, fieldCode: string) => ({
  pk: resultsPk(roundId),
  sk: `PARTSTAT#${runId}#${partNo(part)}#${fieldCode}`,
});

// ---- reader ----
export interface ResultsReader {
  liveCounts(roundId: string): Promise<LiveCount[]>;
  getRun(roundId: string, runId: string): Promise<ScoringRun | null>;
  getLatest(roundId: string): Promise<LatestResults | null>;
  /** Every run of the round (requested and completed), oldest id first. */
  listRuns(roundId: string): Promise<ScoringRun[]>;
  /** One run's stored result parts (unit × field, unit, field, round). */
  listRunParts(roundId: string, runId: string): Promise<RunPart[]>;
  listPartsDone(roundId: string, runId: string): Promise<PartDone[]>;
  listPartStats(roundId: string, runId: string): Promise<PartStat[]>;
}

const LEVEL_ROWS = { unitField: 'unitFields', unit: 'units', field: 'fields' } as const;

/** The latest results of a fanned-out run: its provenance item plus its parts, as one object. */
export const assembleLatest = (pointer: Record<string, unknown>, parts: readonly RunPart[]) => {
  const rows: Record<string, Record<string, unknown>[]> = { unitFields: [], units: [], fields: [] };
  let round: Record<string, unknown> | undefined;
  for (const p of parts) {
    const { level, runId: _runId, ...row } = p;
    if (level === 'round') round = row;
    else rows[LEVEL_ROWS[level]]!.push(row);
  }
  const { storage: _storage, ...rest } = pointer;
  return { ...rest, ...rows, round: round ?? pointer.round };
};

export const resultsReader = (): ResultsReader => {
  const table = tableName('results');
  const get = async (key: { pk: string; sk: string }) =>
    (await dynamo().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const listRunParts = async (roundId: string, runId: string) => {
    const items = await queryPrefix(table, resultsPk(roundId), `RUNPART#${runId}#`);
    return items.map((i) => runPartItemSchema.parse(stripKeys(i)));
  };
  return {
    listRunParts,
    async liveCounts(roundId) {
      const [batches, legacy] = await Promise.all([
        queryPrefix(table, resultsPk(roundId), 'RETURNED#'),
        queryPrefix(table, resultsPk(roundId), 'COUNT#'),
      ]);
      return liveCountsOf(batches, legacy);
    },
    async getRun(roundId, runId) {
      const item = await get(runKey(roundId, runId));
      return item ? runItemSchema.parse(stripKeys(item)) : null;
    },
    async listRuns(roundId) {
      const items = await queryPrefix(table, resultsPk(roundId), 'RUN#');
      return items.map((i) => runItemSchema.parse(stripKeys(i)));
    },
    async listPartsDone(roundId, runId) {
      const items = await queryPrefix(table, resultsPk(roundId), `PARTDONE#${runId}#`);
      return items.map((i) => partDoneItemSchema.parse(stripKeys(i)));
    },
    async listPartStats(roundId, runId) {
      const items = await queryPrefix(table, resultsPk(roundId), `PARTSTAT#${runId}#`);
      return items.map((i) => partStatItemSchema.parse(stripKeys(i)));
    },
    async getLatest(roundId) {
      const item = await get(latestResultsKey(roundId));
      if (!item) return null;
      const pointer = stripKeys(item);
      if (pointer.storage !== 'parts') return latestResultsItemSchema.parse(pointer);
      const parts = await listRunParts(roundId, String(pointer.runId));
      return latestResultsItemSchema.parse(assembleLatest(pointer, parts));
    },
  };
};
