/**
 * Contract of the `samples` table. Writer: services/sampling/store.ts (only). Readers: the public
 * form (web), submission (token → assignment), scoring (issued counts from the latest manifest);
 * the rater form page (web, /r/{token}) and its submission (resolveRaterToken, resolveAnyPaperCode).
 *
 *   ROUND#r / SAMPLE#id                 sample manifest (request, status, counts, roster hash)
 *   SAMPLE#id / A#unit#field#O|R#rank   one assignment (person key, token hash)
 *   TOKEN#sha256(token) / TOKEN         token lookup for the public form (no token is stored)
 *   CODE#hmac(code) / CODE              paper-code lookup (the same assignment; no code is stored)
 *   ROUND#r / RATERFORMS#id             PAR rater forms of one rater roster × matrix (counts per target)
 *   RATERFORMS#id / F#personKey         one rater's form: group, own unit, the targets it rates, hashes
 *   RATERTOKEN#sha256(token) / TOKEN    a rater form's token lookup (kept apart from TOKEN#: a rater
 *   RATERCODE#hmac(code) / CODE         form rates several units, so the one-unit form never opens it)
 *   SAMPLE#id / PROGRESS                the fanned-out draw's parts and the parts done per step
 *   SAMPLE#id / PART#p                  one part: its roster versions, then its strata and counts
 *   SAMPLE#id / CLAIM#b#p#c             part p's rule-15 claims of bucket b (binary chunk c)
 *   SAMPLE#id / EXCL#p#b#c              persons part p must leave out (they belong elsewhere), from bucket b
 *
 * An assignment's `status`: `active` (its form works), `inactive` (a reserve not yet called up),
 * `revoked` (replaced by a reserve: its link and code answer 410 TOKEN_REVOKED). Items written before
 * the status existed read as active (official) / inactive (reserve).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { PAPER_CODE_ERRORS, type PaperCodeProblem, parsePaperCode } from '../domain/index.ts';
import { dynamo } from '../platform/clients.ts';
import { tableName } from '../platform/config.ts';
import { hashPaperCode, hashToken, type Keys } from '../platform/crypto.ts';
import { queryAll, queryPrefix, stripKeys } from '../platform/dynamo.ts';
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
  /** Where the seed comes from: `round` (the round's fixed seed, with its source) or `request`. */
  seedSource: z.string().optional(),
  /** Fixed quotas: the same numbers in every stratum (also set for a `fixed` round policy). */
  officialPerStratum: z.number(),
  reservePerStratum: z.number(),
  /** The round's quota policy the draw allocated from (shared/domain/quota.ts), when it had one. */
  quotaPolicy: z.record(z.string(), z.unknown()).optional(),
  algorithm: z.string(),
  /** The roster version drawn from (request-sample.ts rosterVersionOf of the unit versions). */
  rosterVersion: z.string().optional(),
  /** Why this draw replaced the round's previous sample, and which one (audit: SAMPLE_SUPERSEDED). */
  reason: z.string().optional(),
  supersedes: z.string().optional(),
  /** Set on a replaced sample: its lists are no longer the round's. */
  supersededBy: z.string().optional(),
  supersededAt: z.string().optional(),
  status: z.enum(['pending', 'completed']),
  requestedAt: z.string(),
  requestedBy: z.string(),
  completedAt: z.string().optional(),
  rosterHash: z.string().optional(),
  dossiers: z.number().optional(),
  strata: z.array(stratumCountSchema).optional(),
  totals: z.object({ official: z.number(), reserve: z.number(), shortfall: z.number() }).optional(),
  /** How many parts (groups of units) the draw fanned out into. */
  parts: z.number().optional(),
  /** How rosterHash was computed: `by-unit-v1` = rosterHashOfUnits (fan-out); absent = whole roster. */
  rosterHashMethod: z.string().optional(),
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
  /** Keyed hash of the paper code (shared/platform/crypto.ts hashPaperCode). */
  codeHash: z.string().optional(),
  status: z.enum(['active', 'inactive', 'revoked']).optional(),
  /** Substitution: when and why this assignment was revoked, and which reserve took over. */
  revokedAt: z.string().optional(),
  revokedReason: z.string().optional(),
  replacedBy: z.string().optional(),
  activatedAt: z.string().optional(),
});
export type Assignment = z.infer<typeof assignmentItemSchema>;

