/**
 * SIPAS scoring (methodology.md §6.1–6.2, data-rules rule 16).
 *
 * Each group (whole round, unit, field, unit × field) is computed from the answers of its own valid
 * forms — indexes of a larger group are NOT averages of smaller groups' indexes. Arithmetic is exact
 * (`Dec`); no value is rounded here: reports call `round2` once, at output.
 */
import { Dec, HUNDRED, mean } from './decimal.ts';
import { ConfigError, ScoringInputError } from './errors.ts';
import { resolveSipasRules, type SipasRules } from './sipas-rules.ts';
import { allQuestions, type Question, type QuestionnaireTemplate, satisfactionItems } from './template.ts';

export interface SipasForm {
  /** Assessed unit (đơn vị được khảo sát). */
  unitCode: string;
  /** lĩnh vực = administrative field of the procedure the respondent used. */
  fieldCode: string;
  answers: Record<string, unknown>;
}

export interface IssuedCounts {
  round?: number;
  units?: Record<string, number>;
  fields?: Record<string, number>;
  /** unitCode → fieldCode → issued forms. */
  unitFields?: Record<string, Record<string, number>>;
}

export interface SipasInput {
  template: QuestionnaireTemplate;
  forms: readonly SipasForm[];
  rules?: Partial<SipasRules>;
  issued?: IssuedCounts;
}

export interface ItemResult {
  questionId: string;
  elementCode: string;
  /** Answers per scale level 1..5 (index 0 = level 1), valid forms only. */
  levelCounts: number[];
  /** Valid answers to this item (blanks and invalid codes excluded). */
  valid: number;
  satisfied: number;
  /** `null` = not applicable (no valid answer). */
  index: Dec | null;
}

export interface ElementResult {
  code: string;
  aspectCode: string | null;
  index: Dec | null;
}

export interface AspectResult {
  code: string;
  index: Dec | null;
}

export interface ChoiceTally {
  /** Valid forms that answered the question. */
  answered: number;
  /** Option value → number of forms choosing it. */
  counts: Record<string, number>;
}

export interface SipasGroupResult {
  counts: { issued: number | null; returned: number; valid: number; invalid: number };
  items: ItemResult[];
  elements: ElementResult[];
  aspects: AspectResult[];
  overall: Dec | null;
  /** Tallies of the single/multi questions (perceptions, expectations, personal block). */
  choices: Record<string, ChoiceTally>;
}

export interface SipasResult {
  templateId: string;
  rules: SipasRules;
  round: SipasGroupResult;
  byUnit: Array<{ unitCode: string } & SipasGroupResult>;
  byField: Array<{ fieldCode: string } & SipasGroupResult>;
  byUnitField: Array<{ unitCode: string; fieldCode: string } & SipasGroupResult>;
}

/** A valid answer on the satisfaction scale: a JSON integer within the scale (paper codes 0/6/9 are not). */
export function validScaleAnswer(template: QuestionnaireTemplate, value: unknown): number | null {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= template.scale.min &&
    value <= template.scale.max
    ? value
    : null;
}

/** Rule 16: a form is valid when at least `minValidShare` of the satisfaction items are validly answered. */
export function isValidSipasForm(
  template: QuestionnaireTemplate,
  answers: Record<string, unknown>,
  rules: Partial<SipasRules> = {},
): boolean {
  const resolved = resolveSipasRules(rules);
  const items = requireItems(template);
  return formIsValid(template, items, answers, resolved);
}

function requireItems(template: QuestionnaireTemplate): Question[] {
  const items = satisfactionItems(template);
  if (items.length === 0) {
    throw new ScoringInputError(`mẫu phiếu "${template.id}" không có câu hỏi mức độ hài lòng để tính chỉ số`);
  }
  return items;
}

function formIsValid(
  template: QuestionnaireTemplate,
  items: readonly Question[],
  answers: Record<string, unknown>,
  rules: SipasRules,
): boolean {
  const answered = items.filter((q) => validScaleAnswer(template, ownValue(answers, q.id)) !== null).length;
  return new Dec(answered).dividedBy(items.length).greaterThanOrEqualTo(rules.minValidShare);
}

function ownValue(answers: Record<string, unknown>, id: string): unknown {
  return Object.hasOwn(answers, id) ? answers[id] : undefined;
}

