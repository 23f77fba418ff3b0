import { formToken, hashToken, type Keys } from '../../shared/platform/crypto.ts';
import type { RespondentStore } from '../roster-intake/store.ts';
import { drawSample, rosterHash, stratumKey } from './draw.ts';
import type { DrawMessage } from './schemas.ts';
import type { Assignment, SampleStore } from './store.ts';

/** The assignment a form token is derived from: HMAC(secret, this string). */
export const tokenAssignment = (
  a: Pick<Assignment, 'sampleId' | 'unitCode' | 'fieldCode' | 'personKey'>,
): string => [a.sampleId, a.unitCode, a.fieldCode, a.personKey].join('|');

export const runDraw = async (
  message: DrawMessage,
  deps: { samples: SampleStore; respondents: RespondentStore; keys: Keys },
): Promise<void> => {
  const manifest = await deps.samples.getManifest(message.roundId, message.sampleId);
  if (!manifest) throw new Error(`sample ${message.sampleId} has no manifest`);
  if (manifest.status === 'completed') return;
  const dossiers = await deps.respondents.listDossiers(message.roundId);
  const seen = new Set<string>();
  const strata = dossiers
    .map((d) => ({ unitCode: d.unitCode, fieldCode: d.fieldCode }))
    .filter((s) => {
      const key = stratumKey(s.unitCode, s.fieldCode);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => stratumKey(a.unitCode, a.fieldCode).localeCompare(stratumKey(b.unitCode, b.fieldCode)));
  const { picks, counts } = drawSample(dossiers, { ...manifest, roundId: message.roundId }, strata);
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
    completedAt: new Date().toISOString(),
  });
};
