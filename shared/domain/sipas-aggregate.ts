/**
 * Columnar SIPAS aggregation core for national waves (issue 11; methodology.md §6.1).
 *
 * Input is columnar: per form a group index (one group = one unit × field stratum) and a validity flag,
 * and per satisfaction item a `Uint8Array` of answers (0 = missing or invalid, 1–5 = level). Everything
 * that is a count — returned, valid, n₁…n₅ per item — is computed in typed arrays; decimals appear only
 * when the counts are composed into indexes, through the very functions `scoreSipas` uses
 * (`sipasItemIndex`, `mean`, `composeSipasIndexes`), so both give the same `Dec` values (property test).
 *
 * Why it is fast: one branch-free pass per item column (`bins[slot + answer]++`, invalid forms land in a
 * spare slot), unit / field / round counts are sums of group counts (indexes of a larger group are
 * computed from its pooled counts, never averaged from smaller groups), and an index depends only on
 * integer counts, so item and element decimals are memoised by the counts they come from.
 */
import { Dec } from './decimal.ts';
import { ScoringInputError } from './errors.ts';
import { resolveSipasRules, type SipasRules } from './sipas-rules.ts';
import {
  type AspectResult,
  composeSipasIndexes,
  type ElementResult,
  type IssuedCounts,
  type ItemResult,
  type SipasForm,
  type SipasGroupResult,
  sipasItemIndex,
  validScaleAnswer,
} from './sipas-scoring.ts';
import { type QuestionnaireTemplate, satisfactionItems } from './template.ts';

/** One stratum of the columns: lĩnh vực (field) of the procedure within an assessed unit. */
export interface SipasGroupKey {
  unitCode: string;
  fieldCode: string;
}

export interface SipasColumns {
  /** Per form: index into `groups`. */
  group: Uint32Array;
  /** Per form: 1 when the form is valid under the round's rules (`columnValidFlags`), else 0. */
  valid: Uint8Array;
  /** Per satisfaction item, in template order; per form 0 = missing/invalid, 1…5 = level. */
  answers: readonly Uint8Array[];
}

export interface ColumnarSipasInput {
  template: QuestionnaireTemplate;
  groups: readonly SipasGroupKey[];
  columns: SipasColumns;
  rules?: Partial<SipasRules>;
  issued?: IssuedCounts;
}

/** Results of one level (unit × field groups, units, fields or the round), one entry per entity `e`. */
export interface ColumnarLevel {
  keys: ReadonlyArray<{ unitCode?: string; fieldCode?: string }>;
  returned: Uint32Array;
  valid: Uint32Array;
  issued: Array<number | null>;
  /** n₁…n₅ of item `i` of entity `e` at `(e · items + i) · 5 + level − 1`. */
  levelCounts: Uint32Array;
  /** `[e · items + i]`; `null` = no valid answer. */
  itemIndex: Array<Dec | null>;
  /** `[e · elements + k]`, template element order. */
  elementIndex: Array<Dec | null>;
  /** `[e · aspects + k]`, template aspect order. */
  aspectIndex: Array<Dec | null>;
  overall: Array<Dec | null>;
}

