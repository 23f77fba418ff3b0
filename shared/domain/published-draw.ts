/**
 * The published draw (issue 9 item 2): what an auditor needs to redo a sample without access to the
 * system — the manifest (seed, algorithm, quotas, per stratum the ranked person keys) and the roster's
 * person-key rows (pseudonymous: an HMAC person key, unit, field, completion date, spreadsheet row and
 * the dossier's position in dossier-id order, which is all rule 15's stratum assignment compares).
 * No names, phones, addresses or dossier ids are published.
 *
 * `verifyPublishedDraw` recomputes every stratum through the same engine as the draw
 * (draw-engine.ts: `groupPersonsByStratum` + `drawStrata`, quotas through quota.ts) and reports
 * match / mismatch per stratum. Each stratum also carries the hash of its own rows, so one altered
 * row is reported in its stratum even when it changes nobody's rank.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { csvCell, parseCsvRecords, unguardCell } from './csv.ts';
import { type DrawDossier, drawStrata, drawStratumKey, groupPersonsByStratum } from './draw-engine.ts';
import { SamplingInputError } from './errors.ts';
import { allocateRoundQuotas, drawQuotaOf, type QuotaPolicy, quotaPolicySchema } from './quota.ts';

export const PUBLISHED_MANIFEST_FORMAT = 'dieutra-sample-manifest-v1';
const SEP = '\u001f';

/** One published roster row (one dossier, pseudonymous). */
export interface PublishedRow {
  /** Position of the dossier in dossier-id order over the whole roster (rule 15's last tie-break). */
  dossier: number;
  personKey: string;
  unitCode: string;
  fieldCode: string;
  completedOn: string;
  row: number;
}

export const PERSON_KEYS_HEADER = ['dossier', 'personKey', 'unitCode', 'fieldCode', 'completedOn', 'row'];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The published rows of a roster, in (unit, field, dossier) order. */
export function publishedRows(
  dossiers: ReadonlyArray<
    Pick<DrawDossier, 'dossierId' | 'personKey' | 'unitCode' | 'fieldCode' | 'completedOn' | 'row'>
  >,
): PublishedRow[] {
  const order = [...dossiers].sort((a, b) => byText(a.dossierId, b.dossierId));
  return order
    .map((d, i) => ({
      dossier: i + 1,
      personKey: d.personKey,
      unitCode: d.unitCode,
      fieldCode: d.fieldCode,
      completedOn: d.completedOn,
      row: d.row,
    }))
    .sort(
      (a, b) => byText(a.unitCode, b.unitCode) || byText(a.fieldCode, b.fieldCode) || a.dossier - b.dossier,
    );
}

/** person-keys.csv: formula-safe cells (rule 14), CRLF, no BOM (a machine file). */
export const personKeysCsv = (rows: readonly PublishedRow[]): string =>
  `${[
    PERSON_KEYS_HEADER.join(','),
    ...rows.map((r) =>
      [String(r.dossier), r.personKey, r.unitCode, r.fieldCode, r.completedOn, String(r.row)]
        .map((c) => csvCell(c, ','))
        .join(','),
    ),
  ].join('\r\n')}\r\n`;

/** Reads person-keys.csv back; a malformed file is refused with the line that is wrong. */
export function parsePersonKeysCsv(text: string): PublishedRow[] {
  const records = parseCsvRecords(text).filter((r) => r.some((c) => c.trim() !== ''));
  const [header, ...lines] = records;
  if (!header || header.map((h) => h.trim()).join(',') !== PERSON_KEYS_HEADER.join(',')) {
    throw new SamplingInputError(`tệp mã người phải có dòng tiêu đề ${PERSON_KEYS_HEADER.join(',')}`);
  }
  return lines.map((cells, i) => {
    const [dossier, personKey, unitCode, fieldCode, completedOn, row] = cells.map(unguardCell);
    const n = Number(dossier);
    const r = Number(row);
    if (
      cells.length !== PERSON_KEYS_HEADER.length ||
      !Number.isInteger(n) ||
      !Number.isInteger(r) ||
      !personKey ||
      !unitCode ||
      !fieldCode ||
      !/^\d{4}-\d{2}-\d{2}$/.test(completedOn ?? '')
    ) {
      throw new SamplingInputError(`tệp mã người, dòng ${i + 2}: dòng không đúng định dạng`);
    }
    return {
      dossier: n,
      personKey: personKey as string,
      unitCode: unitCode as string,
      fieldCode: fieldCode as string,
      completedOn: completedOn as string,
      row: r,
    };
  });
}

const lineOf = (r: PublishedRow): string =>
  [r.dossier, r.personKey, r.unitCode, r.fieldCode, r.completedOn, r.row].join(SEP);

