/**
 * Provincial PAR survey: raters answer A/B/C/D on items worth `maxPoints`; an item earns
 * mean(option weight) × maxPoints over the raters who rated it (methodology.md §6.5).
 * Example: max 2.0, 25 raters (10 A, 8 B, 5 C, 2 D) → (10·1 + 8·0.6 + 5·0.2 + 2·0)/25 = 0.632 → 1.264.
 */
import { Dec, type DecimalInput, HUNDRED, sum } from './decimal.ts';
import { ConfigError, type Issue, ScoringInputError } from './errors.ts';
import { type ParRules, resolveParRules } from './par-rules.ts';
import { allQuestions, type Question, type QuestionnaireTemplate } from './template.ts';

export interface OptionWeightedResult {
  /** Raters who gave a rating (abstentions excluded). */
  raters: number;
  meanWeight: Dec | null;
  /** `null` when nobody rated the item (not applicable, never 0). */
  points: Dec | null;
}

/** Points of one item from the count of each answer option. */
export function optionWeightedPoints(
  counts: Record<string, number>,
  maxPoints: DecimalInput,
  rules: Partial<Pick<ParRules, 'optionWeights' | 'abstainOptions'>> = {},
): OptionWeightedResult {
  const { optionWeights, abstainOptions } = resolveParRules(rules);
  let raters = 0;
  let weighted = new Dec(0);
  for (const [option, n] of Object.entries(counts)) {
    if (!Number.isInteger(n) || n < 0)
      throw new ScoringInputError(`phương án "${option}": số phiếu ${n} không hợp lệ`);
    if (abstainOptions.includes(option)) continue;
    const w = optionWeights[option];
    if (w === undefined) throw new ScoringInputError(`phương án "${option}" không có trọng số`);
    raters += n;
    weighted = weighted.plus(new Dec(w).times(n));
  }
  if (raters === 0) return { raters, meanWeight: null, points: null };
  const meanWeight = weighted.dividedBy(raters);
  return { raters, meanWeight, points: meanWeight.times(new Dec(maxPoints)) };
}

export interface ParSurveyResponse {
  /** Unit being rated. */
  targetCode: string;
  answers: Record<string, unknown>;
}

export interface ParSurveyItemResult extends OptionWeightedResult {
  questionId: string;
  elementCode: string;
  maxPoints: Dec;
  counts: Record<string, number>;
}

export interface ParSurveyTargetResult {
  targetCode: string;
  responses: number;
  items: ParSurveyItemResult[];
  elements: Array<{ code: string; points: Dec | null; applicableMax: Dec }>;
  /** Sum of the applicable items' points. */
  points: Dec;
  applicableMax: Dec;
  /** points ÷ applicable max × 100. */
  index: Dec | null;
}

function scoredItems(template: QuestionnaireTemplate, rules: ParRules): Question[] {
  const items = allQuestions(template).filter((q) => q.maxPoints !== undefined);
  if (items.length === 0) {
    throw new ScoringInputError(`mẫu phiếu "${template.id}" không có câu hỏi được gán điểm`);
  }
  const issues: Issue[] = [];
  for (const q of items) {
    for (const o of q.options ?? []) {
      if (rules.optionWeights[o.value] === undefined && !rules.abstainOptions.includes(o.value)) {
        const where = `câu hỏi "${q.id}"`;
        issues.push({
          where,
          code: 'MISSING_OPTION_WEIGHT',
          message: `${where}: phương án "${o.value}" chưa có trọng số và không phải phương án "không đánh giá"`,
        });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return items;
}

/** Score the survey component of each target unit. Targets are returned sorted by code. */
export function scoreParSurvey(input: {
  template: QuestionnaireTemplate;
  responses: readonly ParSurveyResponse[];
  rules?: Partial<ParRules>;
}): ParSurveyTargetResult[] {
  const rules = resolveParRules(input.rules);
  const items = scoredItems(input.template, rules);
  const byTarget = new Map<string, Array<Record<string, number>>>();
  const responses = new Map<string, number>();
  for (const r of input.responses) {
    let tallies = byTarget.get(r.targetCode);
    if (tallies === undefined) {
      tallies = items.map(() => ({}));
      byTarget.set(r.targetCode, tallies);
    }
    responses.set(r.targetCode, (responses.get(r.targetCode) ?? 0) + 1);
    items.forEach((q, i) => {
      const value = Object.hasOwn(r.answers, q.id) ? r.answers[q.id] : undefined;
      const tally = tallies[i];
      if (
        typeof value === 'string' &&
        tally !== undefined &&
        (q.options ?? []).some((o) => o.value === value)
      ) {
        tally[value] = (tally[value] ?? 0) + 1;
      }
    });
  }
  return [...byTarget.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((targetCode) => {
      const tallies = byTarget.get(targetCode)!;
      const itemResults: ParSurveyItemResult[] = items.map((q, i) => {
        const counts = tallies[i] ?? {};
        return {
          questionId: q.id,
          elementCode: q.elementCode ?? '',
          maxPoints: new Dec(q.maxPoints ?? 0),
          counts,
          ...optionWeightedPoints(counts, q.maxPoints ?? 0, rules),
        };
      });
      const applicable = itemResults.filter((it) => it.points !== null);
      const points = sum(applicable.map((it) => it.points as Dec));
      const applicableMax = sum(applicable.map((it) => it.maxPoints));
      const elements = input.template.elements.map((e) => {
        const mine = applicable.filter((it) => it.elementCode === e.code);
        return {
          code: e.code,
          points: mine.length === 0 ? null : sum(mine.map((it) => it.points as Dec)),
          applicableMax: sum(mine.map((it) => it.maxPoints)),
        };
      });
      return {
        targetCode,
        responses: responses.get(targetCode) ?? 0,
        items: itemResults,
        elements,
        points,
        applicableMax,
        index: applicableMax.isZero() ? null : points.dividedBy(applicableMax).times(HUNDRED),
      };
    });
}