/** Running totals of one group. */
class Accumulator {
  returned = 0;
  valid = 0;
  readonly levels: number[][];
  readonly choices = new Map<string, { answered: number; counts: Map<string, number> }>();
  constructor(itemCount: number) {
    this.levels = Array.from({ length: itemCount }, () => [0, 0, 0, 0, 0]);
  }
}

interface Prepared {
  template: QuestionnaireTemplate;
  rules: SipasRules;
  items: Question[];
  choiceQuestions: Question[];
  satisfied: Set<number>;
}

function addForm(acc: Accumulator, p: Prepared, form: SipasForm, valid: boolean): void {
  acc.returned += 1;
  if (!valid) return;
  acc.valid += 1;
  p.items.forEach((q, i) => {
    const level = validScaleAnswer(p.template, ownValue(form.answers, q.id));
    const row = acc.levels[i];
    if (level !== null && row !== undefined) {
      const at = level - p.template.scale.min;
      row[at] = (row[at] ?? 0) + 1;
    }
  });
  for (const q of p.choiceQuestions) {
    const value = ownValue(form.answers, q.id);
    const options = new Set((q.options ?? []).map((o) => o.value));
    const picked = (Array.isArray(value) ? [...new Set(value)] : [value]).filter(
      (v): v is string => typeof v === 'string' && options.has(v),
    );
    if (picked.length === 0) continue;
    let tally = acc.choices.get(q.id);
    if (tally === undefined) {
      tally = { answered: 0, counts: new Map() };
      acc.choices.set(q.id, tally);
    }
    tally.answered += 1;
    for (const v of picked) tally.counts.set(v, (tally.counts.get(v) ?? 0) + 1);
  }
}

function itemIndex(
  levelCounts: number[],
  p: Prepared,
): { valid: number; satisfied: number; index: Dec | null } {
  const valid = levelCounts.reduce((a, b) => a + b, 0);
  const satisfied = levelCounts.reduce(
    (a, n, i) => (p.satisfied.has(i + p.template.scale.min) ? a + n : a),
    0,
  );
  if (valid === 0) return { valid, satisfied, index: null };
  if (p.rules.indexMethod === 'share-satisfied') {
    return { valid, satisfied, index: HUNDRED.times(satisfied).dividedBy(valid) };
  }
  return { valid, satisfied, index: normalisedMean(levelCounts, p) };
}

/** Mean level mapped to 0–100: (mean − min) / (max − min) × 100. */
function normalisedMean(levelCounts: number[], p: Prepared): Dec {
  const { min, max } = p.template.scale;
  const n = levelCounts.reduce((a, b) => a + b, 0);
  const total = levelCounts.reduce((a, c, i) => a + c * (i + min), 0);
  return new Dec(total)
    .dividedBy(n)
    .minus(min)
    .dividedBy(max - min)
    .times(HUNDRED);
}

export interface AggregateInput {
  template: QuestionnaireTemplate;
  /** Element code → element index (`null` = not applicable). */
  elements: Record<string, Dec | null>;
  rules?: Partial<SipasRules>;
}

/**
 * Element indexes → aspect indexes and overall index, per the rules' aggregation. Exposed so that
 * published element figures can be re-aggregated (methodology §6.2 example 2). `pooled` needs item
 * counts and is handled by `scoreSipas`; here it falls back to the mean of elements.
 */
export function aggregateSipas(input: AggregateInput): { aspects: AspectResult[]; overall: Dec | null } {
  const rules = resolveSipasRules(input.rules);
  return aggregate(input.template, rules, input.elements, null);
}

function aggregate(
  template: QuestionnaireTemplate,
  rules: SipasRules,
  elements: Record<string, Dec | null>,
  pooled: Dec | null | undefined,
): { aspects: AspectResult[]; overall: Dec | null } {
  const elementIndex = (code: string): Dec | null => elements[code] ?? null;
  const aspects: AspectResult[] = (template.aspects ?? []).map((a) => ({
    code: a.code,
    index: mean(
      template.elements
        .filter((e) => e.aspectCode === a.code)
        .map((e) => elementIndex(e.code))
        .filter((v): v is Dec => v !== null),
    ),
  }));
  const present = (values: Array<Dec | null>) => values.filter((v): v is Dec => v !== null);
  switch (rules.aggregation) {
    case 'mean-of-aspects': {
      const orphan = template.elements.find((e) => e.aspectCode === undefined);
      if (orphan !== undefined) {
        throw new ConfigError([
          {
            where: `yếu tố "${orphan.code}"`,
            code: 'ELEMENT_WITHOUT_ASPECT',
            message: `yếu tố "${orphan.code}": không thuộc khía cạnh nào, không thể tổng hợp "mean-of-aspects"`,
          },
        ]);
      }
      return { aspects, overall: mean(present(aspects.map((a) => a.index))) };
    }
    case 'mean-of-elements':
      return { aspects, overall: mean(present(template.elements.map((e) => elementIndex(e.code)))) };
    case 'pooled':
      return {
        aspects,
        overall:
          pooled === undefined || pooled === null
            ? mean(present(template.elements.map((e) => elementIndex(e.code))))
            : pooled,
      };
    case 'weighted':
      return { aspects, overall: weighted(template, rules, elementIndex, aspects) };
  }
}