/** SHA-256 hex of the rows' lines, sorted: independent of the file's row order. */
export const publishedRowsHash = (rows: readonly PublishedRow[]): string => {
  const h = createHash('sha256');
  h.update(rows.map(lineOf).sort(byText).join('\n'));
  return h.digest('hex');
};

const quotaSchema = z.object({
  official: z.number().int().nonnegative(),
  reserve: z.number().int().nonnegative(),
});

export const publishedStratumSchema = z.object({
  unitCode: z.string(),
  fieldCode: z.string(),
  /** Persons of the stratum after rule 15 (the frame the draw ranked). */
  eligible: z.number().int().nonnegative(),
  /** What the stratum asked for (the draw caps it at the persons available). */
  quota: quotaSchema,
  official: z.array(z.string()),
  reserve: z.array(z.string()),
  shortfall: z.number().int().nonnegative(),
  /** publishedRowsHash of the rows of person-keys.csv whose unit and field are this stratum's. */
  rowsHash: z.string(),
});
export type PublishedStratum = z.infer<typeof publishedStratumSchema>;

export const publishedManifestSchema = z.object({
  format: z.literal(PUBLISHED_MANIFEST_FORMAT),
  roundId: z.string().min(1),
  sampleId: z.string().min(1),
  algorithm: z.literal('sha256-rank-v1'),
  seed: z.string().min(1),
  seedSource: z.string(),
  quotas: z.object({
    officialPerStratum: z.number().int().nonnegative(),
    reservePerStratum: z.number().int().nonnegative(),
    policy: quotaPolicySchema.optional(),
  }),
  roster: z.object({
    /** Each unit's roster version (the import that is current), for the record. */
    versions: z.array(z.object({ unitCode: z.string(), importId: z.string(), since: z.string() })),
    /** The system's roster hash (over dossier ids, not published) as stored at the draw. */
    rosterHash: z.string(),
    /** publishedRowsHash of the whole person-keys.csv. */
    personKeysHash: z.string(),
    dossiers: z.number().int().nonnegative(),
  }),
  requestedAt: z.string(),
  completedAt: z.string().optional(),
  supersededBy: z.string().optional(),
  strata: z.array(publishedStratumSchema),
});
export type PublishedManifest = z.infer<typeof publishedManifestSchema>;

export interface QuotaRequest {
  officialPerStratum: number;
  reservePerStratum: number;
  policy?: QuotaPolicy;
}

/** The quota each stratum asks for: the round's policy allocated over the strata, else the fixed numbers. */
export function stratumQuotas(
  request: QuotaRequest,
  strata: ReadonlyArray<{ unitCode: string; fieldCode: string; persons: number }>,
): (s: { unitCode: string; fieldCode: string }) => { official: number; reserve: number } {
  if (!request.policy) {
    const fixed = { official: request.officialPerStratum, reserve: request.reservePerStratum };
    return () => fixed;
  }
  const of = drawQuotaOf(
    allocateRoundQuotas(
      request.policy,
      strata.map((s) => ({ key: drawStratumKey(s.unitCode, s.fieldCode), persons: s.persons })),
    ),
  );
  return (s) => of({ unitCode: s.unitCode, fieldCode: s.fieldCode, personKeys: [] });
}