/** PAR rater forms (issue 9 item 7): one form per rater covering every target the matrix gives them. */
export const raterFormsManifestSchema = z.object({
  formsId: z.string(),
  roundId: z.string(),
  /** The round's rater matrix id and the hash of its canonical JSON. */
  matrixId: z.string(),
  matrixHash: z.string(),
  /** Roster hash (shared/domain rosterHashOf) of the dossiers the raters came from. */
  rosterHash: z.string(),
  raters: z.number(),
  forms: z.number(),
  /** Rater-target pairs in all. */
  ratings: z.number(),
  /** Target unit code → raters who rate it (every ratable unit listed, 0 included). */
  countsByTarget: z.record(z.string(), z.number()),
  countsByGroup: z.record(z.string(), z.number()),
  /** Raters the matrix gives nothing to rate (no form is made for them). */
  ratersWithoutTargets: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type RaterFormsManifest = z.infer<typeof raterFormsManifestSchema>;

export const raterFormItemSchema = z.object({
  formsId: z.string(),
  roundId: z.string(),
  /** The rater's pseudonymous person key (respondents table). */
  raterKey: z.string(),
  groupCode: z.string(),
  /** The rater's own unit (never among `targets` when the matrix excludes it). */
  unitCode: z.string(),
  /** Target unit codes this form rates, in code order. */
  targets: z.array(z.string()).min(1),
  tokenHash: z.string(),
  codeHash: z.string(),
  status: z.enum(['active', 'revoked']),
});
export type RaterForm = z.infer<typeof raterFormItemSchema>;

export const DRAW_STEPS = ['scan', 'resolve', 'draw'] as const;
export type DrawStep = (typeof DRAW_STEPS)[number];

export const drawPartItemSchema = z.object({
  sampleId: z.string(),
  part: z.number(),
  /** The roster versions this part draws from (recorded at planning, read at every step). */
  versions: z.array(z.object({ unitCode: z.string(), importId: z.string() })),
  /** After the scan: the part's strata (key order), persons per stratum before exclusions, unit hashes. */
  strata: z.array(z.object({ unitCode: z.string(), fieldCode: z.string() })).optional(),
  localCounts: z.array(z.number()).optional(),
  unitHashes: z.array(z.object({ unitCode: z.string(), hash: z.string() })).optional(),
  dossiers: z.number().optional(),
  /** After the draw: the part's strata counts as the manifest shows them. */
  counts: z.array(stratumCountSchema).optional(),
});
export type DrawPart = z.infer<typeof drawPartItemSchema>;

export type RosterVersion = { unitCode: string; importId: string };

export interface DrawProgress {
  parts: number;
  /** The plan: each part's roster versions (units in code order). */
  plan: RosterVersion[][];
  done: Record<DrawStep, number>;
}

export interface Exclusions {
  part: number;
  bucket: number;
  personKeys: string[];
  /** The claiming stratum (index in the part's strata) of each excluded person. */
  strata: number[];
}

// ---- keys ----
const pad4 = (n: number) => String(n).padStart(4, '0');
export const progressKey = (sampleId: string) => ({ pk: `SAMPLE#${sampleId}`, sk: 'PROGRESS' });
export const partKey = (sampleId: string, part: number) => ({
  pk: `SAMPLE#${sampleId}`,
  sk: `PART#${pad4(part)}`,
});
export const claimKey = (sampleId: string, bucket: number, part: number, chunk: number) => ({
  pk: `SAMPLE#${sampleId}`,
  sk: `CLAIM#${pad4(bucket)}#${pad4(part)}#${pad4(chunk)}`,
});
export const exclusionKey = (sampleId: string, part: number, bucket: number, chunk: number) => ({
  pk: `SAMPLE#${sampleId}`,
  sk: `EXCL#${pad4(part)}#${pad4(bucket)}#${pad4(chunk)}`,
});
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
export const codeKey = (codeHash: string) => ({ pk: `CODE#${codeHash}`, sk: 'CODE' });

export const raterFormsKey = (roundId: string, formsId: string) => ({
  pk: `ROUND#${roundId}`,
  sk: `RATERFORMS#${formsId}`,
});
export const raterFormKey = (formsId: string, raterKey: string) => ({
  pk: `RATERFORMS#${formsId}`,
  sk: `F#${raterKey}`,
});
export const raterTokenKey = (tokenHash: string) => ({ pk: `RATERTOKEN#${tokenHash}`, sk: 'TOKEN' });
export const raterCodeKey = (codeHash: string) => ({ pk: `RATERCODE#${codeHash}`, sk: 'CODE' });

/** The string a rater form's token and paper code are derived from (distinct from any assignment's). */
export const raterFormAssignment = (f: Pick<RaterForm, 'formsId' | 'raterKey'>): string =>
  ['rater-form', f.formsId, f.raterKey].join('|');

/** The string a form token and a paper code are derived from (HMAC under the server key). */
export const tokenAssignment = (
  a: Pick<Assignment, 'sampleId' | 'unitCode' | 'fieldCode' | 'personKey'>,
): string => [a.sampleId, a.unitCode, a.fieldCode, a.personKey].join('|');

/** The status of an assignment, also for items written before `status` existed. */
export const assignmentStatus = (a: Assignment): 'active' | 'inactive' | 'revoked' =>
  a.status ?? (a.list === 'official' ? 'active' : 'inactive');

export const parseManifestItem = (item: Record<string, unknown>): SampleManifest =>
  sampleManifestItemSchema.parse(stripKeys(item));
export const parseAssignmentItem = (item: Record<string, unknown>): Assignment =>
  assignmentItemSchema.parse(stripKeys(item));

/** The steps of a fanned-out draw read what other parts just wrote: always consistently. */
const queryConsistent = (table: string, pk: string, prefix: string) =>
  queryAll({
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
    ConsistentRead: true,
  });

// ---- reader ----
export interface SamplesReader {
  getManifest(roundId: string, sampleId: string): Promise<SampleManifest | null>;
  listManifests(roundId: string): Promise<SampleManifest[]>;
  listAssignments(sampleId: string): Promise<Assignment[]>;
  /** The assignments of one unit (every field, both lists) of a sample. */
  listUnitAssignments(sampleId: string, unitCode: string): Promise<Assignment[]>;
  findByTokenHash(tokenHash: string): Promise<Assignment | null>;
  findByCodeHash(codeHash: string): Promise<Assignment | null>;
  getRaterForms(roundId: string, formsId: string): Promise<RaterFormsManifest | null>;
  listRaterFormSets(roundId: string): Promise<RaterFormsManifest[]>;
  listRaterForms(formsId: string): Promise<RaterForm[]>;
  findRaterFormByTokenHash(tokenHash: string): Promise<RaterForm | null>;
  findRaterFormByCodeHash(codeHash: string): Promise<RaterForm | null>;
  /** The fanned-out draw's progress (null before it is planned). */
  getProgress(sampleId: string): Promise<DrawProgress | null>;
  listParts(sampleId: string): Promise<DrawPart[]>;
  getPart(sampleId: string, part: number): Promise<DrawPart | null>;
  /** Every part's claims of one bucket, as stored (binary chunks with their part). */
  listClaimChunks(sampleId: string, bucket: number): Promise<Array<{ part: number; bytes: Uint8Array }>>;
  /** The exclusions of one part, or of every part (no `part`). */
  listExclusions(sampleId: string, part?: number): Promise<Exclusions[]>;
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
    async listUnitAssignments(sampleId, unitCode) {
      return (await queryPrefix(table, `SAMPLE#${sampleId}`, `A#${unitCode}#`)).map(parseAssignmentItem);
    },
    async findByTokenHash(tokenHash) {
      const out = await dynamo().send(new GetCommand({ TableName: table, Key: tokenKey(tokenHash) }));
      return out.Item ? parseAssignmentItem(out.Item) : null;
    },
    async findByCodeHash(codeHash) {
      const out = await dynamo().send(new GetCommand({ TableName: table, Key: codeKey(codeHash) }));
      return out.Item ? parseAssignmentItem(out.Item) : null;
    },
    async getRaterForms(roundId, formsId) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: raterFormsKey(roundId, formsId), ConsistentRead: true }),
      );
      return out.Item ? raterFormsManifestSchema.parse(stripKeys(out.Item)) : null;
    },
    async listRaterFormSets(roundId) {
      return (await queryPrefix(table, `ROUND#${roundId}`, 'RATERFORMS#')).map((i) =>
        raterFormsManifestSchema.parse(stripKeys(i)),
      );
    },
    async listRaterForms(formsId) {
      return (await queryPrefix(table, `RATERFORMS#${formsId}`, 'F#')).map((i) =>
        raterFormItemSchema.parse(stripKeys(i)),
      );
    },
    async findRaterFormByTokenHash(tokenHash) {
      const out = await dynamo().send(new GetCommand({ TableName: table, Key: raterTokenKey(tokenHash) }));
      return out.Item ? raterFormItemSchema.parse(stripKeys(out.Item)) : null;
    },
    async findRaterFormByCodeHash(codeHash) {
      const out = await dynamo().send(new GetCommand({ TableName: table, Key: raterCodeKey(codeHash) }));
      return out.Item ? raterFormItemSchema.parse(stripKeys(out.Item)) : null;
    },
    async getProgress(sampleId) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: progressKey(sampleId), ConsistentRead: true }),
      );
      if (!out.Item) return null;
      const size = (v: unknown) => (v instanceof Set ? v.size : 0);
      return {
        parts: Number(out.Item.parts),
        plan: out.Item.plan as RosterVersion[][],
        done: { scan: size(out.Item.scan), resolve: size(out.Item.resolve), draw: size(out.Item.draw) },
      };
    },
    async listParts(sampleId) {
      return (await queryConsistent(table, `SAMPLE#${sampleId}`, 'PART#')).map((i) =>
        drawPartItemSchema.parse(stripKeys(i)),
      );
    },
    async getPart(sampleId, part) {
      const out = await dynamo().send(
        new GetCommand({ TableName: table, Key: partKey(sampleId, part), ConsistentRead: true }),
      );
      return out.Item ? drawPartItemSchema.parse(stripKeys(out.Item)) : null;
    },
    async listClaimChunks(sampleId, bucket) {
      return (await queryConsistent(table, `SAMPLE#${sampleId}`, `CLAIM#${pad4(bucket)}#`)).map((i) => ({
        part: Number(i.part),
        bytes: i.bytes as Uint8Array,
      }));
    },
    async listExclusions(sampleId, part) {
      const prefix = part === undefined ? 'EXCL#' : `EXCL#${pad4(part)}#`;
      return (await queryConsistent(table, `SAMPLE#${sampleId}`, prefix)).map((i) => ({
        part: Number(i.part),
        bucket: Number(i.bucket),
        personKeys: String(i.personKeys ?? '')
          .split('\n')
          .filter((k) => k !== ''),
        strata: (i.strata as number[] | undefined) ?? [],
      }));
    },
  };
};

