/**
 * PAR Index of a unit from its self-assessment, the Sở's appraisal, the rater survey and formula
 * criteria (issue 11 §3; methodology.md §6.3–6.5).
 *
 * Per leaf of the criteria tree: `appraisal` leaves take the latest appraisal's adjusted score, else the
 * latest self-assessed score; `survey` leaves take the rater survey's points for their elements, scaled
 * to the leaf's maximum (points ÷ applicable max × max: items nobody could rate neither count nor
 * penalise); `formula` leaves take the value computed from data. Composition is `scorePar`'s: sub-criterion
 * → criterion → field → total, exact decimals, non-applicable leaves leave the denominator, index =
 * achieved ÷ applicable maximum × 100, never rounded here (reports call `round2` once).
 * Entries are never overwritten: every change is a new entry (who, when, why) and the latest counts.
 */
import { z } from 'zod';
import { Dec, type DecimalInput, HUNDRED, sum, viNumber } from './decimal.ts';
import { DomainError, ScoreOutOfRangeError, ScoringInputError } from './errors.ts';
import {
  type CriterionNode,
  criteriaLeaves,
  type ParCriteriaConfig,
  toParIndexConfig,
} from './par-criteria.ts';
import { type ParResult, scorePar } from './par-index.ts';
import type { ParRules } from './par-rules.ts';
import type { ParSurveyTargetResult } from './par-survey.ts';
import { type PreviousRank, type RankedUnit, rankUnits } from './ranking.ts';

export class EvidenceRequiredError extends DomainError {
  readonly code = 'EVIDENCE_REQUIRED';
  constructor(readonly criterionCode: string) {
    super(`tiêu chí "${criterionCode}": cần kèm tài liệu kiểm chứng (ghi chú, đường dẫn hoặc tệp)`);
  }
}

const scoreValueSchema = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);