export interface ColumnarSipasResult {
  templateId: string;
  rules: SipasRules;
  itemIds: string[];
  itemElements: string[];
  elementCodes: string[];
  elementAspects: Array<string | null>;
  aspectCodes: string[];
  satisfiedLevels: number[];
  /** In the order of `input.groups`. */
  byUnitField: ColumnarLevel;
  /** Sorted by code. */
  byUnit: ColumnarLevel;
  byField: ColumnarLevel;
  round: ColumnarLevel;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The fewest validly answered items a valid form needs: the smallest k with k ÷ items ≥ minValidShare,
 * decided with the same decimal comparison as `isValidSipasForm`.
 */
export function minValidAnswers(itemCount: number, rules: SipasRules): number {
  for (let k = 0; k <= itemCount; k++) {
    if (new Dec(k).dividedBy(itemCount).greaterThanOrEqualTo(rules.minValidShare)) return k;
  }
  return itemCount + 1;
}

/** Validity flags of the round's rule (rule 16) computed from the answer columns. */
export function columnValidFlags(
  template: QuestionnaireTemplate,
  answers: readonly Uint8Array[],
  rules: Partial<SipasRules> = {},
): Uint8Array {
  const resolved = resolveSipasRules(rules);
  const itemCount = satisfactionItems(template).length;
  if (answers.length !== itemCount) {
    throw new ScoringInputError(`cần ${itemCount} cột câu trả lời, nhận được ${answers.length}`);
  }
  const forms = answers[0]?.length ?? 0;
  const answered = new Uint8Array(forms);
  for (const col of answers) {
    if (col.length !== forms) throw new ScoringInputError('các cột câu trả lời không cùng số phiếu');
    for (let f = 0; f < forms; f++) answered[f]! += col[f]! > 0 ? 1 : 0;
  }
  const need = minValidAnswers(itemCount, resolved);
  const valid = new Uint8Array(forms);
  for (let f = 0; f < forms; f++) valid[f] = answered[f]! >= need ? 1 : 0;
  return valid;
}

/** Row-shaped forms → columns (groups sorted by unit then field code), validity per the round's rules. */
export function sipasColumnsFromForms(
  template: QuestionnaireTemplate,
  forms: readonly SipasForm[],
  rules: Partial<SipasRules> = {},
): { groups: SipasGroupKey[]; columns: SipasColumns } {
  const items = satisfactionItems(template);
  const keyOf = (f: SipasForm) => `${f.unitCode}\u0000${f.fieldCode}`;
  const distinct = new Map<string, SipasGroupKey>();
  for (const f of forms) distinct.set(keyOf(f), { unitCode: f.unitCode, fieldCode: f.fieldCode });
  const groups = [...distinct.values()].sort(
    (a, b) => byKey(a.unitCode, b.unitCode) || byKey(a.fieldCode, b.fieldCode),
  );
  const position = new Map(groups.map((g, i) => [`${g.unitCode}\u0000${g.fieldCode}`, i]));
  const group = new Uint32Array(forms.length);
  const answers = items.map(() => new Uint8Array(forms.length));
  forms.forEach((f, n) => {
    group[n] = position.get(keyOf(f))!;
    items.forEach((q, i) => {
      const v = Object.hasOwn(f.answers, q.id) ? validScaleAnswer(template, f.answers[q.id]) : null;
      answers[i]![n] = v ?? 0;
    });
  });
  return { groups, columns: { group, valid: columnValidFlags(template, answers, rules), answers } };
}

/** Count n₀…n₇ of one item column per group slot (slot `groups` collects invalid forms) — branch-free. */
function countColumn(col: Uint8Array, slot8: Int32Array, bins: Uint32Array): void {
  bins.fill(0);
  let seen = 0;
  for (let f = 0; f < col.length; f++) {
    const a = col[f]!;
    bins[slot8[f]! + (a & 7)]!++;
    seen |= a;
  }
  if ((seen & ~7) !== 0) throw new ScoringInputError('câu trả lời ngoài thang 0–5 trong cột dữ liệu');
}

interface Memo {
  dec: Dec | null;
  id: number;
}

/** Compose decimals from counts, memoised by the counts (an index is a function of its counts only). */
class Composer {
  private readonly itemMemo = new Map<number, Memo>();
  private readonly elementMemo: Array<Map<number | string, Memo>> = [];
  private nextId = 0;
  private readonly satisfied: boolean[];
  constructor(
    private readonly template: QuestionnaireTemplate,
    private readonly rules: SipasRules,
  ) {
    const levels = new Set(rules.satisfiedLevels ?? template.scale.satisfiedLevels);
    this.satisfied = [1, 2, 3, 4, 5].map((l) => levels.has(l));
  }