export class TokenNotActiveError extends AppError {
  constructor() {
    super(403, 'TOKEN_NOT_ACTIVE', 'Phiếu này thuộc danh sách dự phòng và chưa được kích hoạt.');
  }
}

export class TokenRevokedError extends AppError {
  constructor() {
    super(
      410,
      'TOKEN_REVOKED',
      'Phiếu này không còn hiệu lực: người được khảo sát đã được thay bằng người trong danh sách dự phòng.',
    );
  }
}

/** A typed code that cannot be right (400, code PAPER_CODE_MISTYPED / _LENGTH / _CHARACTER / _EMPTY). */
export class PaperCodeMistypedError extends AppError {
  constructor(reason: PaperCodeProblem) {
    super(400, PAPER_CODE_ERRORS[reason].code, PAPER_CODE_ERRORS[reason].message);
  }
}

/** Only an active assignment opens a form: 410 for a revoked one, 403 for a reserve not called up. */
export const requireActive = (assignment: Assignment): Assignment => {
  const status = assignmentStatus(assignment);
  if (status === 'revoked') throw new TokenRevokedError();
  if (status === 'inactive') throw new TokenNotActiveError();
  return assignment;
};

/** A form token's assignment: 404 TOKEN_NOT_FOUND for an unknown token, 410 revoked, 403 reserve. */
export const resolveToken = async (
  token: string,
  reader: Pick<SamplesReader, 'findByTokenHash'>,
): Promise<Assignment> => {
  const assignment = /^[A-Za-z0-9_-]{16,64}$/.test(token)
    ? await reader.findByTokenHash(hashToken(token))
    : null;
  if (!assignment)
    throw new NotFoundError('Liên kết phiếu không hợp lệ. Hãy kiểm tra lại đường dẫn.', 'TOKEN_NOT_FOUND');
  return requireActive(assignment);
};