export const evidenceSchema = z.object({
  note: z.string().max(4000).optional(),
  links: z.array(z.string().url()).max(50).default([]),
  /** S3 object keys of files uploaded through presigned URLs. */
  fileKeys: z.array(z.string().min(1).max(1024)).max(50).default([]),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const selfAssessmentEntrySchema = z.object({
  unitCode: z.string().min(1),
  criterionCode: z.string().min(1),
  score: scoreValueSchema,
  evidence: evidenceSchema,
  /** The unit's focal point (user id). */
  by: z.string().min(1),
  /** ISO 8601 instant. */
  at: z.string().datetime({ offset: true }),
});
export type SelfAssessmentEntry = z.infer<typeof selfAssessmentEntrySchema>;

export const appraisalEntrySchema = z.object({
  unitCode: z.string().min(1),
  criterionCode: z.string().min(1),
  adjustedScore: scoreValueSchema,
  reason: z.string().min(1).max(4000),
  by: z.string().min(1),
  at: z.string().datetime({ offset: true }),
  /** The unit's answer within the response window (visible to the Sở; does not change the score). */
  unitResponse: z
    .object({
      text: z.string().min(1).max(4000),
      by: z.string().min(1),
      at: z.string().datetime({ offset: true }),
    })
    .optional(),
});
export type AppraisalEntry = z.infer<typeof appraisalEntrySchema>;

function leafOf(config: ParCriteriaConfig, code: string, method: CriterionNode['method']) {
  const leaf = criteriaLeaves(config).find((l) => l.code === code);
  if (leaf === undefined) {
    throw new ScoringInputError(
      `tiêu chí "${code}" không phải tiêu chí chấm điểm của bộ tiêu chí "${config.id}"`,
    );
  }
  if (leaf.method !== method) {
    throw new ScoringInputError(`tiêu chí "${code}" không chấm bằng tự đánh giá và thẩm định`);
  }
  if (!leaf.applicable) throw new ScoringInputError(`tiêu chí "${code}" không áp dụng năm nay`);
  return leaf;
}

/** A score within 0 … max, as an exact decimal; `SCORE_OUT_OF_RANGE` otherwise. */
export function checkScore(code: string, raw: DecimalInput, maxPoints: DecimalInput): Dec {
  let value: Dec;
  try {
    value = new Dec(raw);
  } catch {
    throw new ScoringInputError(`tiêu chí "${code}": điểm "${String(raw)}" không phải là số`);
  }
  const max = new Dec(maxPoints);
  if (!value.isFinite())
    throw new ScoringInputError(`tiêu chí "${code}": điểm "${String(raw)}" không phải là số`);
  if (value.isNegative() || value.greaterThan(max)) {
    throw new ScoreOutOfRangeError(
      code,
      `tiêu chí "${code}": điểm ${viNumber(value)} nằm ngoài khoảng 0–${viNumber(max)}`,
    );
  }
  return value;
}

/** Validate a self-assessment entry against the tree: a scorable leaf, score in range, evidence if required. */
export function checkSelfAssessment(config: ParCriteriaConfig, input: unknown): SelfAssessmentEntry {
  const entry = selfAssessmentEntrySchema.parse(input);
  const leaf = leafOf(config, entry.criterionCode, 'appraisal');
  checkScore(leaf.code, entry.score, leaf.maxPoints);
  const e = entry.evidence;
  if (leaf.evidenceRequired && !e.note?.trim() && e.links.length === 0 && e.fileKeys.length === 0) {
    throw new EvidenceRequiredError(leaf.code);
  }
  return entry;
}

export function checkAppraisal(config: ParCriteriaConfig, input: unknown): AppraisalEntry {
  const entry = appraisalEntrySchema.parse(input);
  const leaf = leafOf(config, entry.criterionCode, 'appraisal');
  checkScore(leaf.code, entry.adjustedScore, leaf.maxPoints);
  return entry;
}

/** Latest entry per criterion (by `at`; equal instants: the later in the list). */
function latest<T extends { criterionCode: string; at: string }>(entries: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const e of entries) {
    const before = out.get(e.criterionCode);
    if (before === undefined || Date.parse(e.at) >= Date.parse(before.at)) out.set(e.criterionCode, e);
  }
  return out;
}

export type LeafSource = 'appraised' | 'self' | 'survey' | 'formula' | 'not-applicable' | 'missing';

export interface LeafScore {
  code: string;
  fieldCode: string;
  method: CriterionNode['method'];
  maxPoints: Dec;
  selfScore: Dec | null;
  appraisedScore: Dec | null;
  /** The points that count; `null` = not applicable or missing. */
  points: Dec | null;
  source: LeafSource;
  appraisal: AppraisalEntry | null;
  selfAssessment: SelfAssessmentEntry | null;
}

export interface ComponentTotal {
  achieved: Dec;
  applicableMax: Dec;
  /** achieved ÷ applicable max × 100. */
  index: Dec | null;
}

export interface ParUnitResult {
  unitCode: string;
  configId: string;
  configVersion: number;
  leaves: LeafScore[];
  /** Totals by evaluation method: the appraised self-assessment, the survey, the formula criteria. */
  byMethod: Record<CriterionNode['method'], ComponentTotal>;
  /** `scorePar` result: fields → criteria → sub-criteria, total, index and grade. */
  result: ParResult;
}

export interface ParUnitInput {
  config: ParCriteriaConfig;
  unitCode: string;
  selfAssessments?: readonly SelfAssessmentEntry[];
  appraisals?: readonly AppraisalEntry[];
  /** This unit's rater-survey result (`scoreParSurvey`). */
  survey?: ParSurveyTargetResult;
  /** Survey points given directly (e.g. published by MoHA), per survey leaf; wins over `survey`. */
  surveyScores?: Record<string, DecimalInput | null>;
  /** Formula leaves' points computed from data (e.g. `sipasToPoints`). */
  formulaScores?: Record<string, DecimalInput | null>;
  /** Criteria (any level) that do not apply to this unit: their maxima leave its denominator. */
  notApplicable?: readonly string[];
  rules?: Partial<ParRules>;
}

function surveyPoints(leaf: CriterionNode, survey: ParSurveyTargetResult): Dec | null {
  const parts =
    leaf.surveyElements === undefined
      ? [
          {
            points: survey.applicableMax.isZero() ? null : survey.points,
            applicableMax: survey.applicableMax,
          },
        ]
      : survey.elements.filter((e) => leaf.surveyElements!.includes(e.code));
  const rated = parts.filter((p) => p.points !== null && !p.applicableMax.isZero());
  if (rated.length === 0) return null;
  const points = sum(rated.map((p) => p.points as Dec));
  const max = sum(rated.map((p) => p.applicableMax));
  return points.dividedBy(max).times(new Dec(leaf.maxPoints));
}

export function scoreParUnit(input: ParUnitInput): ParUnitResult {
  const { config, unitCode } = input;
  for (const e of [...(input.selfAssessments ?? []), ...(input.appraisals ?? [])]) {
    if (e.unitCode !== unitCode) {
      throw new ScoringInputError(`bản chấm của đơn vị "${e.unitCode}" không thuộc đơn vị "${unitCode}"`);
    }
  }
  const notApplicable = new Set(input.notApplicable ?? []);
  const offByUnit = (code: string): boolean => {
    // A leaf is off when it or one of its ancestors is listed for the unit.
    const path: string[] = [];
    const find = (nodes: readonly CriterionNode[], trail: string[]): boolean =>
      nodes.some((n) => {
        if (n.code === code) {
          path.push(...trail, n.code);
          return true;
        }
        return find(n.children ?? [], [...trail, n.code]);
      });
    find(config.fields, []);
    return path.some((c) => notApplicable.has(c));
  };
  const selfs = latest(input.selfAssessments ?? []);
  const appraisals = latest(input.appraisals ?? []);
  const leaves = criteriaLeaves(config);
  const scores: Record<string, DecimalInput | null> = {};
  const out: LeafScore[] = leaves.map((leaf) => {
    const maxPoints = new Dec(leaf.maxPoints);
    const self = selfs.get(leaf.code) ?? null;
    const appraisal = appraisals.get(leaf.code) ?? null;
    const base = {
      code: leaf.code,
      fieldCode: leaf.fieldCode,
      method: leaf.method,
      maxPoints,
      selfScore: self === null ? null : checkScore(leaf.code, self.score, leaf.maxPoints),
      appraisedScore:
        appraisal === null ? null : checkScore(leaf.code, appraisal.adjustedScore, leaf.maxPoints),
      selfAssessment: self,
      appraisal,
    };
    if (!leaf.applicable || offByUnit(leaf.code)) {
      scores[leaf.code] = null;
      return { ...base, points: null, source: 'not-applicable' as const };
    }
    let points: Dec | null | undefined;
    let source: LeafSource;
    switch (leaf.method) {
      case 'appraisal':
        points = base.appraisedScore ?? base.selfScore ?? undefined;
        source = base.appraisedScore !== null ? 'appraised' : base.selfScore !== null ? 'self' : 'missing';
        break;
      case 'survey':
        if (input.surveyScores !== undefined && Object.hasOwn(input.surveyScores, leaf.code)) {
          const v = input.surveyScores[leaf.code];
          points = v === null || v === undefined ? null : checkScore(leaf.code, v, leaf.maxPoints);
        } else if (input.survey !== undefined) {
          points = surveyPoints(leaf, input.survey);
        }
        source = points === undefined ? 'missing' : points === null ? 'not-applicable' : 'survey';
        break;
      case 'formula': {
        const given = input.formulaScores !== undefined && Object.hasOwn(input.formulaScores, leaf.code);
        const v = given ? input.formulaScores![leaf.code] : undefined;
        points = !given
          ? undefined
          : v === null || v === undefined
            ? null
            : checkScore(leaf.code, v, leaf.maxPoints);
        source = points === undefined ? 'missing' : points === null ? 'not-applicable' : 'formula';
        break;
      }
    }
    // A missing score is left out of `scores`: `scorePar` then applies the round's `missingScore` rule.
    if (points !== undefined) scores[leaf.code] = points;
    return { ...base, points: points ?? null, source };
  });

  const result = scorePar({ config: toParIndexConfig(config), scores, rules: input.rules });
  const byMethod = Object.fromEntries(
    (['appraisal', 'survey', 'formula'] as const).map((method) => {
      const mine = out.filter((l) => l.method === method && l.source !== 'not-applicable');
      const achieved = sum(mine.map((l) => l.points ?? new Dec(0)));
      const applicableMax = sum(mine.map((l) => l.maxPoints));
      return [
        method,
        {
          achieved,
          applicableMax,
          index: applicableMax.isZero() ? null : achieved.dividedBy(applicableMax).times(HUNDRED),
        },
      ];
    }),
  ) as Record<CriterionNode['method'], ComponentTotal>;
  return { unitCode, configId: config.id, configVersion: config.version, leaves: out, byMethod, result };
}

/**
 * Rank units by their PAR index (`rankUnits`: deterministic, ties on the published value); the appraised
 * component's points break ties first [assumption — methodology §7: tie-break rule not found].
 */
export function rankParUnits(
  results: readonly ParUnitResult[],
  rules: Partial<ParRules> = {},
  previous: readonly PreviousRank[] = [],
): RankedUnit[] {
  return rankUnits(
    results.map((r) => ({
      unitCode: r.unitCode,
      index: r.result.index,
      tieBreakers: [r.byMethod.appraisal.achieved],
    })),
    rules.ranking ?? {},
    previous,
  );
}
