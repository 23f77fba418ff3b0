/**
 * A run's input snapshot: what was scored. The run id is derived from it, so scoring the same input twice
 * (a retried request, a nightly tick with no new forms) lands on the same run instead of a new one.
 */
import { createHash } from 'node:crypto';
import type { Round } from '../../shared/tables/rounds.ts';
import type { StoredSubmission, SubmissionsReader } from '../../shared/tables/submissions.ts';

export interface InputSnapshot {
  /** Issued counts' sample (fan-out runs). */
  sampleId?: string | null;
  /** `live-counts` at request time (identifies the run); `read` once the parts have read the forms. */
  source?: 'live-counts' | 'read';
  /** Forms submitted up to this instant are the run's input (fan-out runs). */
  cutoff?: string;
  templateId: string;
  /** The imported questionnaire's `id#version`, `null` for a built-in template. */
  templateVersion: string | null;
  methodologyVersion: string;
  /** Submissions read, their latest `submittedAt` and a hash over (token hash, body hash), in key order. */
  submissions: { count: number; watermark: string | null; hash: string };
  rulesHash: string;
  /** Seed of the bootstrap that gives the composed indices' intervals. */
  bootstrapSeed: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Stable JSON (sorted keys), so that equal rules hash equally whatever the key order. */
const stable = (v: unknown): string => {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
    .join(',')}}`;
};

export const BOOTSTRAP_SEED = 20221110;

/** Count, latest `submittedAt` and a hash over (token hash, body hash) in token-hash order. */
export const readDigest = (
  submissions: ReadonlyArray<Pick<StoredSubmission, 'tokenHash' | 'bodyHash' | 'submittedAt'>>,
): InputSnapshot['submissions'] => {
  const h = createHash('sha256');
  let watermark: string | null = null;
  const sorted = [...submissions].sort((a, b) =>
    a.tokenHash < b.tokenHash ? -1 : a.tokenHash > b.tokenHash ? 1 : 0,
  );
  for (const s of sorted) {
    h.update(`${s.tokenHash}:${s.bodyHash}\n`);
    if (watermark === null || s.submittedAt > watermark) watermark = s.submittedAt;
  }
  return { count: submissions.length, watermark, hash: h.digest('hex') };
};

/** The digests of a run's parts, in part order, as one. */
export const combineDigests = (
  parts: ReadonlyArray<InputSnapshot['submissions']>,
): InputSnapshot['submissions'] => {
  let watermark: string | null = null;
  for (const p of parts)
    if (p.watermark !== null && (watermark === null || p.watermark > watermark)) watermark = p.watermark;
  return {
    count: parts.reduce((a, p) => a + p.count, 0),
    watermark,
    hash: sha256(parts.map((p) => p.hash).join('\n')),
  };
};

const configOf = (round: Round) => ({
  templateId: round.templateId,
  templateVersion: round.questionnaire ? `${round.questionnaire.id}#${round.questionnaire.version}` : null,
  methodologyVersion: round.methodologyVersion,
  rulesHash: sha256(
    stable({ kind: round.kind, rules: round.scoringRules ?? null, settings: round.settings ?? null }),
  ),
  bootstrapSeed: BOOTSTRAP_SEED,
});

export const snapshotOf = (round: Round, submissions: readonly StoredSubmission[]): InputSnapshot => ({
  ...configOf(round),
  submissions: readDigest(submissions),
});

/**
 * What identifies a fan-out run at request time, without reading a form: the round's configuration,
 * the issued counts' sample and the live counters of returned forms (count and a hash over
 * unit × field × returned).
 */
export const requestSnapshot = (
  round: Round,
  live: ReadonlyArray<{ unitCode: string; fieldCode: string; returned: number }>,
  sampleId: string | null,
): InputSnapshot => {
  const rows = live
    .map((c) => `${c.unitCode}\u0000${c.fieldCode}\u0000${c.returned}`)
    .sort()
    .join('\n');
  return {
    ...configOf(round),
    sampleId,
    source: 'live-counts',
    submissions: { count: live.reduce((a, c) => a + c.returned, 0), watermark: null, hash: sha256(rows) },
  };
};

/** Same snapshot → same run id. */
export const runIdOf = (roundId: string, snapshot: InputSnapshot & { retryOf?: string }): string =>
  `run_${sha256(`${roundId}\n${stable(snapshot)}`).slice(0, 20)}`;

/** Reads every submission of the round page by page (a page at a time in memory on the reader's side). */
export const readRoundSubmissions = async (
  roundId: string,
  reader: Pick<SubmissionsReader, 'pageByRound'>,
): Promise<StoredSubmission[]> => {
  const out: StoredSubmission[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.pageByRound(roundId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return out;
};