function weighted(
  template: QuestionnaireTemplate,
  rules: SipasRules,
  elementIndex: (code: string) => Dec | null,
  aspects: AspectResult[],
): Dec | null {
  // resolveSipasRules guarantees weights are present for `weighted`.
  const weights = rules.weights!;
  const parts =
    weights.level === 'element'
      ? template.elements.map((e) => ({ code: e.code, index: elementIndex(e.code) }))
      : aspects.map((a) => ({ code: a.code, index: a.index }));
  const kind = weights.level === 'element' ? 'yếu tố' : 'khía cạnh';
  const known = new Set(parts.map((p) => p.code));
  const issues = [
    ...parts
      .filter((p) => !Object.hasOwn(weights.values, p.code))
      .map((p) => ({
        where: `${kind} "${p.code}"`,
        code: 'MISSING_WEIGHT',
        message: `${kind} "${p.code}": thiếu trọng số`,
      })),
    ...Object.keys(weights.values)
      .filter((c) => !known.has(c))
      .map((c) => ({
        where: `trọng số "${c}"`,
        code: 'UNKNOWN_WEIGHT',
        message: `trọng số "${c}": ${kind} không tồn tại trong mẫu phiếu`,
      })),
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  // Not-applicable parts drop out and the remaining weights are renormalised (rule 16: never count as 0).
  let numerator = new Dec(0);
  let denominator = new Dec(0);
  for (const p of parts) {
    if (p.index === null) continue;
    const w = new Dec(weights.values[p.code] ?? 0);
    numerator = numerator.plus(w.times(p.index));
    denominator = denominator.plus(w);
  }
  return denominator.isZero() ? null : numerator.dividedBy(denominator);
}

function finish(acc: Accumulator, p: Prepared, issued: number | undefined): SipasGroupResult {
  const items: ItemResult[] = p.items.map((q, i) => {
    const levelCounts = [...(acc.levels[i] ?? [])];
    return { questionId: q.id, elementCode: q.elementCode ?? '', levelCounts, ...itemIndex(levelCounts, p) };
  });
  const elements: ElementResult[] = p.template.elements.map((e) => ({
    code: e.code,
    aspectCode: e.aspectCode ?? null,
    index: mean(
      items.filter((it) => it.elementCode === e.code && it.index !== null).map((it) => it.index as Dec),
    ),
  }));
  const byCode = Object.fromEntries(elements.map((e) => [e.code, e.index]));
  const pooled = p.rules.aggregation === 'pooled' ? pooledIndex(items, p) : undefined;
  const { aspects, overall } = aggregate(p.template, p.rules, byCode, pooled);
  const choices: Record<string, ChoiceTally> = {};
  for (const q of p.choiceQuestions) {
    const tally = acc.choices.get(q.id);
    choices[q.id] = {
      answered: tally?.answered ?? 0,
      counts: Object.fromEntries((q.options ?? []).map((o) => [o.value, tally?.counts.get(o.value) ?? 0])),
    };
  }
  return {
    counts: {
      issued: issued ?? null,
      returned: acc.returned,
      valid: acc.valid,
      invalid: acc.returned - acc.valid,
    },
    items,
    elements,
    aspects,
    overall,
    choices,
  };
}

/** Pooled ratio over every valid answer of every item (alternative named in §6.1). */
function pooledIndex(items: ItemResult[], p: Prepared): Dec | null {
  const all = [0, 0, 0, 0, 0];
  for (const it of items) {
    it.levelCounts.forEach((n, i) => {
      all[i] = (all[i] ?? 0) + n;
    });
  }
  return itemIndex(all, p).index;
}

function checkForms(forms: readonly SipasForm[]): void {
  forms.forEach((f, i) => {
    if (
      typeof f.unitCode !== 'string' ||
      f.unitCode === '' ||
      typeof f.fieldCode !== 'string' ||
      f.fieldCode === ''
    ) {
      throw new ScoringInputError(`phiếu thứ ${i + 1}: thiếu mã đơn vị hoặc mã lĩnh vực`);
    }
    if (typeof f.answers !== 'object' || f.answers === null || Array.isArray(f.answers)) {
      throw new ScoringInputError(`phiếu thứ ${i + 1}: câu trả lời không hợp lệ`);
    }
  });
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function scoreSipas(input: SipasInput): SipasResult {
  const rules = resolveSipasRules(input.rules);
  const { template } = input;
  const items = requireItems(template);
  checkForms(input.forms);
  const personalOrChoice = allQuestions(template).filter((q) => q.type === 'single' || q.type === 'multi');
  const p: Prepared = {
    template,
    rules,
    items,
    choiceQuestions: personalOrChoice.filter((q) => q.maxPoints === undefined),
    satisfied: new Set(rules.satisfiedLevels ?? template.scale.satisfiedLevels),
  };

  const round = new Accumulator(items.length);
  const units = new Map<string, Accumulator>();
  const fields = new Map<string, Accumulator>();
  const unitFields = new Map<string, Map<string, Accumulator>>();
  const get = <K>(map: Map<K, Accumulator>, key: K) => {
    let acc = map.get(key);
    if (acc === undefined) {
      acc = new Accumulator(items.length);
      map.set(key, acc);
    }
    return acc;
  };
  for (const form of input.forms) {
    const valid = formIsValid(template, items, form.answers, rules);
    let perUnit = unitFields.get(form.unitCode);
    if (perUnit === undefined) {
      perUnit = new Map();
      unitFields.set(form.unitCode, perUnit);
    }
    for (const acc of [
      round,
      get(units, form.unitCode),
      get(fields, form.fieldCode),
      get(perUnit, form.fieldCode),
    ]) {
      addForm(acc, p, form, valid);
    }
  }

  const issued = input.issued ?? {};
  return {
    templateId: template.id,
    rules,
    round: finish(round, p, issued.round),
    byUnit: [...units.keys()].sort(byKey).map((unitCode) => ({
      unitCode,
      ...finish(units.get(unitCode)!, p, issued.units?.[unitCode]),
    })),
    byField: [...fields.keys()].sort(byKey).map((fieldCode) => ({
      fieldCode,
      ...finish(fields.get(fieldCode)!, p, issued.fields?.[fieldCode]),
    })),
    byUnitField: [...unitFields.keys()].sort(byKey).flatMap((unitCode) => {
      const perUnit = unitFields.get(unitCode)!;
      return [...perUnit.keys()].sort(byKey).map((fieldCode) => ({
        unitCode,
        fieldCode,
        ...finish(perUnit.get(fieldCode)!, p, issued.unitFields?.[unitCode]?.[fieldCode]),
      }));
    }),
  };
}

/**
 * SIPAS % → points of a PAR Index component (e.g. 10 points of the provincial index), proportionally.
 * How MoHA converts (Ninh Thuận 2022: 8.23 / 10) is an open question (§9.6) — this is our assumption.
 */
export function sipasToPoints(index: Dec, maxPoints: number): Dec {
  return index.dividedBy(HUNDRED).times(maxPoints);
}

/**
 * The composition steps of `scoreSipas`, exported so that the columnar core (sipas-aggregate.ts) gives
 * the very same decimals from its integer counts. `rules` must already be resolved.
 */
export function sipasItemIndex(
  levelCounts: number[],
  template: QuestionnaireTemplate,
  rules: SipasRules,
): Dec | null {
  const satisfied = new Set(rules.satisfiedLevels ?? template.scale.satisfiedLevels);
  return itemIndex(levelCounts, { template, rules, items: [], choiceQuestions: [], satisfied }).index;
}

/** Element indexes (+ the pooled index for `pooled`) → aspects and overall, exactly as `scoreSipas`. */
export function composeSipasIndexes(
  template: QuestionnaireTemplate,
  rules: SipasRules,
  elements: Record<string, Dec | null>,
  pooled: Dec | null | undefined,
): { aspects: AspectResult[]; overall: Dec | null } {
  return aggregate(template, rules, elements, pooled);
}