/**
 * A typed paper code's assignment. The check character catches a typo BEFORE any lookup (400
 * PAPER_CODE_MISTYPED with the domain's message); then 404 CODE_NOT_FOUND, 410 revoked, 403 reserve.
 */
export const resolvePaperCode = async (
  input: string,
  keys: Keys,
  reader: Pick<SamplesReader, 'findByCodeHash'>,
): Promise<{ code: string; assignment: Assignment }> => {
  const parsed = parsePaperCode(input);
  if (!parsed.ok) throw new PaperCodeMistypedError(parsed.reason);
  const assignment = await reader.findByCodeHash(hashPaperCode(keys, parsed.code));
  if (!assignment)
    throw new NotFoundError(
      'Không tìm thấy phiếu có mã này. Hãy kiểm tra lại mã in trên thư.',
      'CODE_NOT_FOUND',
    );
  return { code: parsed.code, assignment: requireActive(assignment) };
};

// ---- rater forms (PAR, several targets on one form) ----

/** A rater form that was withdrawn: its link and code answer 410 TOKEN_REVOKED. */
export class RaterFormRevokedError extends AppError {
  constructor() {
    super(
      410,
      'TOKEN_REVOKED',
      'Phiếu đánh giá này đã bị thu hồi và không còn nhận trả lời. Nếu bạn vẫn được mời đánh giá, hãy liên hệ cơ quan tổ chức khảo sát để được cấp phiếu mới.',
    );
  }
}

