import type { DrawPick } from '../../shared/domain/index.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import type { Assignment, SampleManifest, SamplesReader } from '../../shared/tables/samples.ts';
import { computeDraw } from './compute-draw.ts';

export interface StratumVerdict {
  unitCode: string;
  fieldCode: string;
  match: boolean;
}

const listsOf = (
  rows: ReadonlyArray<Pick<DrawPick, 'unitCode' | 'fieldCode' | 'list' | 'rank' | 'personKey'>>,
) => {
  const out = new Map<string, string>();
  const sorted = [...rows].sort((a, b) =>
    a.list === b.list ? a.rank - b.rank : a.list === 'official' ? -1 : 1,
  );
  for (const r of sorted) {
    const key = `${r.unitCode}#${r.fieldCode}`;
    out.set(key, `${out.get(key) ?? ''}${r.list[0]}${r.rank}:${r.personKey};`);
  }
  return out;
};

/**
 * Recomputes the draw from the roster as stored now and compares it, stratum by stratum, with the
 * stored lists (ranked person keys) and the manifest's roster hash.
 */
export const verifySample = async (
  manifest: SampleManifest,
  deps: {
    listAssignments: (sampleId: string) => Promise<Assignment[]>;
    getProgress?: SamplesReader['getProgress'];
    respondents: Pick<RespondentsReader, 'listDossiers' | 'listDossiersOfVersions'>;
  },
) => {
  // A fanned-out draw recorded the roster versions it drew from: recompute from exactly those.
  const plan = (await deps.getProgress?.(manifest.sampleId))?.plan;
  const dossiers = plan
    ? await deps.respondents.listDossiersOfVersions(manifest.roundId, plan.flat())
    : await deps.respondents.listDossiers(manifest.roundId);
  const again = await computeDraw(manifest.roundId, manifest, dossiers);
  const stored = listsOf(await deps.listAssignments(manifest.sampleId));
  const recomputed = listsOf(again.picks);
  const keys = [...new Set([...stored.keys(), ...recomputed.keys()])].sort();
  const strata: StratumVerdict[] = keys.map((key) => {
    const [unitCode = '', fieldCode = ''] = key.split('#');
    return { unitCode, fieldCode, match: stored.get(key) === recomputed.get(key) };
  });
  const rosterHashMatch = again.rosterHash === manifest.rosterHash;
  return {
    sampleId: manifest.sampleId,
    algorithm: manifest.algorithm,
    match: rosterHashMatch && strata.every((s) => s.match),
    rosterHash: { stored: manifest.rosterHash ?? null, recomputed: again.rosterHash, match: rosterHashMatch },
    strata,
  };
};