  item(counts: Uint32Array, at: number): Memo {
    let n = 0;
    let v = 0;
    for (let l = 0; l < 5; l++) {
      const c = counts[at + l]!;
      n += c;
      v += this.rules.indexMethod === 'share-satisfied' ? (this.satisfied[l] ? c : 0) : c * (l + 1);
    }
    if (n >= 2 ** 23) return this.fresh(counts, at);
    const key = n * 2 ** 29 + v;
    let m = this.itemMemo.get(key);
    if (m === undefined) {
      m = this.fresh(counts, at);
      this.itemMemo.set(key, m);
    }
    return m;
  }

  private fresh(counts: Uint32Array, at: number): Memo {
    const levelCounts = [counts[at]!, counts[at + 1]!, counts[at + 2]!, counts[at + 3]!, counts[at + 4]!];
    return { dec: sipasItemIndex(levelCounts, this.template, this.rules), id: this.nextId++ };
  }

  /** The element whose items are `memos[positions[…]]`. */
  elementAt(memos: Memo[], positions: number[]): Memo {
    let count = 0;
    let maxId = 0;
    for (const p of positions) {
      const m = memos[p]!;
      if (m.dec === null) continue;
      count += 1;
      if (m.id > maxId) maxId = m.id;
    }
    const bits = count <= 1 ? 52 : Math.floor(52 / count);
    if (maxId >= 2 ** bits - 1) return this.element(positions.map((p) => memos[p]!));
    let key = 0;
    for (const p of positions) {
      const m = memos[p]!;
      if (m.dec !== null) key = key * 2 ** bits + m.id + 1;
    }
    let memo = this.elementMemo[count];
    if (memo === undefined) {
      memo = new Map();
      this.elementMemo[count] = memo;
    }
    let m = memo.get(key);
    if (m === undefined) {
      m = { dec: meanOfPresent(positions.map((p) => memos[p]!)), id: -1 };
      memo.set(key, m);
    }
    return m;
  }

