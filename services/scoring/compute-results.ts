/**
 * Scoring run: every stored submission of the round → the methodology core (shared/domain)
 * → results rounded once, at output. SIPAS rounds get satisfaction indexes; PAR rounds get
 * option-weighted points per rated unit. Both rank the units and carry the rules used.
 * Issued counts come from the latest completed sample.
 */
import {
  type Dec,
  gradeOf,
  type IssuedCounts,
  type QuestionnaireTemplate,
  type RankedUnit,
  rankUnits,
  resolveParRules,
  round2OrNull,
  type SipasGroupResult,
  scoreParSurvey,
  scoreSipas,
} from '../../shared/domain/index.ts';
import { loadRoundTemplate, type Round } from '../../shared/tables/rounds.ts';
import type { SamplesReader } from '../../shared/tables/samples.ts';
import type { StoredSubmission, SubmissionsReader } from '../../shared/tables/submissions.ts';

export interface ComputeDeps {
  samples: Pick<SamplesReader, 'listManifests'>;
  submissions: Pick<SubmissionsReader, 'listByRound'>;
  now?: () => Date;
}

const issuedFromLatestSample = async (
  roundId: string,
  samples: ComputeDeps['samples'],
): Promise<{ sampleId: string | null; issued: IssuedCounts }> => {
  const completed = (await samples.listManifests(roundId))
    .filter((m) => m.status === 'completed')
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''));
  const latest = completed.at(-1);
  const unitFields: Record<string, Record<string, number>> = {};
  const units: Record<string, number> = {};
  const fields: Record<string, number> = {};
  let round = 0;
  for (const s of latest?.strata ?? []) {
    unitFields[s.unitCode] = { ...(unitFields[s.unitCode] ?? {}), [s.fieldCode]: s.official };
    units[s.unitCode] = (units[s.unitCode] ?? 0) + s.official;
    fields[s.fieldCode] = (fields[s.fieldCode] ?? 0) + s.official;
    round += s.official;
  }
  return { sampleId: latest?.sampleId ?? null, issued: { round, units, fields, unitFields } };
};

const ranking = (
  entries: Array<{ unitCode: string; index: Dec | null }>,
  rules: Partial<Parameters<typeof rankUnits>[1]>,
) => new Map<string, RankedUnit>(rankUnits(entries, rules).map((r) => [r.unitCode, r]));

const presentSipasGroup = (g: SipasGroupResult) => ({
  counts: g.counts,
  index: round2OrNull(g.overall),
  aspects: g.aspects.map((a) => ({ code: a.code, index: round2OrNull(a.index) })),
  elements: g.elements.map((e) => ({ code: e.code, aspectCode: e.aspectCode, index: round2OrNull(e.index) })),
});

const sipasResults = (
  round: Round,
  template: QuestionnaireTemplate,
  submissions: StoredSubmission[],
  issued: IssuedCounts,
) => {
  const result = scoreSipas({
    template,
    forms: submissions.map((s) => ({ unitCode: s.unitCode, fieldCode: s.fieldCode, answers: s.answers })),
    issued,
    rules: round.scoringRules,
  });
  const ranks = ranking(
    result.byUnit.map((u) => ({ unitCode: u.unitCode, index: u.overall })),
    {},
  );
  return {
    rules: result.rules,
    round: presentSipasGroup(result.round),
    units: result.byUnit.map((u) => ({
      unitCode: u.unitCode,
      ...presentSipasGroup(u),
      rank: ranks.get(u.unitCode)?.rank ?? null,
    })),
    unitFields: result.byUnitField.map((u) => ({
      unitCode: u.unitCode,
      fieldCode: u.fieldCode,
      counts: u.counts,
      index: round2OrNull(u.overall),
    })),
  };
};

const parResults = (
  round: Round,
  template: QuestionnaireTemplate,
  submissions: StoredSubmission[],
  issued: IssuedCounts,
) => {
  const rules = resolveParRules(round.scoringRules);
  const targets = scoreParSurvey({
    template,
    responses: submissions.map((s) => ({ targetCode: s.unitCode, answers: s.answers })),
    rules,
  });
  const ranks = ranking(
    targets.map((t) => ({ unitCode: t.targetCode, index: t.index })),
    rules.ranking,
  );
  return {
    rules,
    round: { counts: { issued: issued.round ?? null, returned: submissions.length } },
    units: targets.map((t) => ({
      unitCode: t.targetCode,
      counts: { issued: issued.units?.[t.targetCode] ?? null, returned: t.responses },
      points: round2OrNull(t.points),
      applicableMax: round2OrNull(t.applicableMax),
      index: round2OrNull(t.index),
      grade: t.index === null ? null : gradeOf(t.index, rules.grades),
      rank: ranks.get(t.targetCode)?.rank ?? null,
      elements: t.elements.map((e) => ({
        code: e.code,
        points: round2OrNull(e.points),
        applicableMax: round2OrNull(e.applicableMax),
      })),
    })),
    unitFields: [],
  };
};

export const computeResults = async (round: Round, runId: string, deps: ComputeDeps) => {
  const template = await loadRoundTemplate(round);
  const submissions = await deps.submissions.listByRound(round.id);
  const { sampleId, issued } = await issuedFromLatestSample(round.id, deps.samples);
  const scored =
    round.kind === 'SIPAS'
      ? sipasResults(round, template, submissions, issued)
      : parResults(round, template, submissions, issued);
  const unitName = new Map(round.units.map((u) => [u.code, u.name]));
  return {
    roundId: round.id,
    kind: round.kind,
    runId,
    computedAt: (deps.now?.() ?? new Date()).toISOString(),
    templateId: template.id,
    methodologyVersion: round.methodologyVersion,
    sampleId,
    rounding: 'half-up, 2 decimals, applied once at output',
    ...scored,
    units: scored.units.map((u) => ({ ...u, unitName: unitName.get(u.unitCode) ?? u.unitCode })),
  };
};
