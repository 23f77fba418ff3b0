/**
 * `GET …/results?compare=<earlierRoundId>`: the change of each index against a named earlier round of
 * the same units, where the questionnaires ask the same thing.
 *
 * - An item is comparable when the earlier questionnaire has a satisfaction item with the same id, the
 *   same element and the same wording; otherwise it is listed as not comparable, with why.
 * - An element is comparable when both rounds have it with exactly the same comparable items; an
 *   aspect when all its elements are; the overall index when every element is (and both rounds use the
 *   same aggregation and index method).
 * - Per unit, field and unit × field present in both rounds: change = current − earlier of the published
 *   (2-decimal) figures, rounded to 2 decimals; `null` when either side is missing or suppressed.
 */
import { type QuestionnaireTemplate, satisfactionItems } from '../../shared/domain/index.ts';

type Row = Record<string, unknown>;
interface Indexed {
  code?: string;
  questionId?: string;
  index?: number | null;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const change = (now: number | null | undefined, before: number | null | undefined) =>
  typeof now === 'number' && typeof before === 'number' ? r2(now - before) : null;

export interface Comparability {
  items: { comparable: string[]; notComparable: Array<{ questionId: string; reason: string }> };
  elements: { comparable: string[]; notComparable: string[] };
  aspects: { comparable: string[]; notComparable: string[] };
  overall: boolean;
}

export const comparability = (
  current: QuestionnaireTemplate,
  earlier: QuestionnaireTemplate,
  sameRules: boolean,
): Comparability => {
  const before = new Map(satisfactionItems(earlier).map((q) => [q.id, q]));
  const now = satisfactionItems(current);
  const items: Comparability['items'] = { comparable: [], notComparable: [] };
  for (const q of now) {
    const e = before.get(q.id);
    const reason = !e
      ? 'câu hỏi không có trong phiếu của đợt trước'
      : e.elementCode !== q.elementCode
        ? `câu hỏi thuộc yếu tố khác ở đợt trước (${e.elementCode ?? '—'})`
        : e.text !== q.text
          ? 'nội dung câu hỏi đã thay đổi so với đợt trước'
          : null;
    if (reason) items.notComparable.push({ questionId: q.id, reason });
    else items.comparable.push(q.id);
  }
  const ok = new Set(items.comparable);
  for (const q of satisfactionItems(earlier)) {
    if (!now.some((n) => n.id === q.id)) {
      items.notComparable.push({
        questionId: q.id,
        reason: 'câu hỏi của đợt trước không còn trong phiếu đợt này',
      });
    }
  }
  const idsOf = (t: QuestionnaireTemplate, code: string) =>
    satisfactionItems(t)
      .filter((q) => q.elementCode === code)
      .map((q) => q.id)
      .sort();
  const elements: Comparability['elements'] = { comparable: [], notComparable: [] };
  for (const el of current.elements) {
    const a = idsOf(current, el.code);
    const b = idsOf(earlier, el.code);
    const same = a.length > 0 && a.length === b.length && a.every((id, i) => id === b[i] && ok.has(id));
    (same ? elements.comparable : elements.notComparable).push(el.code);
  }
  const okElements = new Set(elements.comparable);
  const aspects: Comparability['aspects'] = { comparable: [], notComparable: [] };
  for (const a of current.aspects ?? []) {
    const els = current.elements.filter((e) => e.aspectCode === a.code).map((e) => e.code);
    const before = earlier.elements.filter((e) => e.aspectCode === a.code).map((e) => e.code);
    const same =
      els.length > 0 &&
      els.length === before.length &&
      els.every((c) => okElements.has(c) && before.includes(c));
    (same ? aspects.comparable : aspects.notComparable).push(a.code);
  }
  return {
    items,
    elements,
    aspects,
    overall:
      sameRules &&
      elements.notComparable.length === 0 &&
      current.elements.length === earlier.elements.length &&
      aspects.notComparable.length === 0,
  };
};

const byCode = (xs: unknown, key: 'code' | 'questionId') =>
  new Map(((Array.isArray(xs) ? xs : []) as Indexed[]).map((x) => [String(x[key]), x]));

/** One row's changes (overall, aspects, elements, items) against its earlier counterpart. */
const compareRow = (now: Row, before: Row | undefined, c: Comparability) => {
  const list = (kind: 'aspects' | 'elements' | 'items', comparable: Set<string>) => {
    const key = kind === 'items' ? 'questionId' : 'code';
    const earlier = byCode(before?.[kind], key);
    return ((Array.isArray(now[kind]) ? now[kind] : []) as Indexed[]).map((x) => {
      const code = String(x[key]);
      const e = earlier.get(code);
      const ok = comparable.has(code) && before !== undefined;
      return {
        [key]: code,
        comparable: comparable.has(code),
        current: x.index ?? null,
        earlier: ok ? (e?.index ?? null) : null,
        change: ok ? change(x.index, e?.index) : null,
      };
    });
  };
  return {
    inEarlierRound: before !== undefined,
    index: {
      comparable: c.overall,
      current: (now.index as number | null) ?? null,
      earlier: c.overall && before ? ((before.index as number | null) ?? null) : null,
      change: c.overall && before ? change(now.index as number | null, before.index as number | null) : null,
    },
    responseRate: {
      current: (now.responseRate as number | null) ?? null,
      earlier: (before?.responseRate as number | null | undefined) ?? null,
      change: change(now.responseRate as number | null, before?.responseRate as number | null | undefined),
    },
    aspects: list('aspects', new Set(c.aspects.comparable)),
    elements: list('elements', new Set(c.elements.comparable)),
    items: list('items', new Set(c.items.comparable)),
  };
};

interface ResultsLike {
  units: ReadonlyArray<Row>;
  unitFields: ReadonlyArray<Row>;
  fields?: unknown;
  round?: unknown;
  runId?: unknown;
}

/** The comparison block of a results answer; both sides already scoped and suppressed for the caller. */
export const compareResults = (
  current: ResultsLike,
  earlier: ResultsLike,
  earlierRoundId: string,
  c: Comparability,
) => {
  const key = (r: Row, ...ks: string[]) => ks.map((k) => String(r[k])).join('\u0000');
  const index = (rows: unknown, ...ks: string[]) =>
    new Map(((Array.isArray(rows) ? rows : []) as Row[]).map((r) => [key(r, ...ks), r]));
  const earlierUnits = index(earlier.units, 'unitCode');
  const earlierFields = index(earlier.fields, 'fieldCode');
  const earlierUF = index(earlier.unitFields, 'unitCode', 'fieldCode');
  return {
    earlierRoundId,
    earlierRunId: earlier.runId ?? null,
    method: 'change = current − earlier of the published 2-decimal figures, rounded to 2 decimals',
    comparability: c,
    round: current.round && earlier.round ? compareRow(current.round as Row, earlier.round as Row, c) : null,
    units: current.units.map((u) => ({
      unitCode: u.unitCode,
      ...compareRow(u, earlierUnits.get(key(u, 'unitCode')), c),
    })),
    fields: ((Array.isArray(current.fields) ? current.fields : []) as Row[]).map((f) => ({
      fieldCode: f.fieldCode,
      ...compareRow(f, earlierFields.get(key(f, 'fieldCode')), c),
    })),
    unitFields: current.unitFields.map((u) => ({
      unitCode: u.unitCode,
      fieldCode: u.fieldCode,
      ...compareRow(u, earlierUF.get(key(u, 'unitCode', 'fieldCode')), c),
    })),
  };
};
