/**
 * Scoring run: every stored submission of the round → the methodology core (shared/domain)
 * → results rounded once, at output. SIPAS rounds get satisfaction indexes; PAR rounds get
 * option-weighted points per rated unit. Both rank the units and carry the rules used.
 * Issued counts come from the latest completed sample.
 */
import {
  bootstrapSipas,
  type Dec,
  gradeOf,
  type Interval,
  type IssuedCounts,
  type QuestionnaireTemplate,
  type RankedUnit,
  rankUnits,
  rankWithIntervals,
  resolveParRules,
  round2OrNull,
  type SipasGroupResult,
  scoreParSurvey,
  scoreSipas,
  sipasColumnsFromForms,
  wilsonInterval,
} from '../../shared/domain/index.ts';
import type { AssessmentsReader } from '../../shared/tables/assessments.ts';
import { loadRoundTemplate, type Round } from '../../shared/tables/rounds.ts';
import type { SamplesReader } from '../../shared/tables/samples.ts';
import type { StoredSubmission, SubmissionsReader } from '../../shared/tables/submissions.ts';
import { activeCounts, latestCompletedSample, ufKey } from './issued.ts';
import { withParIndex } from './par-index-results.ts';
import type { InputSnapshot } from './snapshot.ts';

export interface ComputeDeps {
  /** With `listAssignments`, issued = active assignments (issued.ts); else the manifest's official counts. */
  samples: Pick<SamplesReader, 'listManifests'> & Partial<Pick<SamplesReader, 'listAssignments'>>;
  submissions: Pick<SubmissionsReader, 'pageByRound'>;
  /** PAR rounds with a criteria tree: the self-assessment and appraisal (par-index-results.ts). */
  assessments?: Pick<AssessmentsReader, 'getSetup' | 'getCriteria' | 'listUnitStates' | 'listEntries'>;
  now?: () => Date;
}

const issuedFromLatestSample = async (
  roundId: string,
  samples: ComputeDeps['samples'],
): Promise<{ sampleId: string | null; issued: IssuedCounts; population: Map<string, number> }> => {
  const latest = latestCompletedSample(await samples.listManifests(roundId));
  const active =
    latest && samples.listAssignments ? activeCounts(await samples.listAssignments(latest.sampleId)) : null;
  const unitFields: Record<string, Record<string, number>> = {};
  const units: Record<string, number> = {};
  const fields: Record<string, number> = {};
  let round = 0;
  const population = new Map<string, number>();
  for (const s of latest?.strata ?? []) {
    population.set(`${s.unitCode}\u0000${s.fieldCode}`, s.persons);
    const issued = active ? (active.get(ufKey(s.unitCode, s.fieldCode)) ?? 0) : s.official;
    unitFields[s.unitCode] = { ...(unitFields[s.unitCode] ?? {}), [s.fieldCode]: issued };
    units[s.unitCode] = (units[s.unitCode] ?? 0) + issued;
    fields[s.fieldCode] = (fields[s.fieldCode] ?? 0) + issued;
    round += issued;
  }
  return { sampleId: latest?.sampleId ?? null, issued: { round, units, fields, unitFields }, population };
};

const ranking = (
  entries: Array<{ unitCode: string; index: Dec | null }>,
  rules: Partial<Parameters<typeof rankUnits>[1]>,
) => new Map<string, RankedUnit>(rankUnits(entries, rules).map((r) => [r.unitCode, r]));

type IntervalEnds = Pick<Interval, 'lower' | 'upper'>;

/** Output figures: 2 decimals, rounded once here (intervals are floats from the start). */
export const r2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);
export const ci = (iv: Pick<Interval, 'lower' | 'upper'> | undefined) =>
  iv && iv.lower !== null && iv.upper !== null ? { lower: r2(iv.lower), upper: r2(iv.upper) } : null;

/** returned ÷ issued in %, `null` without an issued count. */
export const responseRate = (c: SipasGroupResult['counts']) =>
  c.issued ? r2((100 * c.returned) / c.issued) : null;

export const presentSipasGroup = (
  g: Pick<SipasGroupResult, 'counts' | 'overall' | 'aspects' | 'elements' | 'items'>,
  boot: { elements: IntervalEnds[]; aspects: IntervalEnds[]; overall: IntervalEnds } | undefined,
  population: number | null,
) => ({
  counts: g.counts,
  responseRate: responseRate(g.counts),
  index: round2OrNull(g.overall),
  ci: ci(boot?.overall),
  aspects: g.aspects.map((a, i) => ({
    code: a.code,
    index: round2OrNull(a.index),
    ci: ci(boot?.aspects[i]),
  })),
  elements: g.elements.map((e, i) => ({
    code: e.code,
    aspectCode: e.aspectCode,
    index: round2OrNull(e.index),
    ci: ci(boot?.elements[i]),
  })),
  items: g.items.map((it) => {
    const w = wilsonInterval(it.satisfied, it.valid, {
      population: population !== null && population >= it.valid ? population : null,
    });
    return {
      questionId: it.questionId,
      elementCode: it.elementCode,
      valid: it.valid,
      satisfied: it.satisfied,
      levelCounts: it.levelCounts,
      index: round2OrNull(it.index),
      ci: w.lower === null ? null : { lower: r2(w.lower), upper: r2(w.upper) },
    };
  }),
});

