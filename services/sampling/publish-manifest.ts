/**
 * The published manifest and person-key export of a completed sample (issue 9 item 2): the two files
 * an auditor verifies offline with `npm run verify-sample` (shared/domain/published-draw.ts).
 * Built from the stored manifest and lists and from the roster as stored now — which must still be
 * the roster the draw read (same roster hash), or the files would not describe this draw.
 */
import {
  drawStratumKey,
  PUBLISHED_MANIFEST_FORMAT,
  type PublishedManifest,
  type PublishedRow,
  personKeysCsv,
  publishedManifestSchema,
  publishedRows,
  publishedRowsHash,
  type QuotaPolicy,
  rosterHashOf,
  stratumQuotas,
} from '../../shared/domain/index.ts';
import { ConflictError } from '../../shared/platform/errors.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import type { Assignment, SampleManifest } from '../../shared/tables/samples.ts';

export class RosterChangedError extends ConflictError {
  constructor() {
    super(
      'ROSTER_CHANGED',
      'Danh sách người dân của đợt đã thay đổi sau lần chọn mẫu này, nên không thể công bố biên bản và tệp mã người khớp với mẫu. Hãy đối chiếu bằng chức năng kiểm tra mẫu hoặc chọn mẫu lại (kèm lý do).',
    );
  }
}

export interface PublishDeps {
  listAssignments: (sampleId: string) => Promise<Assignment[]>;
  respondents: Pick<RespondentsReader, 'listDossiers' | 'unitVersions'>;
}

export const publishSample = async (
  manifest: SampleManifest,
  deps: PublishDeps,
): Promise<{ manifest: PublishedManifest; rows: PublishedRow[] }> => {
  const dossiers = await deps.respondents.listDossiers(manifest.roundId);
  if (!manifest.rosterHash || rosterHashOf(dossiers) !== manifest.rosterHash) throw new RosterChangedError();
  const rows = publishedRows(dossiers);
  const rowsOf = new Map<string, PublishedRow[]>();
  for (const r of rows) {
    const key = drawStratumKey(r.unitCode, r.fieldCode);
    rowsOf.set(key, [...(rowsOf.get(key) ?? []), r]);
  }
  const lists = new Map<string, { official: Assignment[]; reserve: Assignment[] }>();
  for (const a of await deps.listAssignments(manifest.sampleId)) {
    const key = drawStratumKey(a.unitCode, a.fieldCode);
    const l = lists.get(key) ?? { official: [], reserve: [] };
    l[a.list].push(a);
    lists.set(key, l);
  }
  const counts = manifest.strata ?? [];
  const policy = manifest.quotaPolicy as QuotaPolicy | undefined;
  const quotas = {
    officialPerStratum: manifest.officialPerStratum,
    reservePerStratum: manifest.reservePerStratum,
    ...(policy ? { policy } : {}),
  };
  const quotaOf = stratumQuotas(quotas, counts);
  const ranked = (xs: Assignment[] = []) => [...xs].sort((a, b) => a.rank - b.rank).map((a) => a.personKey);
  const versions = (await deps.respondents.unitVersions(manifest.roundId))
    .map((v) => ({ unitCode: v.unitCode, importId: v.importId, since: v.since }))
    .sort((a, b) => (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0));
  const published: PublishedManifest = {
    format: PUBLISHED_MANIFEST_FORMAT,
    roundId: manifest.roundId,
    sampleId: manifest.sampleId,
    algorithm: manifest.algorithm as PublishedManifest['algorithm'],
    seed: manifest.seed,
    seedSource: manifest.seedSource ?? 'request',
    quotas,
    roster: {
      versions,
      rosterHash: manifest.rosterHash,
      personKeysHash: publishedRowsHash(rows),
      dossiers: rows.length,
    },
    requestedAt: manifest.requestedAt,
    ...(manifest.completedAt ? { completedAt: manifest.completedAt } : {}),
    ...(manifest.supersededBy ? { supersededBy: manifest.supersededBy } : {}),
    strata: counts.map((c) => {
      const key = drawStratumKey(c.unitCode, c.fieldCode);
      const q = quotaOf(c);
      return {
        unitCode: c.unitCode,
        fieldCode: c.fieldCode,
        eligible: c.persons,
        quota: { official: q.official, reserve: q.reserve },
        official: ranked(lists.get(key)?.official),
        reserve: ranked(lists.get(key)?.reserve),
        shortfall: c.shortfall,
        rowsHash: publishedRowsHash(rowsOf.get(key) ?? []),
      };
    }),
  };
  return { manifest: publishedManifestSchema.parse(published), rows };
};

export const publishedManifestJson = (m: PublishedManifest): string => `${JSON.stringify(m, null, 2)}\n`;
export { personKeysCsv };
