import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allQuestions,
  DEFAULT_TEMPLATE_IDS,
  getTemplate,
  listTemplates,
  parseTemplate,
  QUESTION_ID_PATTERN,
  satisfactionItems,
  TemplateError,
  TemplateNotFoundError,
} from '../../../shared/domain/index.ts';
import { miniTemplate } from './support/sipas-forms.ts';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/domain/malformed/${name}`, import.meta.url), 'utf8'),
  ) as unknown;

function issuesOf(json: unknown) {
  try {
    parseTemplate(json);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as TemplateError).issues;
  }
  throw new Error('template was accepted');
}

describe('shipped templates', () => {
  it('lists the SIPAS and PAR templates and finds them by the default ids', () => {
    expect(listTemplates().map((t) => t.id)).toEqual(['sipas-2024-v1', 'par-province-2024-v1']);
    expect(getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS).kind).toBe('SIPAS');
    expect(getTemplate(DEFAULT_TEMPLATE_IDS.PAR).kind).toBe('PAR');
  });

  it('returns copies: mutating one does not change the registry', () => {
    const t = getTemplate('sipas-2024-v1');
    t.title = 'changed';
    expect(getTemplate('sipas-2024-v1').title).not.toBe('changed');
  });

  it('throws TEMPLATE_NOT_FOUND for an unknown id', () => {
    expect(() => getTemplate('sipas-1999')).toThrow(TemplateNotFoundError);
    try {
      getTemplate('sipas-1999');
    } catch (e) {
      expect((e as TemplateNotFoundError).code).toBe('TEMPLATE_NOT_FOUND');
      expect((e as Error).message).toBe('không tìm thấy mẫu phiếu "sipas-1999"');
    }
  });

  it('SIPAS 2024 follows methodology §4.2: aspects, P1–P4, S1–S5, S1 three official items, S2 four items', () => {
    const t = getTemplate('sipas-2024-v1');
    expect(t.aspects!.map((a) => a.code)).toEqual(['CS', 'DV']);
    expect(t.elements.map((e) => e.code)).toEqual(['P1', 'P2', 'P3', 'P4', 'S1', 'S2', 'S3', 'S4', 'S5']);
    const items = satisfactionItems(t);
    const of = (code: string) => items.filter((q) => q.elementCode === code);
    expect(of('S1').map((q) => q.provenance)).toEqual(['official', 'official', 'official']);
    expect(of('S2')).toHaveLength(4);
    expect(
      items.filter((q) => !q.elementCode!.startsWith('S1')).every((q) => q.provenance === 'adapted'),
    ).toBe(true);
    // 8 perception criteria, expectation block, personal block
    expect(t.sections.find((s) => s.id === 'nhan_dinh')!.questions).toHaveLength(8);
    expect(t.sections.find((s) => s.id === 'mong_doi')!.questions[0]!.options).toHaveLength(10);
    expect(t.sections.find((s) => s.personal === true)!.questions.map((q) => q.id)).toContain('tt_tuoi');
    expect(t.scale.labels[0]).toBe('Rất không hài lòng');
    expect(t.scale.satisfiedLevels).toEqual([4, 5]);
    for (const q of allQuestions(t)) expect(q.id).toMatch(QUESTION_ID_PATTERN);
  });

  it('the PAR template rates one unit with A–D items whose points add up to the declared 30', () => {
    const t = getTemplate('par-province-2024-v1');
    const rated = allQuestions(t).filter((q) => q.maxPoints !== undefined);
    expect(rated).toHaveLength(15);
    expect(rated.reduce((a, q) => a + (q.maxPoints ?? 0), 0)).toBe(30);
    expect(t.declaredMaxPoints).toBe(30);
    expect(t.targetLevels).toEqual(['department', 'district', 'commune']);
  });
});

describe('parseTemplate rejects malformed templates, naming the place', () => {
  it('an item in no element', () => {
    const issues = issuesOf(fixture('item-without-element.json'));
    expect(issues.map((i) => i.message)).toEqual([
      'câu hỏi "s1_4": là câu hỏi chấm điểm nhưng không thuộc yếu tố nào',
    ]);
    expect(issues[0]!.code).toBe('ITEM_WITHOUT_ELEMENT');
  });

  it('an unknown element', () => {
    expect(() => parseTemplate(fixture('unknown-element.json'))).toThrow(
      'câu hỏi "s1_4": yếu tố "S9" không tồn tại',
    );
  });

  it('points not summing as declared', () => {
    const issues = issuesOf(fixture('points-mismatch.json'));
    expect(issues[0]).toMatchObject({ code: 'WEIGHTS_MISMATCH', where: 'mẫu phiếu "par-bad-1"' });
    expect(issues[0]!.message).toContain('tổng điểm tối đa của các câu hỏi (4,5) khác tổng khai báo (5)');
  });

  it('schema errors name the question by id (or by position when the id itself is missing)', () => {
    const t = miniTemplate() as unknown as { sections: Array<{ questions: Array<Record<string, unknown>> }> };
    t.sections[0]!.questions[1]!.type = 'slider';
    t.sections[1]!.questions[0]!.id = undefined;
    const messages = issuesOf(t).map((i) => i.message);
    expect(messages.some((m) => m.startsWith('câu hỏi "p2_1" (type)'))).toBe(true);
    expect(messages.some((m) => m.startsWith('câu hỏi thứ 1 của phần 2 (id)'))).toBe(true);
    expect(issuesOf({ ...miniTemplate(), kind: 'XYZ' })[0]!.message).toMatch(/^trường "kind"/);
    expect(
      issuesOf({ ...miniTemplate(), sections: [{ id: 'a', title: 'x', questions: [] }] })[0]!.message,
    ).toMatch(/^phần "a" \(questions\)/);
    expect(issuesOf({ ...miniTemplate(), sections: [{ id: 5 }] })[0]!.message).toMatch(/^phần 1/);
    expect(issuesOf('nope')[0]!.message).toMatch(/^mẫu phiếu:/);
  });

  it('reports every structural problem at once', () => {
    const t = miniTemplate();
    const [hai, khac] = t.sections as [(typeof t.sections)[0], (typeof t.sections)[0]];
    const q = hai.questions;
    const bad = {
      ...t,
      aspects: [...t.aspects!, { code: 'CS', name: 'trùng' }],
      elements: [
        ...t.elements,
        { code: 'S1', name: 'trùng' },
        { code: 'S3', name: 'rỗng', aspectCode: 'ZZ' },
      ],
      scale: { ...t.scale, satisfiedLevels: [4, 4] },
      sections: [
        { ...hai, questions: [...q, { ...q[0]!, maxPoints: 1 }] },
        {
          ...khac,
          id: 'hai_long',
          questions: [
            { id: 'c1', type: 'single', text: 'x', required: true, provenance: 'adapted' },
            {
              id: 'c2',
              type: 'text',
              text: 'x',
              required: true,
              provenance: 'adapted',
              options: [{ value: 'a', label: 'A' }],
            },
            {
              id: 'c3',
              type: 'multi',
              text: 'x',
              required: true,
              provenance: 'adapted',
              options: [
                { value: 'a', label: 'A' },
                { value: 'a', label: 'A' },
              ],
              maxLength: 3,
              elementCode: 'P1',
            },
            { id: 'c4', type: 'text', text: 'x', required: true, provenance: 'adapted', maxSelections: 2 },
          ],
        },
        {
          id: 'ca_nhan',
          title: 'x',
          personal: true,
          questions: [
            { id: 'c5', type: 'scale', text: 'x', required: false, provenance: 'adapted', elementCode: 'P1' },
          ],
        },
      ],
    };
    const codes = issuesOf(bad).map((i) => `${i.where} ${i.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'khía cạnh "CS" DUPLICATE_CODE',
        'yếu tố "S1" DUPLICATE_CODE',
        'yếu tố "S3" UNKNOWN_ASPECT',
        'thang đo DUPLICATE_LEVEL',
        'phần "hai_long" DUPLICATE_SECTION',
        'câu hỏi "p1_1" DUPLICATE_QUESTION',
        'câu hỏi "p1_1" UNEXPECTED_MAX_POINTS',
        'câu hỏi "c1" MISSING_OPTIONS',
        'câu hỏi "c2" UNEXPECTED_OPTIONS',
        'câu hỏi "c3" DUPLICATE_OPTION',
        'câu hỏi "c3" UNEXPECTED_MAX_LENGTH',
        'câu hỏi "c3" UNSCORED_WITH_ELEMENT',
        'câu hỏi "c4" UNEXPECTED_MAX_SELECTIONS',
        'câu hỏi "c5" SCORED_PERSONAL',
        'yếu tố "S3" EMPTY_ELEMENT',
        'mẫu phiếu "mini-v1" MISSING_DECLARED_MAX',
      ]),
    );
  });
});
