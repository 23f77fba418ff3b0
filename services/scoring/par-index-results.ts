/**
 * The complete PAR Index of a round (docs/par.md): when the round has a criteria tree attached
 * (assessments table, read through its contract), every unit's index is composed by the domain
 * (`scoreParUnit`) from
 *   - the appraised self-assessment: per sub-criterion the Sở's adjusted score, else the unit's own score
 *     (only once the unit has submitted; drafts do not count),
 *   - the formula criteria's figures entered by the Sở,
 *   - the rater survey (option-weighted points of the unit's rater forms, scaled to each survey leaf),
 * at full precision; figures are rounded half-up to 2 decimals once, here, at output. Grades follow the
 * round's PAR rules; ranks are `rankParUnits` (ties on the published value, appraised points first).
 * Without criteria the survey-only result is returned unchanged.
 */
import {
  type Dec,
  DomainError,
  type ParComponentResult,
  type ParUnitResult,
  type QuestionnaireTemplate,
  rankParUnits,
  resolveParRules,
  round2OrNull,
  scoreParSurvey,
  scoreParUnit,
} from '../../shared/domain/index.ts';
import { type AssessmentsReader, loadRoundCriteria, splitEntries } from '../../shared/tables/assessments.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import type { StoredSubmission } from '../../shared/tables/submissions.ts';

type UnitRow = { unitCode: string } & Record<string, unknown>;

const r = (d: Dec | null) => round2OrNull(d);

const tree = (c: ParComponentResult): Record<string, unknown> => ({
  code: c.code,
  name: c.name,
  maxPoints: r(c.maxPoints),
  achieved: r(c.achieved),
  applicableMax: r(c.applicableMax),
  index: r(c.index),
  ...(c.children.length > 0 ? { children: c.children.map(tree) } : {}),
});

const COUNTED = new Set(['submitted', 'appraised', 'finalised']);

export const withParIndex = async <B extends { units: UnitRow[]; round: Record<string, unknown> }>(
  base: B,
  round: Round,
  template: QuestionnaireTemplate,
  submissions: readonly StoredSubmission[],
  assessments:
    | Pick<AssessmentsReader, 'getSetup' | 'getCriteria' | 'listUnitStates' | 'listEntries'>
    | undefined,
): Promise<B> => {
  if (!assessments) return base;
  const loaded = await loadRoundCriteria(round.id, assessments);
  if (!loaded) return base;
  const { config, setup } = loaded;
  const rules = resolveParRules(round.scoringRules);
  const survey = new Map(
    scoreParSurvey({
      template,
      responses: submissions.map((s) => ({ targetCode: s.unitCode, answers: s.answers })),
      rules,
    }).map((t) => [t.targetCode, t]),
  );
  const [states, entries] = await Promise.all([
    assessments.listUnitStates(round.id),
    assessments.listEntries(round.id),
  ]);
  const status = new Map(states.map((s) => [s.unitCode, s.status]));
  const leafMethod = new Map<string, string>();
  const walk = (nodes: typeof config.fields) => {
    for (const n of nodes) {
      if (n.children) walk(n.children);
      else leafMethod.set(n.code, n.method);
    }
  };
  walk(config.fields);

  const composed = new Map<string, ParUnitResult>();
  const failed = new Map<string, { code: string; message: string }>();
  for (const unit of round.units) {
    const mine = splitEntries(entries.filter((e) => e.unitCode === unit.code));
    const submitted = COUNTED.has(status.get(unit.code) ?? 'draft');
    const formulaScores: Record<string, string> = {};
    for (const a of mine.appraisals) {
      if (leafMethod.get(a.criterionCode) === 'formula')
        formulaScores[a.criterionCode] = String(a.adjustedScore);
    }
    try {
      composed.set(
        unit.code,
        scoreParUnit({
          config,
          unitCode: unit.code,
          selfAssessments: submitted ? mine.selfAssessments : [],
          appraisals: submitted
            ? mine.appraisals.filter((a) => leafMethod.get(a.criterionCode) === 'appraisal')
            : [],
          ...(survey.has(unit.code) ? { survey: survey.get(unit.code)! } : {}),
          formulaScores,
          rules,
        }),
      );
    } catch (error) {
      // A unit that cannot be composed yet (a criterion without any score) keeps a row with the reason.
      if (!(error instanceof DomainError)) throw error;
      failed.set(unit.code, { code: error.code, message: error.message });
    }
  }
  const ranks = new Map(rankParUnits([...composed.values()], rules).map((x) => [x.unitCode, x.rank]));
  const before = new Map(base.units.map((u) => [u.unitCode, u]));
  const units = round.units.map((unit) => {
    const row = before.get(unit.code);
    const { points, applicableMax, index, grade, rank, elements, counts, ...rest } = (row ?? {}) as Record<
      string,
      unknown
    >;
    const result = composed.get(unit.code);
    const surveyPart = row
      ? { points, applicableMax, index, grade, rank, elements }
      : { points: null, applicableMax: null, index: null, elements: [] };
    const method = (m: 'appraisal' | 'survey' | 'formula') =>
      result
        ? {
            achieved: r(result.byMethod[m].achieved),
            applicableMax: r(result.byMethod[m].applicableMax),
            index: r(result.byMethod[m].index),
          }
        : null;
    return {
      ...rest,
      unitCode: unit.code,
      counts: counts ?? { issued: null, returned: 0 },
      assessment: { status: status.get(unit.code) ?? 'draft' },
      achieved: result ? r(result.result.achieved) : null,
      applicableMax: result ? r(result.result.applicableMax) : null,
      index: result ? r(result.result.index) : null,
      grade: result?.result.grade ?? null,
      rank: ranks.get(unit.code) ?? null,
      components: { appraisal: method('appraisal'), survey: method('survey'), formula: method('formula') },
      fields: result ? result.result.components.map(tree) : [],
      leaves: result
        ? result.leaves.map((l) => ({
            code: l.code,
            fieldCode: l.fieldCode,
            method: l.method,
            maxPoints: r(l.maxPoints),
            selfScore: r(l.selfScore),
            appraisedScore: r(l.appraisedScore),
            points: r(l.points),
            source: l.source,
          }))
        : [],
      survey: surveyPart,
      ...(failed.has(unit.code) ? { error: failed.get(unit.code) } : {}),
    };
  });
  return {
    ...base,
    round: {
      ...base.round,
      par: {
        criteria: setup.criteria,
        declaredMaxPoints: config.declaredMaxPoints,
        composed: composed.size,
        notComposed: failed.size,
      },
    },
    units,
  };
};
