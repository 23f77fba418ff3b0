/**
 * A whole-round recompute, fanned out over the `scoring-parts` queue so that a national wave fits
 * Lambda's limits:
 *
 *   plan      the run's round → parts (groups of whole units, every field of a unit in one part)
 *   part      that part's submissions → results per unit × field and per unit (exact indexes,
 *             bootstrap intervals per unit), plus per field the pooled counts and variance moments
 *   finalise  once every part is done: field and round results (exact, from the pooled counts;
 *             linearised intervals from the moments), ranks, RESULT#LATEST → this run, run completed
 *
 * Every step is idempotent: a part's rows have fixed keys, its completion is recorded once
 * (`finishPart`), and a redelivered message for a completed or failed run does nothing.
 */
import type { ScorePartMessage, SendScoringParts } from '../../shared/contracts/scoring-parts.ts';
import { DomainError } from '../../shared/core/errors.ts';
import {
  addMoments,
  bootstrapSipas,
  columnarGroupResult,
  composeSipasCounts,
  countSipasColumns,
  Dec,
  type IssuedCounts,
  linearisedIntervals,
  momentsFromBytes,
  momentsToBytes,
  packedLength,
  type QuestionnaireTemplate,
  rankWithIntervals,
  resolveSipasRules,
  ScoringInputError,
  type SipasColumnCounts,
  type SipasGroupKey,
  satisfactionItems,
  sipasColumnsFromForms,
  stratumMoments,
} from '../../shared/domain/index.ts';
import { AppError } from '../../shared/platform/errors.ts';
import { logger } from '../../shared/platform/logger.ts';
import { mapWithLimit } from '../../shared/platform/pool.ts';
import type { PartDone, PartStat, ScoringRun } from '../../shared/tables/results.ts';
import { loadRound, loadRoundTemplate, type Round, type RoundsReader } from '../../shared/tables/rounds.ts';
import type { SampleManifest, SamplesReader } from '../../shared/tables/samples.ts';
import type { StoredSubmission, SubmissionsReader } from '../../shared/tables/submissions.ts';
import { type ComputeDeps, computeResults, presentSipasGroup } from './compute-results.ts';
import { activeCounts, ufKey } from './issued.ts';
import {
  combineDigests,
  type InputSnapshot,
  readDigest,
  readRoundSubmissions,
  snapshotOf,
} from './snapshot.ts';
import type { ResultStore, RunPartInput } from './store.ts';

export interface RunDeps {
  rounds: Pick<RoundsReader, 'get'>;
  samples: Pick<SamplesReader, 'getManifest' | 'listManifests' | 'listUnitAssignments' | 'listAssignments'>;
  submissions: Pick<SubmissionsReader, 'pageByUnit' | 'pageByRound'>;
  results: Pick<
    ResultStore,
    | 'getRun'
    | 'markRunning'
    | 'markFailed'
    | 'completeRun'
    | 'putRunParts'
    | 'putPartStats'
    | 'finishPart'
    | 'listPartsDone'
    | 'listPartStats'
    | 'setRanks'
    | 'putLatestPointer'
  >;
  send: SendScoringParts;
  /** PAR rounds with a criteria tree (self-assessment and appraisal), passed to computeResults. */
  assessments?: ComputeDeps['assessments'];
  now?: () => Date;
  /** Units per part (default 50, or `DIEUTRA_SCORING_UNITS_PER_PART`). */
  unitsPerPart?: number;
}

/** A run that cannot be scored as asked: fails at once with this code (retrying would not help). */
export class RunInputError extends AppError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

/** Deterministic failures (bad input, configuration) end the run at once; others are retried. */
export const isDeterministic = (error: unknown): boolean =>
  error instanceof DomainError || (error instanceof AppError && error.statusCode < 500);

export const failureReason = (error: unknown): { code: string; message: string } =>
  error instanceof AppError || error instanceof DomainError
    ? { code: error.code, message: error.message }
    : {
        code: 'SCORING_FAILED',
        message: 'Tính điểm không thành công sau nhiều lần thử; hãy thử lại hoặc liên hệ quản trị hệ thống.',
      };

