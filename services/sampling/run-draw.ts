import type { DrawMessage } from '../../shared/contracts/sampling-requests.ts';
import { drawSample, rosterHash, strataOf } from '../../shared/domain/index.ts';
import { formToken, hashToken, type Keys } from '../../shared/platform/crypto.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import { type Assignment, tokenAssignment } from '../../shared/tables/samples.ts';
import type { SampleStore } from './store.ts';

export interface RunDrawDeps {
  samples: Pick<SampleStore, 'getManifest' | 'putAssignments' | 'completeManifest'>;
  respondents: Pick<RespondentsReader, 'listDossiers'>;
  keys: Keys;
  now?: () => Date;
}

export const runDraw = async (message: DrawMessage, deps: RunDrawDeps): Promise<void> => {
  const manifest = await deps.samples.getManifest(message.roundId, message.sampleId);
  if (!manifest) throw new Error(`sample ${message.sampleId} has no manifest`);
  if (manifest.status === 'completed') return;
  const dossiers = await deps.respondents.listDossiers(message.roundId);
  const { picks, counts } = drawSample(
    dossiers,
    { ...manifest, roundId: message.roundId },
    strataOf(dossiers),
  );
  const assignments: Assignment[] = picks.map((p) => {
    const base = { sampleId: message.sampleId, roundId: message.roundId, ...p };
    return { ...base, tokenHash: hashToken(formToken(deps.keys, tokenAssignment(base))) };
  });
  await deps.samples.putAssignments(assignments);
  await deps.samples.completeManifest(message.roundId, message.sampleId, {
    rosterHash: rosterHash(dossiers),
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
