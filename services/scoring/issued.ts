/**
 * Issued counts: the forms a round actually sent out, per unit × field — the active assignments of the
 * round's sample (samples contract: `status` active). An official respondent replaced by a reserve is
 * revoked and the reserve active, so the pair counts once; reserves never called up do not count.
 */
import { type Assignment, assignmentStatus, type SampleManifest } from '../../shared/tables/samples.ts';

export const ufKey = (unitCode: string, fieldCode: string) => `${unitCode}\u0000${fieldCode}`;

/** Active assignments per unit × field (`ufKey`). */
export const activeCounts = (assignments: readonly Assignment[]): Map<string, number> => {
  const out = new Map<string, number>();
  for (const a of assignments) {
    if (assignmentStatus(a) !== 'active') continue;
    const k = ufKey(a.unitCode, a.fieldCode);
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
};

/** The round's sample for issued counts: the latest completed one. */
export const latestCompletedSample = (manifests: readonly SampleManifest[]): SampleManifest | null =>
  manifests
    .filter((m) => m.status === 'completed')
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''))
    .at(-1) ?? null;