const sipasResults = (
  round: Round,
  template: QuestionnaireTemplate,
  submissions: StoredSubmission[],
  issued: IssuedCounts,
  population: Map<string, number>,
  seed: number,
) => {
  const forms = submissions.map((s) => ({
    unitCode: s.unitCode,
    fieldCode: s.fieldCode,
    answers: s.answers,
  }));
  const result = scoreSipas({ template, forms, issued, rules: round.scoringRules });
  const { groups, columns } = sipasColumnsFromForms(template, forms, round.scoringRules);
  const pop = (u: string, f: string) => population.get(`${u}\u0000${f}`) ?? null;
  const boot =
    groups.length > 0
      ? bootstrapSipas(
          {
            template,
            groups,
            columns,
            population: groups.map((g) => pop(g.unitCode, g.fieldCode)),
            rules: round.scoringRules,
          },
          { seed },
        )
      : null;
  const sum = (xs: Array<number | null>) =>
    xs.length > 0 && xs.every((x) => x !== null) ? xs.reduce<number>((a, b) => a + (b ?? 0), 0) : null;
  const unitPop = (u: string) => sum(round.fields.map((f) => pop(u, f.code)));
  const fieldPop = (f: string) => sum(round.units.map((u) => pop(u.code, f)));
  const bootUnit = new Map(boot?.byUnit.map((b) => [b.unitCode, b]) ?? []);
  const bootField = new Map(boot?.byField.map((b) => [b.fieldCode, b]) ?? []);
  const bootUF = new Map(groups.map((g, i) => [`${g.unitCode}\u0000${g.fieldCode}`, boot?.byUnitField[i]]));
  const units = result.byUnit.map((u) => ({
    unitCode: u.unitCode,
    ...presentSipasGroup(u, bootUnit.get(u.unitCode), unitPop(u.unitCode)),
  }));
  const ranks = new Map(
    rankWithIntervals(
      result.byUnit.map((u, i) => ({
        unitCode: u.unitCode,
        index: u.overall,
        lower: units[i]!.ci?.lower ?? null,
        upper: units[i]!.ci?.upper ?? null,
      })),
    ).map((r) => [r.unitCode, r]),
  );
  const fields = result.byField.map((f) => ({
    fieldCode: f.fieldCode,
    ...presentSipasGroup(f, bootField.get(f.fieldCode), fieldPop(f.fieldCode)),
  }));
  const fieldRanks = new Map(
    rankWithIntervals(
      result.byField.map((f, i) => ({
        unitCode: f.fieldCode,
        index: f.overall,
        lower: fields[i]!.ci?.lower ?? null,
        upper: fields[i]!.ci?.upper ?? null,
      })),
    ).map((r) => [r.unitCode, r]),
  );
  const rankOut = (r: ReturnType<typeof rankWithIntervals>[number] | undefined) => ({
    rank: r?.rank ?? null,
    tieGroup: r?.tieGroup ?? null,
    tiedWith: r?.tiedWith ?? [],
    rankRange: r?.rankRange ?? null,
  });
  return {
    rules: result.rules,
    bootstrap: boot
      ? { method: boot.method, replicates: boot.replicates, seed: boot.seed, level: boot.level }
      : null,
    round: presentSipasGroup(result.round, boot?.round ?? undefined, sum([...population.values()])),
    units: units.map((u) => ({ ...u, ...rankOut(ranks.get(u.unitCode)) })),
    fields: fields.map((f) => ({ ...f, ...rankOut(fieldRanks.get(f.fieldCode)) })),
    unitFields: result.byUnitField.map((u) => ({
      unitCode: u.unitCode,
      fieldCode: u.fieldCode,
      ...presentSipasGroup(u, bootUF.get(`${u.unitCode}\u0000${u.fieldCode}`), pop(u.unitCode, u.fieldCode)),
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

export const computeResults = async (
  round: Round,
  runId: string,
  deps: Pick<ComputeDeps, 'samples' | 'now' | 'assessments'>,
  submissions: StoredSubmission[],
  snapshot: InputSnapshot,
) => {
  const template = await loadRoundTemplate(round);
  const { sampleId, issued, population } = await issuedFromLatestSample(round.id, deps.samples);
  const scored =
    round.kind === 'SIPAS'
      ? sipasResults(round, template, submissions, issued, population, snapshot.bootstrapSeed)
      : await withParIndex(
          parResults(round, template, submissions, issued),
          round,
          template,
          submissions,
          deps.assessments,
        );
  const unitName = new Map(round.units.map((u) => [u.code, u.name]));
  return {
    roundId: round.id,
    kind: round.kind,
    runId,
    computedAt: (deps.now?.() ?? new Date()).toISOString(),
    templateId: template.id,
    methodologyVersion: round.methodologyVersion,
    sampleId,
    snapshot,
    rounding: 'half-up, 2 decimals, applied once at output',
    ...scored,
    units: scored.units.map((u) => ({ ...u, unitName: unitName.get(u.unitCode) ?? u.unitCode })),
  };
};
