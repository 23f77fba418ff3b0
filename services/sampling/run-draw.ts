import type { DrawMessage } from '../../shared/contracts/sampling-requests.ts';
import { encodePaperCode } from '../../shared/domain/index.ts';
import {
  formToken,
  hashPaperCode,
  hashToken,
  type Keys,
  paperCodeBytes,
} from '../../shared/platform/crypto.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import { type Assignment, tokenAssignment } from '../../shared/tables/samples.ts';
import { computeDraw } from './compute-draw.ts';
import type { SampleStore } from './store.ts';

export interface RunDrawDeps {
  samples: Pick<SampleStore, 'getManifest' | 'putAssignments' | 'completeManifest'>;
  respondents: Pick<RespondentsReader, 'listDossiers'>;
  keys: Keys;
  now?: () => Date;
}

/** The paper code of an assignment (never stored: only its keyed hash is). */
export const paperCodeOf = (keys: Keys, a: Parameters<typeof tokenAssignment>[0]): string =>
  encodePaperCode(paperCodeBytes(keys, tokenAssignment(a)));

export const runDraw = async (message: DrawMessage, deps: RunDrawDeps): Promise<void> => {
  const manifest = await deps.samples.getManifest(message.roundId, message.sampleId);
  if (!manifest) throw new Error(`sample ${message.sampleId} has no manifest`);
  if (manifest.status === 'completed') return;
  const dossiers = await deps.respondents.listDossiers(message.roundId);
  const { picks, counts, rosterHash } = await computeDraw(message.roundId, manifest, dossiers);
  const assignments: Assignment[] = picks.map((p) => {
    const base = { sampleId: message.sampleId, roundId: message.roundId, ...p };
    return {
      ...base,
      tokenHash: hashToken(formToken(deps.keys, tokenAssignment(base))),
      codeHash: hashPaperCode(deps.keys, paperCodeOf(deps.keys, base)),
      // Officials' forms work at once; a reserve's only once it replaces someone.
      status: p.list === 'official' ? 'active' : 'inactive',
    };
  });
  await deps.samples.putAssignments(assignments);
  await deps.samples.completeManifest(message.roundId, message.sampleId, {
    rosterHash,
    dossiers: dossiers.length,
    strata: counts,
    totals: {
      official: counts.reduce((s, c) => s + c.official, 0),
      reserve: counts.reduce((s, c) => s + c.reserve, 0),
      shortfall: counts.reduce((s, c) => s + c.shortfall, 0),
    },
    completedAt: (deps.now?.() ?? new Date()).toISOString(),
  });
};
