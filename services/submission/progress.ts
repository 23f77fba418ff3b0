/**
 * GET /api/rounds/{roundId}/fieldwork-progress: field work per unit × field for the ops console —
 * forms issued (the active assignments of the round's latest completed sample, read through the
 * samples contract) and forms returned (this service's submissions), with the returns per day in
 * Vietnam time so the console can draw them over time. Unit-scoped; counts only, no receipt or token.
 */
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { loadRound, type RoundsReader } from '../../shared/tables/rounds.ts';
import { assignmentStatus, type SamplesReader } from '../../shared/tables/samples.ts';
import type { SubmissionsReader } from '../../shared/tables/submissions.ts';

export interface ProgressDeps {
  rounds: Pick<RoundsReader, 'get'>;
  samples: Pick<SamplesReader, 'listManifests' | 'listAssignments'>;
  submissions: Pick<SubmissionsReader, 'listByRound'>;
}

const VIETNAM_OFFSET_MS = 7 * 3600_000;
/** The day (yyyy-mm-dd) an instant falls on in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
export const vietnamDay = (iso: string): string =>
  new Date(Date.parse(iso) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);

export interface ProgressCell {
  unitCode: string;
  fieldCode: string;
  issued: number;
  returned: number;
}

export const fieldworkProgress = async (
  roundId: string,
  principal: Principal,
  query: { unitCode?: string | undefined },
  deps: ProgressDeps,
) => {
  const round = await loadRound(roundId, deps.rounds);
  const visible = (unitCode: string) =>
    canAccessUnit(principal, unitCode) && (!query.unitCode || unitCode === query.unitCode);
  const sample =
    (await deps.samples.listManifests(round.id))
      .filter((m) => m.status === 'completed')
      .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''))
      .at(-1) ?? null;
  const cells = new Map<string, ProgressCell>();
  const cell = (unitCode: string, fieldCode: string) => {
    const key = `${unitCode}\u0000${fieldCode}`;
    let c = cells.get(key);
    if (!c) {
      c = { unitCode, fieldCode, issued: 0, returned: 0 };
      cells.set(key, c);
    }
    return c;
  };
  if (sample) {
    for (const a of await deps.samples.listAssignments(sample.sampleId)) {
      if (assignmentStatus(a) === 'active' && visible(a.unitCode)) cell(a.unitCode, a.fieldCode).issued++;
    }
  }
  const perDay = new Map<string, { day: string; unitCode: string; fieldCode: string; returned: number }>();
  for (const s of await deps.submissions.listByRound(round.id)) {
    if (!visible(s.unitCode)) continue;
    cell(s.unitCode, s.fieldCode).returned++;
    const day = vietnamDay(s.submittedAt);
    const key = `${day}\u0000${s.unitCode}\u0000${s.fieldCode}`;
    const d = perDay.get(key) ?? { day, unitCode: s.unitCode, fieldCode: s.fieldCode, returned: 0 };
    d.returned++;
    perDay.set(key, d);
  }
  const byUnitField = (
    a: { unitCode: string; fieldCode: string },
    b: { unitCode: string; fieldCode: string },
  ) => a.unitCode.localeCompare(b.unitCode) || a.fieldCode.localeCompare(b.fieldCode);
  return {
    roundId: round.id,
    sampleId: sample?.sampleId ?? null,
    cells: [...cells.values()].sort(byUnitField),
    days: [...perDay.values()].sort((a, b) => a.day.localeCompare(b.day) || byUnitField(a, b)),
  };
};