const DEFAULT_UNITS_PER_PART = 50;
const UNIT_READS_IN_FLIGHT = 4;
const isOpen = (run: ScoringRun | null): run is ScoringRun =>
  run !== null && run.status !== 'completed' && run.status !== 'failed';

// ---------------------------------------------------------------------------------------------- plan

export const planRun = async (msg: { roundId: string; runId: string }, deps: RunDeps): Promise<void> => {
  const run = await deps.results.getRun(msg.roundId, msg.runId);
  if (!isOpen(run)) return;
  const round = await loadRound(msg.roundId, deps.rounds);
  const template = await loadRoundTemplate(round);
  if (round.kind === 'SIPAS' && satisfactionItems(template).length === 0) {
    throw new ScoringInputError(`mẫu phiếu "${template.id}" không có câu hỏi mức độ hài lòng để tính chỉ số`);
  }
  const codes = round.units.map((u) => u.code).sort();
  const size =
    deps.unitsPerPart ?? (Number(process.env.DIEUTRA_SCORING_UNITS_PER_PART) || DEFAULT_UNITS_PER_PART);
  // A PAR round (a province's departments and districts) is scored in one part: its ranking and
  // composition need every unit, and it is small.
  const parts: string[][] = [];
  if (round.kind === 'PAR') parts.push(codes);
  else for (let i = 0; i < codes.length; i += size) parts.push(codes.slice(i, i + size));
  await deps.results.markRunning(round.id, run.runId, parts.length);
  if (parts.length === 0 || codes.length === 0) {
    await deps.send([{ kind: 'finalise', roundId: round.id, runId: run.runId }]);
    return;
  }
  await deps.send(
    parts.map((units, part) => ({ kind: 'part', roundId: round.id, runId: run.runId, part, units })),
  );
  logger('scoring').info('scoring run planned', { roundId: round.id, runId: run.runId, parts: parts.length });
};

// ---------------------------------------------------------------------------------------------- part