  element(parts: Memo[]): Memo {
    // Key: the ids of the present parts, packed into one number (one map per count, so keys of
    // different lengths never meet), or a string when the ids are too large to pack.
    let count = 0;
    let maxId = 0;
    for (const p of parts) {
      if (p.dec === null) continue;
      count += 1;
      if (p.id > maxId) maxId = p.id;
    }
    const bits = count <= 1 ? 52 : Math.floor(52 / count);
    let key: number | string = 0;
    if (maxId < 2 ** bits - 1) {
      for (const p of parts) if (p.dec !== null) key = key * 2 ** bits + p.id + 1;
    } else {
      key = parts.flatMap((p) => (p.dec === null ? [] : [p.id])).join(',');
    }
    let memo = this.elementMemo[count];
    if (memo === undefined) {
      memo = new Map();
      this.elementMemo[count] = memo;
    }
    let m = memo.get(key);
    if (m === undefined) {
      m = { dec: meanOfPresent(parts), id: -1 };
      memo.set(key, m);
    }
    return m;
  }
}

/**
 * `mean` of the present parts without its leading `0 +`: adding a full-precision decimal to zero returns it
 * unchanged, so the value is `mean`'s to the last digit (the property test holds us to it), one
 * decimal operation cheaper.
 */
/** `meanOfPresent` of `parts[positions[…]]`, without building the list. */
function meanAt(parts: ReadonlyArray<{ dec: Dec | null }>, positions: number[]): Dec | null {
  let acc: Dec | null = null;
  let n = 0;
  for (const k of positions) {
    const dec = parts[k]!.dec;
    if (dec === null) continue;
    acc = acc === null ? dec : acc.plus(dec);
    n += 1;
  }
  return acc === null ? null : acc.dividedBy(n);
}

function meanOfPresent(parts: ReadonlyArray<{ dec: Dec | null }>): Dec | null {
  let acc: Dec | null = null;
  let n = 0;
  for (const p of parts) {
    if (p.dec === null) continue;
    acc = acc === null ? p.dec : acc.plus(p.dec);
    n += 1;
  }
  return acc === null ? null : acc.dividedBy(n);
}

interface Shape {
  template: QuestionnaireTemplate;
  rules: SipasRules;
  itemCount: number;
  /** Item positions of each element, template order. */
  elementItems: number[][];
  elementCodes: string[];
  aspectCount: number;
  /** Element positions of each aspect, template order. */
  aspectElements: number[][];
  /** The plain means are composed here (same operations as `scoreSipas`); other rules go through it. */
  direct: 'mean-of-aspects' | 'mean-of-elements' | null;
}

function compose(
  shape: Shape,
  composer: Composer,
  keys: ColumnarLevel['keys'],
  returned: Uint32Array,
  valid: Uint32Array,
  levelCounts: Uint32Array,
  issued: Array<number | null>,
): ColumnarLevel {
  const { itemCount: I, elementItems, elementCodes, aspectCount } = shape;
  const count = keys.length;
  const itemIndex = new Array<Dec | null>(count * I);
  const elementIndex = new Array<Dec | null>(count * elementItems.length);
  const aspectIndex = new Array<Dec | null>(count * aspectCount);
  const overall = new Array<Dec | null>(count);
  const memos = new Array<Memo>(I);
  const elementMemos = new Array<Memo>(elementItems.length);
  const aspectMemos = Array.from({ length: aspectCount }, (): { dec: Dec | null } => ({ dec: null }));
  const pooled = new Uint32Array(5);
  for (let e = 0; e < count; e++) {
    for (let i = 0; i < I; i++) {
      const m = composer.item(levelCounts, (e * I + i) * 5);
      memos[i] = m;
      itemIndex[e * I + i] = m.dec;
    }
    const E = elementItems.length;
    if (shape.direct !== null) {
      for (let k = 0; k < E; k++) {
        const m = composer.elementAt(memos, elementItems[k]!);
        elementMemos[k] = m;
        elementIndex[e * E + k] = m.dec;
      }
      for (let k = 0; k < aspectCount; k++) {
        const dec = meanAt(elementMemos, shape.aspectElements[k]!);
        aspectMemos[k]!.dec = dec;
        aspectIndex[e * aspectCount + k] = dec;
      }
      overall[e] = meanOfPresent(shape.direct === 'mean-of-aspects' ? aspectMemos : elementMemos);
      continue;
    }
    const byCode: Record<string, Dec | null> = {};
    elementItems.forEach((positions, k) => {
      const dec = composer.element(positions.map((p) => memos[p]!)).dec;
      elementIndex[e * E + k] = dec;
      byCode[elementCodes[k]!] = dec;
    });
    let pooledIndex: Dec | null | undefined;
    if (shape.rules.aggregation === 'pooled') {
      pooled.fill(0);
      for (let i = 0; i < I; i++) for (let l = 0; l < 5; l++) pooled[l]! += levelCounts[(e * I + i) * 5 + l]!;
      pooledIndex = composer.item(pooled, 0).dec;
    }
    const { aspects, overall: o } = composeSipasIndexes(shape.template, shape.rules, byCode, pooledIndex);
    aspects.forEach((a, k) => {
      aspectIndex[e * aspectCount + k] = a.index;
    });
    overall[e] = o;
  }
  return { keys, returned, valid, issued, levelCounts, itemIndex, elementIndex, aspectIndex, overall };
}

/** Sum group rows into the rows of a coarser level (`target[g]` = its row there). */
function rollUp(
  target: Uint32Array,
  rows: number,
  source: { returned: Uint32Array; valid: Uint32Array; levelCounts: Uint32Array },
  width: number,
) {
  const returned = new Uint32Array(rows);
  const valid = new Uint32Array(rows);
  const levelCounts = new Uint32Array(rows * width);
  for (let g = 0; g < target.length; g++) {
    const r = target[g]!;
    returned[r]! += source.returned[g]!;
    valid[r]! += source.valid[g]!;
    const from = g * width;
    const to = r * width;
    for (let k = 0; k < width; k++) levelCounts[to + k]! += source.levelCounts[from + k]!;
  }
  return { returned, valid, levelCounts };
}

interface LevelCounts {
  returned: Uint32Array;
  valid: Uint32Array;
  levelCounts: Uint32Array;
}

/** The integer half of the core: counts of every level, before any decimal. */
export interface SipasColumnCounts {
  input: ColumnarSipasInput;
  rules: SipasRules;
  unitCodes: string[];
  fieldCodes: string[];
  byUnitField: LevelCounts;
  byUnit: LevelCounts;
  byField: LevelCounts;
  round: LevelCounts;
}

/** Counts, exact decimals composed from them: the whole core. */
export function aggregateSipasColumns(input: ColumnarSipasInput): ColumnarSipasResult {
  return composeSipasCounts(countSipasColumns(input));
}

/** Phase 1 (typed arrays only): returned / valid and n₁…n₅ per item for groups, units, fields, round. */
export function countSipasColumns(input: ColumnarSipasInput): SipasColumnCounts {
  const rules = resolveSipasRules(input.rules);
  const { template, groups, columns } = input;
  const items = satisfactionItems(template);
  if (items.length === 0) {
    throw new ScoringInputError(`mẫu phiếu "${template.id}" không có câu hỏi mức độ hài lòng để tính chỉ số`);
  }
  const I = items.length;
  const G = groups.length;
  const forms = columns.group.length;
  if (columns.answers.length !== I) {
    throw new ScoringInputError(`cần ${I} cột câu trả lời, nhận được ${columns.answers.length}`);
  }
  if (columns.valid.length !== forms || columns.answers.some((c) => c.length !== forms)) {
    throw new ScoringInputError('các cột dữ liệu không cùng số phiếu');
  }

  // Per form: its slot (group, or G for invalid forms) × 8 bins; and returned / valid per group.
  const slot8 = new Int32Array(forms);
  const returned = new Uint32Array(G);
  const valid = new Uint32Array(G);
  for (let f = 0; f < forms; f++) {
    const g = columns.group[f]!;
    if (g >= G) throw new ScoringInputError(`phiếu thứ ${f + 1}: nhóm ${g} không tồn tại`);
    returned[g]!++;
    if (columns.valid[f] === 1) {
      valid[g]!++;
      slot8[f] = g * 8;
    } else {
      slot8[f] = G * 8;
    }
  }
  const width = I * 5;
  const levelCounts = new Uint32Array(G * width);
  const bins = new Uint32Array((G + 1) * 8);
  for (let i = 0; i < I; i++) {
    countColumn(columns.answers[i]!, slot8, bins);
    for (let g = 0; g <= G; g++) {
      if (bins[g * 8 + 6]! + bins[g * 8 + 7]! > 0) {
        throw new ScoringInputError(`câu "${items[i]!.id}": câu trả lời ngoài thang 0–5 trong cột dữ liệu`);
      }
    }
    for (let g = 0; g < G; g++) {
      const to = g * width + i * 5;
      for (let l = 0; l < 5; l++) levelCounts[to + l] = bins[g * 8 + 1 + l]!;
    }
  }

  const unitCodes = [...new Set(groups.map((g) => g.unitCode))].sort(byKey);
  const fieldCodes = [...new Set(groups.map((g) => g.fieldCode))].sort(byKey);
  const unitRow = new Map(unitCodes.map((c, i) => [c, i]));
  const fieldRow = new Map(fieldCodes.map((c, i) => [c, i]));
  const groupRows = { returned, valid, levelCounts };
  const units = rollUp(
    Uint32Array.from(groups, (g) => unitRow.get(g.unitCode)!),
    unitCodes.length,
    groupRows,
    width,
  );
  const fields = rollUp(
    Uint32Array.from(groups, (g) => fieldRow.get(g.fieldCode)!),
    fieldCodes.length,
    groupRows,
    width,
  );
  const round = rollUp(new Uint32Array(G), 1, groupRows, width);
  return {
    input,
    rules,
    unitCodes,
    fieldCodes,
    byUnitField: groupRows,
    byUnit: units,
    byField: fields,
    round,
  };
}

/** Phase 2: the exact decimal indexes of every level, from the counts. */
export function composeSipasCounts(counts: SipasColumnCounts): ColumnarSipasResult {
  const { input, rules, unitCodes, fieldCodes } = counts;
  const { template, groups } = input;
  const items = satisfactionItems(template);
  const I = items.length;
  const { returned, valid, levelCounts } = counts.byUnitField;
  const units = counts.byUnit;
  const fields = counts.byField;
  const round = counts.round;
  const elementCodes = template.elements.map((e) => e.code);
  const shape: Shape = {
    template,
    rules,
    itemCount: I,
    elementItems: elementCodes.map((code) => items.flatMap((q, i) => (q.elementCode === code ? [i] : []))),
    elementCodes,
    aspectCount: (template.aspects ?? []).length,
    aspectElements: (template.aspects ?? []).map((a) =>
      template.elements.flatMap((el, k) => (el.aspectCode === a.code ? [k] : [])),
    ),
    // An element without an aspect under mean-of-aspects is a configuration error that
    // `composeSipasIndexes` reports; let it.
    direct:
      rules.aggregation === 'mean-of-elements' ||
      (rules.aggregation === 'mean-of-aspects' &&
        template.elements.every((el) => el.aspectCode !== undefined))
        ? rules.aggregation
        : null,
  };
  const composer = new Composer(template, rules);
  const issued = input.issued ?? {};
  return {
    templateId: template.id,
    rules,
    satisfiedLevels: [...(rules.satisfiedLevels ?? template.scale.satisfiedLevels)],
    itemIds: items.map((q) => q.id),
    itemElements: items.map((q) => q.elementCode ?? ''),
    elementCodes,
    elementAspects: template.elements.map((e) => e.aspectCode ?? null),
    aspectCodes: (template.aspects ?? []).map((a) => a.code),
    byUnitField: compose(
      shape,
      composer,
      groups,
      returned,
      valid,
      levelCounts,
      groups.map((g) => issued.unitFields?.[g.unitCode]?.[g.fieldCode] ?? null),
    ),
    byUnit: compose(
      shape,
      composer,
      unitCodes.map((unitCode) => ({ unitCode })),
      units.returned,
      units.valid,
      units.levelCounts,
      unitCodes.map((c) => issued.units?.[c] ?? null),
    ),
    byField: compose(
      shape,
      composer,
      fieldCodes.map((fieldCode) => ({ fieldCode })),
      fields.returned,
      fields.valid,
      fields.levelCounts,
      fieldCodes.map((c) => issued.fields?.[c] ?? null),
    ),
    round: compose(shape, composer, [{}], round.returned, round.valid, round.levelCounts, [
      issued.round ?? null,
    ]),
  };
}

/** One entity of a level in the row shape of `scoreSipas` (without the choice tallies). */
export function columnarGroupResult(
  result: ColumnarSipasResult,
  level: ColumnarLevel,
  e: number,
): Omit<SipasGroupResult, 'choices'> {
  const I = result.itemIds.length;
  const satisfied = new Set(result.satisfiedLevels);
  const items: ItemResult[] = result.itemIds.map((questionId, i) => {
    const at = (e * I + i) * 5;
    const levelCounts = Array.from(level.levelCounts.subarray(at, at + 5));
    return {
      questionId,
      elementCode: result.itemElements[i]!,
      levelCounts,
      valid: levelCounts.reduce((a, b) => a + b, 0),
      satisfied: levelCounts.reduce((a, n, l) => (satisfied.has(l + 1) ? a + n : a), 0),
      index: level.itemIndex[e * I + i] ?? null,
    };
  });
  const E = result.elementCodes.length;
  const A = result.aspectCodes.length;
  return {
    counts: {
      issued: level.issued[e] ?? null,
      returned: level.returned[e]!,
      valid: level.valid[e]!,
      invalid: level.returned[e]! - level.valid[e]!,
    },
    items,
    elements: result.elementCodes.map(
      (code, k): ElementResult => ({
        code,
        aspectCode: result.elementAspects[k] ?? null,
        index: level.elementIndex[e * E + k] ?? null,
      }),
    ),
    aspects: result.aspectCodes.map(
      (code, k): AspectResult => ({ code, index: level.aspectIndex[e * A + k] ?? null }),
    ),
    overall: level.overall[e] ?? null,
  };
}