const activeRaterForm = (form: RaterForm): RaterForm => {
  if (form.status === 'revoked') throw new RaterFormRevokedError();
  return form;
};

/** A rater form's token (`/r/{token}`): 404 TOKEN_NOT_FOUND for an unknown token, 410 revoked. */
export const resolveRaterToken = async (
  token: string,
  reader: Pick<SamplesReader, 'findRaterFormByTokenHash'>,
): Promise<RaterForm> => {
  const form = /^[A-Za-z0-9_-]{16,64}$/.test(token)
    ? await reader.findRaterFormByTokenHash(hashToken(token))
    : null;
  if (!form)
    throw new NotFoundError('Liên kết phiếu không hợp lệ. Hãy kiểm tra lại đường dẫn.', 'TOKEN_NOT_FOUND');
  return activeRaterForm(form);
};

/**
 * A typed paper code, looked up as an assignment first, then as a rater form (each kind has its own
 * key space). The check character is verified before any lookup (400 PAPER_CODE_*); 404 CODE_NOT_FOUND
 * when neither knows it; 410 for a revoked one, 403 for a reserve not called up.
 */
export const resolveAnyPaperCode = async (
  input: string,
  keys: Keys,
  reader: Pick<SamplesReader, 'findByCodeHash'> & Partial<Pick<SamplesReader, 'findRaterFormByCodeHash'>>,
): Promise<{ code: string } & ({ assignment: Assignment } | { raterForm: RaterForm })> => {
  const parsed = parsePaperCode(input);
  if (!parsed.ok) throw new PaperCodeMistypedError(parsed.reason);
  const codeHash = hashPaperCode(keys, parsed.code);
  const assignment = await reader.findByCodeHash(codeHash);
  if (assignment) return { code: parsed.code, assignment: requireActive(assignment) };
  const raterForm = (await reader.findRaterFormByCodeHash?.(codeHash)) ?? null;
  if (raterForm) return { code: parsed.code, raterForm: activeRaterForm(raterForm) };
  throw new NotFoundError(
    'Không tìm thấy phiếu có mã này. Hãy kiểm tra lại mã in trên thư.',
    'CODE_NOT_FOUND',
  );
};

/** A rater form's paper code (only rater forms: 404 CODE_NOT_FOUND for an assignment's code). */
export const resolveRaterPaperCode = async (
  input: string,
  keys: Keys,
  reader: Pick<SamplesReader, 'findRaterFormByCodeHash'>,
): Promise<RaterForm> => {
  const parsed = parsePaperCode(input);
  if (!parsed.ok) throw new PaperCodeMistypedError(parsed.reason);
  const form = await reader.findRaterFormByCodeHash(hashPaperCode(keys, parsed.code));
  if (!form)
    throw new NotFoundError(
      'Không tìm thấy phiếu có mã này. Hãy kiểm tra lại mã in trên thư.',
      'CODE_NOT_FOUND',
    );
  return activeRaterForm(form);
};