const readUnit = async (
  roundId: string,
  unitCode: string,
  reader: RunDeps['submissions'],
): Promise<StoredSubmission[]> => {
  const out: StoredSubmission[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.pageByUnit(roundId, unitCode, { limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return out;
};

const cutoffOf = (run: ScoringRun) => run.snapshot?.cutoff ?? run.at;

const checkTemplate = (forms: readonly StoredSubmission[], template: QuestionnaireTemplate) => {
  const other = forms.find((s) => s.templateId !== template.id);
  if (other) {
    throw new RunInputError(
      'SUBMISSION_TEMPLATE_MISMATCH',
      `Có phiếu (đơn vị ${other.unitCode}, lĩnh vực ${other.fieldCode}) được trả lời theo mẫu "${other.templateId}", khác mẫu phiếu của đợt "${template.id}": không thể tính chung.`,
    );
  }
};

/** A 32-bit seed per unit from the run's stated seed (FNV-1a of `seed:unitCode`), so a unit's bootstrap
 * interval does not depend on which part it landed in. */
export const unitSeed = (seed: number, unitCode: string): number => {
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${unitCode}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
};

const manifestOf = async (
  run: ScoringRun,
  roundId: string,
  deps: RunDeps,
): Promise<SampleManifest | null> => {
  const sampleId = run.snapshot?.sampleId ?? null;
  return sampleId ? deps.samples.getManifest(roundId, sampleId) : null;
};

const maybeFinalise = async (roundId: string, runId: string, deps: RunDeps) => {
  const run = await deps.results.getRun(roundId, runId);
  if (isOpen(run) && run.partsTotal !== undefined && (run.partsDone ?? 0) >= run.partsTotal) {
    await deps.send([{ kind: 'finalise', roundId, runId }]);
  }
};

export const scorePart = async (msg: ScorePartMessage, deps: RunDeps): Promise<void> => {
  const run = await deps.results.getRun(msg.roundId, msg.runId);
  if (!isOpen(run)) return;
  const round = await loadRound(msg.roundId, deps.rounds);
  const template = await loadRoundTemplate(round);
  const cutoff = cutoffOf(run);
  const done =
    round.kind === 'PAR'
      ? await scoreParPart(msg, run, round, template, cutoff, deps)
      : await scoreSipasPart(msg, run, round, template, cutoff, deps);
  const counted = await deps.results.finishPart(round.id, done);
  logger('scoring').info('scoring part done', {
    roundId: round.id,
    runId: run.runId,
    part: msg.part,
    forms: done.read.count,
    counted,
  });
  await maybeFinalise(round.id, run.runId, deps);
};

const scoreParPart = async (
  msg: ScorePartMessage,
  run: ScoringRun,
  round: Round,
  template: QuestionnaireTemplate,
  cutoff: string,
  deps: RunDeps,
): Promise<PartDone> => {
  const forms = (await readRoundSubmissions(round.id, deps.submissions)).filter(
    (s) => s.submittedAt <= cutoff,
  );
  checkTemplate(forms, template);
  const results = await computeResults(
    round,
    run.runId,
    {
      samples: deps.samples,
      ...(deps.assessments ? { assessments: deps.assessments } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    },
    forms,
    (run.snapshot as InputSnapshot | undefined) ?? snapshotOf(round, forms),
  );
  const { units, unitFields, round: roundRow, ...meta } = results;
  const parts: RunPartInput[] = [
    ...units.map((u) => ({ ...u, level: 'unit' as const })),
    ...(unitFields as Array<{ unitCode: string; fieldCode: string }>).map((u) => ({
      ...u,
      level: 'unitField' as const,
    })),
    { ...roundRow, level: 'round' as const },
  ];
  await deps.results.putRunParts(round.id, run.runId, parts);
  return {
    runId: run.runId,
    part: msg.part,
    units: [],
    rows: parts.length,
    read: readDigest(forms),
    latest: { ...meta, round: roundRow },
  };
};

interface FieldAccumulator {
  returned: number;
  valid: number;
  issued: number | null;
  population: number | null;
  levelCounts: Float64Array;
  moments: Float64Array<ArrayBuffer>;
}

const scoreSipasPart = async (
  msg: ScorePartMessage,
  run: ScoringRun,
  round: Round,
  template: QuestionnaireTemplate,
  cutoff: string,
  deps: RunDeps,
): Promise<PartDone> => {
  const I = satisfactionItems(template).length;
  const manifest = await manifestOf(run, round.id, deps);
  const partUnits = new Set(msg.units);
  const forms: StoredSubmission[] = [];
  const active = new Map<string, number>();
  // A few units read at once, so the database works while this part computes; unit order kept.
  const perUnit = await mapWithLimit(msg.units, UNIT_READS_IN_FLIGHT, async (unitCode) => ({
    forms: await readUnit(round.id, unitCode, deps.submissions),
    active: manifest ? activeCounts(await deps.samples.listUnitAssignments(manifest.sampleId, unitCode)) : [],
  }));
  for (const unit of perUnit) {
    for (const s of unit.forms) if (s.submittedAt <= cutoff) forms.push(s);
    for (const [k, n] of unit.active) active.set(k, n);
  }
  checkTemplate(forms, template);

  // Groups: every unit × field with a form or on the sample's strata, unit then field code order.
  const population = new Map<string, number>();
  const keys = new Map<string, SipasGroupKey>();
  for (const s of manifest?.strata ?? []) {
    if (!partUnits.has(s.unitCode)) continue;
    population.set(ufKey(s.unitCode, s.fieldCode), s.persons);
    keys.set(ufKey(s.unitCode, s.fieldCode), { unitCode: s.unitCode, fieldCode: s.fieldCode });
  }
  for (const s of forms)
    keys.set(ufKey(s.unitCode, s.fieldCode), { unitCode: s.unitCode, fieldCode: s.fieldCode });
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const groups = [...keys.values()].sort(
    (a, b) => byCode(a.unitCode, b.unitCode) || byCode(a.fieldCode, b.fieldCode),
  );
  const position = new Map(groups.map((g, i) => [ufKey(g.unitCode, g.fieldCode), i]));
  const built = sipasColumnsFromForms(
    template,
    forms.map((s) => ({ unitCode: s.unitCode, fieldCode: s.fieldCode, answers: s.answers })),
    round.scoringRules,
  );
  const remap = built.groups.map((g) => position.get(ufKey(g.unitCode, g.fieldCode))!);
  const columns = { ...built.columns, group: built.columns.group.map((g) => remap[g]!) };
  const issuedOf = (g: SipasGroupKey) =>
    manifest ? (active.get(ufKey(g.unitCode, g.fieldCode)) ?? 0) : null;
  const issued: IssuedCounts = { unitFields: {}, units: {} };
  if (manifest) {
    for (const g of groups) {
      const n = issuedOf(g)!;
      issued.unitFields![g.unitCode] = { ...(issued.unitFields![g.unitCode] ?? {}), [g.fieldCode]: n };
      issued.units![g.unitCode] = (issued.units![g.unitCode] ?? 0) + n;
    }
  }
  const counts = countSipasColumns({ template, groups, columns, rules: round.scoringRules, issued });
  const result = composeSipasCounts(counts);

  // Valid forms per group, in column order (bootstrap strata and moments).
  const members: number[][] = groups.map(() => []);
  for (let f = 0; f < columns.group.length; f++)
    if (columns.valid[f] === 1) members[columns.group[f]!]!.push(f);

  // Bootstrap per unit (its strata are all here), seeded per unit.
  const seed = run.snapshot?.bootstrapSeed ?? 20221110;
  const bootUF = new Map<number, ReturnType<typeof bootstrapSipas>['byUnitField'][number]>();
  const bootUnit = new Map<string, ReturnType<typeof bootstrapSipas>['byUnit'][number]>();
  const unitGroups = new Map<string, number[]>();
  groups.forEach((g, i) => {
    unitGroups.set(g.unitCode, [...(unitGroups.get(g.unitCode) ?? []), i]);
  });
  for (const [unitCode, gs] of unitGroups) {
    const formsOfUnit = gs.flatMap((g) => members[g]!);
    if (formsOfUnit.length === 0) continue;
    formsOfUnit.sort((a, b) => a - b);
    const local = new Map(gs.map((g, k) => [g, k]));
    const sub = {
      group: Uint32Array.from(formsOfUnit, (f) => local.get(columns.group[f]!)!),
      valid: new Uint8Array(formsOfUnit.length).fill(1),
      answers: columns.answers.map((col) => Uint8Array.from(formsOfUnit, (f) => col[f]!)),
    };
    const boot = bootstrapSipas(
      {
        template,
        groups: gs.map((g) => groups[g]!),
        columns: sub,
        population: gs.map((g) => population.get(ufKey(groups[g]!.unitCode, groups[g]!.fieldCode)) ?? null),
        rules: round.scoringRules,
      },
      { seed: unitSeed(seed, unitCode), acrossUnits: false },
    );
    gs.forEach((g, k) => {
      bootUF.set(g, boot.byUnitField[k]!);
    });
    bootUnit.set(unitCode, boot.byUnit[0]!);
  }

  // Field accumulators: pooled counts and moments of this part's strata.
  const D = packedLength(2 * I);
  const fields = new Map<string, FieldAccumulator>();
  const sumOrNull = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  groups.forEach((g, i) => {
    let acc = fields.get(g.fieldCode);
    if (!acc) {
      acc = {
        returned: 0,
        valid: 0,
        issued: manifest ? 0 : null,
        population: 0,
        levelCounts: new Float64Array(I * 5),
        moments: new Float64Array(D),
      };
      fields.set(g.fieldCode, acc);
    }
    const pop = population.get(ufKey(g.unitCode, g.fieldCode)) ?? null;
    acc.returned += counts.byUnitField.returned[i]!;
    acc.valid += counts.byUnitField.valid[i]!;
    acc.issued = sumOrNull(acc.issued, issuedOf(g));
    acc.population = sumOrNull(acc.population, pop);
    for (let k = 0; k < I * 5; k++) acc.levelCounts[k]! += counts.byUnitField.levelCounts[i * I * 5 + k]!;
    if (members[i]!.length > 1) {
      addMoments(
        acc.moments,
        stratumMoments({
          template,
          rules: round.scoringRules,
          answers: columns.answers,
          forms: members[i]!,
          population: pop,
        }),
      );
    }
  });

  const sumPop = (gs: number[]) =>
    gs.reduce<number | null>(
      (a, g) => sumOrNull(a, population.get(ufKey(groups[g]!.unitCode, groups[g]!.fieldCode)) ?? null),
      0,
    );
  const rows: RunPartInput[] = groups.map((g, i) => ({
    level: 'unitField' as const,
    unitCode: g.unitCode,
    fieldCode: g.fieldCode,
    ...presentSipasGroup(
      columnarGroupResult(result, result.byUnitField, i),
      bootUF.get(i),
      population.get(ufKey(g.unitCode, g.fieldCode)) ?? null,
    ),
  }));
  const unitName = new Map(round.units.map((u) => [u.code, u.name]));
  const unitRows = counts.unitCodes.map((unitCode, e) => ({
    level: 'unit' as const,
    unitCode,
    unitName: unitName.get(unitCode) ?? unitCode,
    ...presentSipasGroup(
      columnarGroupResult(result, result.byUnit, e),
      bootUnit.get(unitCode),
      sumPop(unitGroups.get(unitCode) ?? []),
    ),
  }));
  await deps.results.putRunParts(round.id, run.runId, [...rows, ...unitRows]);
  const stats: PartStat[] = [...fields].map(([fieldCode, acc]) => ({
    runId: run.runId,
    part: msg.part,
    fieldCode,
    returned: acc.returned,
    valid: acc.valid,
    issued: acc.issued,
    population: acc.population,
    levelCounts: Array.from(acc.levelCounts),
    moments: momentsToBytes(acc.moments),
  }));
  await deps.results.putPartStats(round.id, stats);
  return {
    runId: run.runId,
    part: msg.part,
    units: unitRows.map((u, e) => ({
      unitCode: u.unitCode,
      index: result.byUnit.overall[e]?.toFixed() ?? null,
      lower: u.ci?.lower ?? null,
      upper: u.ci?.upper ?? null,
    })),
    rows: rows.length + unitRows.length,
    read: readDigest(forms),
  };
};

// ------------------------------------------------------------------------------------------ finalise

const rankFields = (r: ReturnType<typeof rankWithIntervals>[number] | undefined) => ({
  rank: r?.rank ?? null,
  tieGroup: r?.tieGroup ?? null,
  tiedWith: r?.tiedWith ?? [],
  rankRange: r?.rankRange ?? null,
});

const provenanceOf = (
  round: Round,
  template: QuestionnaireTemplate,
  run: ScoringRun,
  computedAt: string,
  snapshot: NonNullable<ScoringRun['snapshot']>,
) => ({
  roundId: round.id,
  kind: round.kind,
  runId: run.runId,
  computedAt,
  requestedAt: run.at,
  trigger: run.trigger,
  templateId: template.id,
  methodologyVersion: round.methodologyVersion,
  sampleId: run.snapshot?.sampleId ?? null,
  snapshot,
  rounding: 'half-up, 2 decimals, applied once at output',
});

export const finaliseRun = async (msg: { roundId: string; runId: string }, deps: RunDeps): Promise<void> => {
  const run = await deps.results.getRun(msg.roundId, msg.runId);
  if (!isOpen(run) || run.partsTotal === undefined || (run.partsDone ?? 0) < run.partsTotal) return;
  const round = await loadRound(msg.roundId, deps.rounds);
  const template = await loadRoundTemplate(round);
  const done = (await deps.results.listPartsDone(round.id, run.runId)).sort((a, b) => a.part - b.part);
  if (done.length < run.partsTotal) return;
  const computedAt = (deps.now?.() ?? new Date()).toISOString();
  const snapshot = {
    ...(run.snapshot ?? {
      templateId: round.templateId,
      methodologyVersion: round.methodologyVersion,
      rulesHash: '',
      bootstrapSeed: 20221110,
    }),
    submissions: combineDigests(done.map((d) => d.read)),
    source: 'read' as const,
  };
  const provenance = provenanceOf(round, template, run, computedAt, snapshot);
  let parts = done.reduce((a, d) => a + (typeof d.rows === 'number' ? d.rows : 0), 0);
  if (round.kind === 'PAR') {
    const latest = done[0]?.latest ?? {};
    await deps.results.putLatestPointer(round.id, {
      ...latest,
      ...provenance,
      rules: latest.rules ?? null,
      round: (latest.round as { counts: unknown } | undefined) ?? { counts: {} },
      units: [],
      unitFields: [],
    });
  } else {
    parts += await finaliseSipas(round, template, run, done, provenance, deps);
  }
  await deps.results.completeRun(round.id, run.runId, { completedAt: computedAt, snapshot, parts });
  logger('scoring').info('scoring run completed', {
    roundId: round.id,
    runId: run.runId,
    parts: done.length,
    forms: snapshot.submissions.count,
  });
};

const finaliseSipas = async (
  round: Round,
  template: QuestionnaireTemplate,
  run: ScoringRun,
  done: PartDone[],
  provenance: ReturnType<typeof provenanceOf>,
  deps: RunDeps,
): Promise<number> => {
  const rules = resolveSipasRules(round.scoringRules);
  const I = satisfactionItems(template).length;
  const D = packedLength(2 * I);
  const stats = await deps.results.listPartStats(round.id, run.runId);
  const fieldCodes = [...new Set(stats.map((s) => s.fieldCode))].sort();
  const F = fieldCodes.length;
  const row = new Map(fieldCodes.map((c, i) => [c, i]));
  const returned = new Uint32Array(F);
  const valid = new Uint32Array(F);
  const levelCounts = new Uint32Array(F * I * 5);
  const issuedF: Array<number | null> = fieldCodes.map(() => 0);
  const popF: Array<number | null> = fieldCodes.map(() => 0);
  const moments = fieldCodes.map(() => new Float64Array(D));
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  for (const s of stats) {
    const k = row.get(s.fieldCode)!;
    returned[k]! += s.returned;
    valid[k]! += s.valid;
    for (let j = 0; j < I * 5; j++) levelCounts[k * I * 5 + j]! += s.levelCounts[j]!;
    issuedF[k] = add(issuedF[k]!, s.issued);
    popF[k] = add(popF[k]!, s.population);
    addMoments(moments[k]!, momentsFromBytes(s.moments));
  }
  const roundMoments = moments.reduce((acc, m) => addMoments(acc, m), new Float64Array(D));
  const roundLevels = new Uint32Array(I * 5);
  for (let k = 0; k < F; k++) for (let j = 0; j < I * 5; j++) roundLevels[j]! += levelCounts[k * I * 5 + j]!;
  const sumAll = (xs: Array<number | null>) => xs.reduce<number | null>((a, b) => add(a, b), 0);
  const fieldsIssued = Object.fromEntries(
    fieldCodes.flatMap((c, k) => (issuedF[k] === null ? [] : [[c, issuedF[k]!]])),
  );
  const empty = { returned: new Uint32Array(0), valid: new Uint32Array(0), levelCounts: new Uint32Array(0) };
  const counts: SipasColumnCounts = {
    input: {
      template,
      groups: [],
      columns: {
        group: new Uint32Array(0),
        valid: new Uint8Array(0),
        answers: Array.from({ length: I }, () => new Uint8Array(0)),
      },
      ...(round.scoringRules ? { rules: round.scoringRules } : {}),
      issued: {
        fields: fieldsIssued,
        ...(sumAll(issuedF) === null || F === 0 ? {} : { round: sumAll(issuedF)! }),
      },
    },
    rules,
    unitCodes: [],
    fieldCodes,
    byUnitField: empty,
    byUnit: empty,
    byField: { returned, valid, levelCounts },
    round: {
      returned: Uint32Array.of(returned.reduce((a, b) => a + b, 0)),
      valid: Uint32Array.of(valid.reduce((a, b) => a + b, 0)),
      levelCounts: roundLevels,
    },
  };
  const result = composeSipasCounts(counts);
  const satisfied = new Set(rules.satisfiedLevels ?? template.scale.satisfiedLevels);
  const share = rules.indexMethod === 'share-satisfied';
  const intervalOf = (levels: ArrayLike<number>, offset: number, m: Float64Array) => {
    const answered = new Float64Array(I);
    const value = new Float64Array(I);
    for (let i = 0; i < I; i++) {
      for (let l = 0; l < 5; l++) {
        const n = levels[offset + i * 5 + l]!;
        answered[i]! += n;
        value[i]! += share ? (satisfied.has(l + 1) ? n : 0) : n * (l + 1);
      }
    }
    return linearisedIntervals(template, round.scoringRules, { answered, value }, m);
  };
  const fieldRows = fieldCodes.map((fieldCode, k) => ({
    fieldCode,
    ...presentSipasGroup(
      columnarGroupResult(result, result.byField, k),
      intervalOf(levelCounts, k * I * 5, moments[k]!),
      popF[k] ?? null,
    ),
  }));
  const fieldRanks = new Map(
    rankWithIntervals(
      fieldRows.map((f, k) => ({
        unitCode: f.fieldCode,
        index: result.byField.overall[k] ?? null,
        lower: f.ci?.lower ?? null,
        upper: f.ci?.upper ?? null,
      })),
    ).map((r) => [r.unitCode, r]),
  );
  const roundRow = presentSipasGroup(
    columnarGroupResult(result, result.round, 0),
    intervalOf(roundLevels, 0, roundMoments),
    sumAll(popF),
  );
  const unitEntries = done.flatMap((d) => d.units);
  const unitRanks = rankWithIntervals(
    unitEntries.map((u) => ({
      unitCode: u.unitCode,
      index: u.index === null ? null : new Dec(u.index),
      lower: u.lower,
      upper: u.upper,
    })),
  );
  await deps.results.setRanks(
    round.id,
    run.runId,
    'unit',
    unitRanks.map((r) => ({ code: r.unitCode, ...rankFields(r) })),
  );
  const parts: RunPartInput[] = [
    ...fieldRows.map((f) => ({ ...f, ...rankFields(fieldRanks.get(f.fieldCode)), level: 'field' as const })),
    { ...roundRow, level: 'round' as const },
  ];
  await deps.results.putRunParts(round.id, run.runId, parts);
  await deps.results.putLatestPointer(round.id, {
    ...provenance,
    rules: result.rules,
    intervals: {
      items: 'wilson (finite-population corrected)',
      unitField: 'rao-wu-rescaled-bootstrap',
      unit: 'rao-wu-rescaled-bootstrap',
      field: 'taylor-linearisation',
      round: 'taylor-linearisation',
    },
    bootstrap: {
      method: 'rao-wu-rescaled-bootstrap',
      replicates: 1000,
      seed: run.snapshot?.bootstrapSeed ?? 20221110,
      seedPerUnit: 'FNV-1a 32 of "<seed>:<unitCode>"',
      level: 0.95,
    },
    round: roundRow,
    units: [],
    unitFields: [],
  });
  return fieldRows.length + 1;
};
