/**
 * Contract of the `samples` table. Writer: services/sampling/store.ts (only). Readers: the public
 * form (web), submission (token → assignment), scoring (issued counts from the latest manifest).
 *
 *   ROUND#r / SAMPLE#id                 sample manifest (request, status, counts, roster hash)
 *   SAMPLE#id / A#unit#field#O|R#rank   one assignment (person key, token hash)
 *   TOKEN#sha256(token) / TOKEN         token lookup for the public form (no token is stored)
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { hashToken } from '../platform/crypto.ts';
import { queryPrefix, stripKeys } from '../platform/dynamo.ts';
import { AppError, NotFoundError } from '../platform/errors.ts';

export const stratumCountSchema = z.object({
  unitCode: z.string(),
  fieldCode: z.string(),
  persons: z.number(),
  official: z.number(),
  reserve: z.number(),
  /** Forms the stratum could not fill (official quota − persons available). */
  shortfall: z.number(),
});

export const sampleManifestItemSchema = z.object({
  sampleId: z.string(),
  roundId: z.string(),
  seed: z.string(),
  officialPerStratum: z.number(),
  reservePerStratum: z.number(),
  algorithm: z.string(),
  status: z.enum(['pending', 'completed']),
  requestedAt: z.string(),
  requestedBy: z.string(),
  completedAt: z.string().optional(),
  rosterHash: z.string().optional(),
  dossiers: z.number().optional(),
  strata: z.array(stratumCountSchema).optional(),
  totals: z.object({ official: z.number(), reserve: z.number(), shortfall: z.number() }).optional(),
});
export type SampleManifest = z.infer<typeof sampleManifestItemSchema>;

export const assignmentItemSchema = z.object({
  sampleId: z.string(),
  roundId: z.string(),
  unitCode: z.string(),
  fieldCode: z.string(),
  list: z.enum(['official', 'reserve']),
  rank: z.number(),
  personKey: z.string(),
  tokenHash: z.string(),
});
export type Assignment = z.infer<typeof assignmentItemSchema>;

// ---- keys ----
export const manifestKey = (roundId: string, sampleId: string) => ({
  pk: `ROUND#${roundId}`,
  sk: `SAMPLE#${sampleId}`,
});
export const assignmentKey = (
  a: Pick<Assignment, 'sampleId' | 'unitCode' | 'fieldCode' | 'list' | 'rank'>,
) => ({
  pk: `SAMPLE#${a.sampleId}`,
  sk: `A#${a.unitCode}#${a.fieldCode}#${a.list === 'official' ? 'O' : 'R'}#${String(a.rank).padStart(5, '0')}`,
});
export const tokenKey = (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' });

export const parseManifestItem = (item: Record<string, unknown>): SampleManifest =>
  sampleManifestItemSchema.parse(stripKeys(item));
export const parseAssignmentItem = (item: Record<string, unknown>): Assignment =>
  assignmentItemSchema.parse(stripKeys(item));

// ---- reader ----
export interface SamplesReader {
  getManifest(roundId: string, sampleId: string): Promise<SampleManifest | null>;
  listManifests(roundId: string): Promise<SampleManifest[]>;
  listAssignments(sampleId: string): Promise<Assignment[]>;
  findByTokenHash(tokenHash: string): Promise<Assignment | null>;
}

export const samplesReader = (): SamplesReader => {
  const table = tableName('samples');
  return {
    async getManifest(roundId, sampleId) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: manifestKey(roundId, sampleId), ConsistentRead: true }),
      );
      return out.Item ? parseManifestItem(out.Item) : null;
    },
    async listManifests(roundId) {
      return (await queryPrefix(table, `ROUND#${roundId}`, 'SAMPLE#')).map(parseManifestItem);
    },
    async listAssignments(sampleId) {
      return (await queryPrefix(table, `SAMPLE#${sampleId}`, 'A#')).map(parseAssignmentItem);
    },
    async findByTokenHash(tokenHash) {
      const out = await dynamo().send(new GetCommand({ TableName: table, Key: tokenKey(tokenHash) }));
      return out.Item ? parseAssignmentItem(out.Item) : null;
    },
  };
};

export class TokenNotActiveError extends AppError {
  constructor() {
    super(403, 'TOKEN_NOT_ACTIVE', 'Phiếu này thuộc danh sách dự phòng và chưa được kích hoạt.');
  }
}

/** A form token's assignment: 404 TOKEN_NOT_FOUND for an unknown token, 403 for a reserve one. */
export const resolveToken = async (
  token: string,
  reader: Pick<SamplesReader, 'findByTokenHash'>,
): Promise<Assignment> => {
  const assignment = /^[A-Za-z0-9_-]{16,64}$/.test(token)
    ? await reader.findByTokenHash(hashToken(token))
    : null;
  if (!assignment)
    throw new NotFoundError('Liên kết phiếu không hợp lệ. Hãy kiểm tra lại đường dẫn.', 'TOKEN_NOT_FOUND');
  if (assignment.list !== 'official') throw new TokenNotActiveError();
  return assignment;
};
