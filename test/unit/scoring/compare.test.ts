/** Which items, elements and aspects of two questionnaires can be compared, and the changes. */
import { describe, expect, it } from 'vitest';
import { comparability, compareResults } from '../../../services/scoring/compare.ts';
import { getTemplate, type QuestionnaireTemplate } from '../../../shared/domain/index.ts';

const base = getTemplate('sipas-2024-v1');
const edit = (
  f: (q: { id: string; text: string; elementCode?: string }) => unknown,
): QuestionnaireTemplate => ({
  ...base,
  sections: base.sections.map((s) => ({
    ...s,
    questions: s.questions.flatMap((q) => (f(q) === null ? [] : [f(q) as typeof q])),
  })),
});

describe('comparability', () => {
  it('same questionnaire: everything comparable', () => {
    const c = comparability(base, base, true);
    expect(c.items.notComparable).toEqual([]);
    expect(c.elements.notComparable).toEqual([]);
    expect(c.overall).toBe(true);
    expect(comparability(base, base, false).overall).toBe(false);
  });

  it('reworded, moved and dropped items are not comparable, with their element and aspect', () => {
    const now = edit((q) =>
      q.id === 'p1_1'
        ? { ...q, text: 'khác' }
        : q.id === 's1_1'
          ? { ...q, elementCode: 'S2' }
          : q.id === 's5_3'
            ? null
            : q,
    );
    const c = comparability(now, base, true);
    expect(c.items.notComparable.map((x) => x.questionId).sort()).toEqual(['p1_1', 's1_1', 's5_3']);
    expect(c.items.notComparable.find((x) => x.questionId === 's5_3')?.reason).toContain('không còn');
    expect(c.elements.notComparable.sort()).toEqual(['P1', 'S1', 'S2', 'S5']);
    expect(c.aspects.notComparable.sort()).toEqual(['CS', 'DV']);
    expect(c.overall).toBe(false);
  });

  it('changes are current − earlier of the published figures; missing or suppressed sides give null', () => {
    const c = comparability(base, base, true);
    const row = (index: number | null, el: number | null) => ({
      unitCode: 'U1',
      index,
      responseRate: 50,
      elements: [{ code: 'P1', index: el }],
      aspects: [],
      items: [],
    });
    const out = compareResults(
      { units: [row(70.12, 60.1), { ...row(null, null), unitCode: 'U2' }], unitFields: [], round: row(1, 1) },
      { units: [row(65.05, 61.2)], unitFields: [], round: row(1, 1), runId: 'r0' },
      'old',
      c,
    );
    expect(out.units[0]!.index.change).toBe(5.07);
    expect(out.units[0]!.elements[0]!.change).toBe(-1.1);
    expect(out.units[1]).toMatchObject({ unitCode: 'U2', inEarlierRound: false, index: { change: null } });
    expect(out.earlierRunId).toBe('r0');
  });
});