/** The distinct strata of the rows, in key order (as the draw lists them). */
const strataOfRows = (rows: readonly PublishedRow[]) => {
  const byKey = new Map<string, { unitCode: string; fieldCode: string }>();
  for (const r of rows) {
    const key = drawStratumKey(r.unitCode, r.fieldCode);
    if (!byKey.has(key)) byKey.set(key, { unitCode: r.unitCode, fieldCode: r.fieldCode });
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
};

/** The rows as the draw engine reads dossiers (the position stands in for the dossier id). */
const asDossiers = (rows: readonly PublishedRow[]): DrawDossier[] =>
  rows.map((r) => ({
    dossierId: String(r.dossier).padStart(12, '0'),
    personKey: r.personKey,
    unitCode: r.unitCode,
    fieldCode: r.fieldCode,
    completedOn: r.completedOn,
    row: r.row,
  }));

export interface RecomputedStratum {
  unitCode: string;
  fieldCode: string;
  eligible: number;
  quota: { official: number; reserve: number };
  official: string[];
  reserve: string[];
  shortfall: number;
  rowsHash: string;
}

/** The draw redone from published rows: every stratum of the rows, with its lists and row hash. */
export async function recomputePublishedDraw(
  input: { roundId: string; seed: string; quotas: QuotaRequest },
  rows: readonly PublishedRow[],
  options: { threads?: number } = {},
): Promise<RecomputedStratum[]> {
  const strata = groupPersonsByStratum(asDossiers(rows), strataOfRows(rows));
  const quotaOf = stratumQuotas(
    input.quotas,
    strata.map((s) => ({ ...s, persons: s.personKeys.length })),
  );
  const { picks, counts } = await drawStrata(
    { seed: input.seed, roundId: input.roundId, strata, quotaOf },
    { threads: options.threads ?? 1 },
  );
  const rowsByStratum = new Map<string, PublishedRow[]>();
  for (const r of rows) {
    const key = drawStratumKey(r.unitCode, r.fieldCode);
    rowsByStratum.set(key, [...(rowsByStratum.get(key) ?? []), r]);
  }
  const lists = new Map<string, { official: string[]; reserve: string[] }>();
  for (const p of picks) {
    const key = drawStratumKey(p.unitCode, p.fieldCode);
    const l = lists.get(key) ?? { official: [], reserve: [] };
    l[p.list].push(p.personKey);
    lists.set(key, l);
  }
  return counts.map((c) => {
    const key = drawStratumKey(c.unitCode, c.fieldCode);
    return {
      unitCode: c.unitCode,
      fieldCode: c.fieldCode,
      eligible: c.persons,
      quota: quotaOf(c),
      official: lists.get(key)?.official ?? [],
      reserve: lists.get(key)?.reserve ?? [],
      shortfall: c.shortfall,
      rowsHash: publishedRowsHash(rowsByStratum.get(key) ?? []),
    };
  });
}

export type StratumProblem =
  | 'MISSING'
  | 'EXTRA'
  | 'ROWS'
  | 'ELIGIBLE'
  | 'QUOTA'
  | 'OFFICIAL'
  | 'RESERVE'
  | 'SHORTFALL';

export const STRATUM_PROBLEM_TEXT: Record<StratumProblem, string> = {
  MISSING: 'tầng có trong biên bản nhưng không có dòng nào trong tệp mã người',
  EXTRA: 'tầng có trong tệp mã người nhưng không có trong biên bản',
  ROWS: 'các dòng của tầng trong tệp mã người khác với lúc chọn mẫu (mã băm không khớp)',
  ELIGIBLE: 'số người đủ điều kiện khác',
  QUOTA: 'số phiếu yêu cầu khác',
  OFFICIAL: 'danh sách chính thức khác',
  RESERVE: 'danh sách dự phòng khác',
  SHORTFALL: 'số phiếu thiếu khác',
};

export interface StratumVerification {
  unitCode: string;
  fieldCode: string;
  match: boolean;
  problems: StratumProblem[];
}

export interface PublishedVerification {
  match: boolean;
  personKeysHash: { published: string; recomputed: string; match: boolean };
  strata: StratumVerification[];
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Recomputes the published manifest from the published rows and compares, stratum by stratum. */
export async function verifyPublishedDraw(
  manifest: PublishedManifest,
  rows: readonly PublishedRow[],
  options: { threads?: number } = {},
): Promise<PublishedVerification> {
  const again = await recomputePublishedDraw(
    {
      roundId: manifest.roundId,
      seed: manifest.seed,
      quotas: {
        officialPerStratum: manifest.quotas.officialPerStratum,
        reservePerStratum: manifest.quotas.reservePerStratum,
        ...(manifest.quotas.policy ? { policy: manifest.quotas.policy } : {}),
      },
    },
    rows,
    options,
  );
  const published = new Map(manifest.strata.map((s) => [drawStratumKey(s.unitCode, s.fieldCode), s]));
  const recomputed = new Map(again.map((s) => [drawStratumKey(s.unitCode, s.fieldCode), s]));
  const keys = [...new Set([...published.keys(), ...recomputed.keys()])].sort();
  const strata = keys.map((key): StratumVerification => {
    const p = published.get(key);
    const r = recomputed.get(key);
    const where = (p ?? r) as { unitCode: string; fieldCode: string };
    const problems: StratumProblem[] = [];
    if (!r) problems.push('MISSING');
    else if (!p) problems.push('EXTRA');
    else {
      if (p.rowsHash !== r.rowsHash) problems.push('ROWS');
      if (p.eligible !== r.eligible) problems.push('ELIGIBLE');
      if (p.quota.official !== r.quota.official || p.quota.reserve !== r.quota.reserve)
        problems.push('QUOTA');
      if (!same(p.official, r.official)) problems.push('OFFICIAL');
      if (!same(p.reserve, r.reserve)) problems.push('RESERVE');
      if (p.shortfall !== r.shortfall) problems.push('SHORTFALL');
    }
    return { unitCode: where.unitCode, fieldCode: where.fieldCode, match: problems.length === 0, problems };
  });
  const hash = publishedRowsHash(rows);
  const personKeysHash = {
    published: manifest.roster.personKeysHash,
    recomputed: hash,
    match: hash === manifest.roster.personKeysHash,
  };
  return { match: personKeysHash.match && strata.every((s) => s.match), personKeysHash, strata };
}
