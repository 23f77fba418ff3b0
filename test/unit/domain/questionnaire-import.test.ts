import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { questionnaireXlsx, xlsxGrid } from '../../../docs/examples/build-xlsx.ts';
import {
  importQuestionnaire,
  importQuestionnaireGrid,
  importQuestionnaireJson,
  normaliseQuestionId,
  PAR_PROVINCE_2024,
  parseCsvRecords,
  type QuestionnaireTemplate,
  questionnaireToCsv,
  questionnaireToGrid,
  type SheetIssue,
  type SheetRecord,
  SIPAS_2024,
  satisfactionItems,
  scoreSipas,
  TemplateError,
  validateAnswers,
} from '../../../shared/domain/index.ts';

const EXAMPLE = readFileSync(
  new URL('../../../docs/examples/sipas-2026-questionnaire.csv', import.meta.url),
  'utf8',
);
const LINES = EXAMPLE.replace(/^\uFEFF/, '').split('\r\n');
/** Spreadsheet row of the example's question `id` (the example has no quoted line breaks). */
const rowOf = (id: string) => LINES.findIndex((l) => l.startsWith(`${id},`)) + 1;

function issuesOf(run: () => unknown): SheetIssue[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as TemplateError).issues;
  }
  throw new Error('questionnaire was accepted');
}

const codes = (issues: readonly SheetIssue[]) => issues.map((i) => i.code).sort();

/** Edit the example line by line: `edit(id, cells => …)` rewrites that question's row. */
function editExample(edits: Record<string, (cells: string[]) => string[] | null>): string {
  const grid = parseCsvRecords(EXAMPLE);
  const out = grid.flatMap((cells) => {
    const edit = edits[cells[0] ?? ''];
    if (edit === undefined) return [cells];
    const next = edit([...cells]);
    return next === null ? [] : [next];
  });
  return out
    .map((cells) => cells.map((c) => (/[",|\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
    .join('\n');
}

/** A small CSV in the layout: header block lines, the header row, then question rows. */
function csv(block: string[], header: string, rows: string[]): string {
  return [...block, '', header, ...rows].join('\n');
}
const BLOCK = [
  'Mã mẫu phiếu,mini-2026',
  'Tên mẫu phiếu,Mẫu nhỏ',
  'Năm,2026',
  'Loại khảo sát,SIPAS',
  'Phiên bản,1',
];
const HEADER = 'id,section,text,type,options,required,element,aspect,scored,provenance,max_length';

describe('the 51-item SIPAS 2026 example', () => {
  const template = importQuestionnaire(EXAMPLE);

  it('parses into the QĐ 1001 structure: 51 satisfaction items in P1–P4, S1–S5', () => {
    expect(template).toMatchObject({ id: 'sipas-2026-v1', kind: 'SIPAS', year: 2026, version: 1 });
    expect(template.methodRef).toBe('QĐ 1001/QĐ-BNV ngày 11/12/2023');
    const items = satisfactionItems(template);
    expect(items).toHaveLength(51);
    const perElement = Object.fromEntries(template.elements.map((e) => [e.code, 0]));
    for (const q of items)
      perElement[q.elementCode as string] = (perElement[q.elementCode as string] ?? 0) + 1;
    expect(perElement).toEqual({ P1: 5, P2: 5, P3: 6, P4: 6, S1: 3, S2: 4, S3: 8, S4: 8, S5: 6 });
    expect(template.elements.map((e) => `${e.code}:${e.aspectCode}`)).toEqual([
      'P1:CS',
      'P2:CS',
      'P3:CS',
      'P4:CS',
      'S1:DV',
      'S2:DV',
      'S3:DV',
      'S4:DV',
      'S5:DV',
    ]);
    expect(template.scale.labels[0]).toBe('Rất không hài lòng');
    expect(template.scale.satisfiedLevels).toEqual([4, 5]);
  });

  it('marks the three known S1 items official with their source and every other item adapted', () => {
    const items = satisfactionItems(template);
    const official = items.filter((q) => q.provenance === 'official');
    expect(official.map((q) => q.id)).toEqual(['s1_1', 's1_2', 's1_3']);
    expect(official.every((q) => q.source === 'LaoDong-2025')).toBe(true);
    expect(items.filter((q) => q.provenance === 'adapted')).toHaveLength(48);
  });

  it('has the perception, expectation and respondent blocks, the last one personal and unscored', () => {
    expect(template.sections.map((s) => [s.id, s.questions.length, s.personal === true])).toEqual([
      ['nhan_dinh', 8, false],
      ['hai_long_cs', 22, false],
      ['hai_long_dv', 29, false],
      ['mong_doi', 2, false],
      ['thong_tin', 7, true],
    ]);
    const mm1 = template.sections[3]?.questions[0];
    expect(mm1).toMatchObject({ id: 'mm_1', type: 'multi', maxSelections: 3 });
    expect(mm1?.options).toHaveLength(10);
    expect(template.sections[3]?.questions[1]).toMatchObject({ id: 'mm_2', type: 'text', maxLength: 2000 });
    expect(template.sections[4]?.questions.filter((q) => q.required).map((q) => q.id)).toEqual([
      'tt_doi_tuong',
      'tt_tuoi',
    ]);
  });

  it('validateAnswers accepts a full answer set and refuses a bad one', () => {
    const full: Record<string, unknown> = {};
    for (const s of template.sections) {
      for (const q of s.questions) {
        full[q.id] =
          q.type === 'scale' ? 4 : q.type === 'single' ? '1' : q.type === 'multi' ? ['1', '2'] : ' Tốt ';
      }
    }
    const ok = validateAnswers(template, full);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.answers.mm_2).toBe('Tốt');

    const { tt_tuoi: _dropped, ...withoutRequired } = full;
    const bad = validateAnswers(template, {
      ...withoutRequired,
      s3_8: 6,
      nd_1: '9',
      mm_1: ['1', '2', '3', '4'],
      s9_1: 3,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues.map((i) => `${i.questionId}:${i.code}`).sort()).toEqual([
        'mm_1:INVALID_ANSWER',
        'nd_1:INVALID_ANSWER',
        's3_8:INVALID_ANSWER',
        's9_1:UNKNOWN_QUESTION',
        'tt_tuoi:REQUIRED',
      ]);
    }
  });

  it('scores a constructed answer set to the index computed by hand from the counts', () => {
    // 10 valid forms. Per element, the first `sat` forms answer a satisfied level (4 or 5), the others
    // 1–3. p1_1 is left blank on forms 9 and 10 (so its base is 8). An 11th form answers only 20 of the
    // 51 items (< 50 %): invalid, ignored, although its 1s would pull every item down.
    const satisfiedForms: Record<string, number> = {
      P1: 6,
      P2: 7,
      P3: 8,
      P4: 9,
      S1: 5,
      S2: 6,
      S3: 7,
      S4: 8,
      S5: 10,
    };
    const items = satisfactionItems(template);
    const forms = Array.from({ length: 10 }, (_, f) => {
      const answers: Record<string, unknown> = { tt_doi_tuong: '1', tt_tuoi: '2' };
      for (const q of items) {
        if (q.id === 'p1_1' && f >= 8) continue;
        const sat = satisfiedForms[q.elementCode as string] as number;
        answers[q.id] = f < sat ? 4 + (f % 2) : 1 + (f % 3);
      }
      return { unitCode: 'X1', fieldCode: 'HT', answers };
    });
    const invalid = Object.fromEntries(items.slice(0, 20).map((q) => [q.id, 1]));
    forms.push({ unitCode: 'X1', fieldCode: 'HT', answers: invalid });

    // By hand: p1_1 = 6/8 = 75 %, p1_2..p1_5 = 6/10 = 60 % → P1 = (75 + 4 × 60) / 5 = 63.
    // CS = (63 + 70 + 80 + 90) / 4 = 75.75; DV = (50 + 60 + 70 + 80 + 100) / 5 = 72;
    // SIPAS = (75.75 + 72) / 2 = 73.875.
    const result = scoreSipas({ template, forms }).round;
    expect(result.counts).toMatchObject({ returned: 11, valid: 10, invalid: 1 });
    const elements = Object.fromEntries(result.elements.map((e) => [e.code, e.index?.toNumber()]));
    expect(elements).toEqual({ P1: 63, P2: 70, P3: 80, P4: 90, S1: 50, S2: 60, S3: 70, S4: 80, S5: 100 });
    expect(result.aspects.map((a) => [a.code, a.index?.toString()])).toEqual([
      ['CS', '75.75'],
      ['DV', '72'],
    ]);
    expect(result.overall?.toString()).toBe('73.875');
  });

  it('reads the same questionnaire from the generated XLSX workbook', async () => {
    const grid = await xlsxGrid(await questionnaireXlsx(EXAMPLE));
    expect(importQuestionnaireGrid(grid)).toEqual(template);
  });

  it('gives the same template from keyed records with English headers and the metadata as an argument', () => {
    const grid = parseCsvRecords(EXAMPLE);
    const headerAt = grid.findIndex((r) => r[0] === 'Mã câu hỏi');
    const english = [
      'ID',
      'Section',
      'SECTION_TITLE',
      'text',
      'Type',
      'options',
      'required',
      'element',
      'aspect',
      'scored',
      'provenance',
      'max-length',
      'max selections',
      'source',
    ];
    const records: SheetRecord[] = grid.slice(headerAt + 1).map((cells, i) => ({
      row: headerAt + 2 + i,
      cells: Object.fromEntries(english.map((h, c) => [h, cells[c] ?? ''])),
    }));
    const meta = {
      id: template.id,
      title: template.title,
      year: template.year,
      kind: template.kind,
      version: template.version,
      methodRef: template.methodRef as string,
      respondents: template.respondents as string,
      aspects: template.aspects,
      elements: template.elements,
    };
    expect(importQuestionnaire(records, meta)).toEqual(template);
  });

  it('lets the caller override the header block (a new version of the same form)', () => {
    const v2 = importQuestionnaire(EXAMPLE, { version: 2, id: 'sipas-2026-v2' });
    expect([v2.id, v2.version, v2.year]).toEqual(['sipas-2026-v2', 2, 2026]);
  });
});

describe('refusals name the spreadsheet row and column', () => {
  it('refuses an item in no element, a duplicate id and an unknown type, all at once', () => {
    const text = editExample({
      s2_3: (c) => {
        c[7] = '';
        return c;
      },
      s3_2: (c) => {
        c[0] = 'S3.1';
        return c;
      },
      nd_4: (c) => {
        c[4] = 'likert';
        return c;
      },
    });
    const issues = issuesOf(() => importQuestionnaire(text));
    const lines = text.split('\n');
    const row = (id: string) => lines.findIndex((l) => l.startsWith(`${id},`)) + 1;
    expect(row('s2_3')).toBe(rowOf('s2_3'));
    expect(issues.map((i) => [i.where, i.code])).toEqual([
      [`dòng ${row('nd_4')}, cột type`, 'UNKNOWN_TYPE'],
      [`dòng ${row('s2_3')}, cột element`, 'ITEM_WITHOUT_ELEMENT'],
      [`dòng ${row('S3.1')}, cột id`, 'DUPLICATE_ID'],
    ]);
    expect(issues[2]?.message).toContain(`trùng với dòng ${row('s3_1')}`);
    // The header as the clerk wrote it is named too.
    expect(issues[1]?.message).toMatch(/^dòng \d+, cột element \("Yếu tố"\): /);
    expect(issues[0]).toMatchObject({ row: row('nd_4'), column: 'type' });
  });

  it('refuses an unknown element and names the declared ones', () => {
    const text = editExample({
      s5_6: (c) => {
        c[7] = 'S6';
        return c;
      },
    });
    const [issue, ...rest] = issuesOf(() => importQuestionnaire(text));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ code: 'UNKNOWN_ELEMENT', where: `dòng ${rowOf('s5_6')}, cột element` });
    expect(issue?.message).toContain('P1, P2, P3, P4, S1, S2, S3, S4, S5');
  });

  it('refuses a choice question without options and an element that loses all its items', () => {
    const text = editExample({
      nd_3: (c) => {
        c[5] = '';
        return c;
      },
      s1_1: () => null,
      s1_2: () => null,
      s1_3: () => null,
    });
    const issues = issuesOf(() => importQuestionnaire(text));
    expect(issues.map((i) => i.code)).toEqual(['MISSING_OPTIONS', 'EMPTY_ELEMENT']);
    expect(issues[0]?.where).toMatch(/cột options$/);
    expect(issues[1]?.where).toBe(`dòng ${LINES.findIndex((l) => l.startsWith('Yếu tố,S1,')) + 1}`);
  });

  const cases: Array<[string, string, string[], string]> = [
    ['options on a scale item', 'q1,a,Câu 1,scale,1=A|2=B,,S1,,,adapted,', ['UNEXPECTED_OPTIONS'], 'options'],
    ['a bad yes/no', 'q1,a,Câu 1,scale,,có lẽ,S1,,,adapted,', ['INVALID_BOOLEAN'], 'required'],
    ['scored=no on a scale item', 'q1,a,Câu 1,scale,,,S1,,không,adapted,', ['SCORED_MISMATCH'], 'scored'],
    ['scored=yes on a text item', 'q1,a,Câu 1,text,,,,,có,adapted,', ['SCORED_MISMATCH'], 'scored'],
    [
      'an element on an unscored item',
      'q1,a,Câu 1,single,1=A,,S1,,,adapted,',
      ['UNSCORED_WITH_ELEMENT'],
      'element',
    ],
    [
      'max length on a choice',
      'q1,a,Câu 1,single,1=A,,,,,adapted,10',
      ['UNEXPECTED_MAX_LENGTH'],
      'max_length',
    ],
    ['a bad max length', 'q1,a,Câu 1,text,,,,,,adapted,dài', ['INVALID_NUMBER'], 'max_length'],
    ['an unknown provenance', 'q1,a,Câu 1,text,,,,,,sưu tầm,', ['UNKNOWN_PROVENANCE'], 'provenance'],
    ['no provenance and no default', 'q1,a,Câu 1,text,,,,,,,', ['MISSING_VALUE'], 'provenance'],
    ['an id that is not an identifier', '1a,a,Câu 1,text,,,,,,adapted,', ['INVALID_ID'], 'id'],
    ['a blank text', 'q1,a,,text,,,,,,adapted,', ['MISSING_VALUE'], 'text'],
    ['duplicate option values', 'q1,a,Câu 1,single,1=A|1=B,,,,,adapted,', ['DUPLICATE_OPTION'], 'options'],
    ['an option without label', 'q1,a,Câu 1,single,1=,,,,,adapted,', ['INVALID_OPTIONS'], 'options'],
    [
      'a scoring aspect on a perception',
      'q1,a,Câu 1,single,1=A,,,DV,,adapted,',
      ['ASPECT_MISMATCH'],
      'aspect',
    ],
    ['an unknown aspect', 'q1,a,Câu 1,single,1=A,,,khác,,adapted,', ['UNKNOWN_ASPECT'], 'aspect'],
    [
      'the wrong aspect for its element',
      'q1,a,Câu 1,scale,,,S1,policy,,adapted,',
      ['ASPECT_MISMATCH'],
      'aspect',
    ],
    [
      'a perception aspect on an item',
      'q1,a,Câu 1,scale,,,S1,perception,,adapted,',
      ['ASPECT_MISMATCH'],
      'aspect',
    ],
    ['a section that is not an identifier', 'q1,!!,Câu 1,text,,,,,,adapted,', ['INVALID_SECTION'], 'section'],
  ];
  it.each(cases)('refuses %s', (_label, line, expected, column) => {
    const issues = issuesOf(() =>
      importQuestionnaire(
        csv([...BLOCK, 'Yếu tố,S1,Tiếp cận,DV', 'Khía cạnh,CS,Chính sách', 'Khía cạnh,DV,Dịch vụ'], HEADER, [
          line,
          'zz,z,Câu cuối,scale,,,S1,service,có,official,',
        ]),
      ),
    );
    expect(codes(issues)).toEqual(expected);
    expect(issues[0]?.where).toBe(`dòng ${BLOCK.length + 6}, cột ${column}`);
  });

  it('refuses a section split by another and a conflicting section title', () => {
    const issues = issuesOf(() =>
      importQuestionnaire(
        csv(BLOCK, 'id,section,section_title,text,type,element,provenance', [
          'a1,I,Phần một,Câu 1,text,,adapted',
          'b1,II,Phần hai,Câu 2,scale,S1,adapted',
          'a2,I,,Câu 3,text,,adapted',
          'b2,II,Phần 2 khác,Câu 4,scale,S1,adapted',
        ]),
      ),
    );
    expect(issues.map((i) => [i.where, i.code])).toEqual([
      ['dòng 10, cột section', 'SECTION_NOT_CONTIGUOUS'],
      ['dòng 11, cột section', 'SECTION_NOT_CONTIGUOUS'],
      ['dòng 11, cột section_title', 'SECTION_TITLE_CONFLICT'],
      // SIPAS default elements: the eight not used are reported empty.
      ...['P1', 'P2', 'P3', 'P4', 'S2', 'S3', 'S4', 'S5'].map((e) => [
        `yếu tố "${e}" (mặc định QĐ 1001)`,
        'EMPTY_ELEMENT',
      ]),
    ]);
  });

  it('refuses an item in the respondent block', () => {
    const issues = issuesOf(() =>
      importQuestionnaire(
        csv([...BLOCK, 'Yếu tố,S1,Tiếp cận'], 'id,section,text,type,element,aspect,provenance', [
          'tt_1,tt,Ghi chú,text,,personal,adapted',
          'tt_2,tt,Hài lòng?,scale,S1,,adapted',
        ]),
      ),
    );
    expect(issues.map((i) => [i.where, i.code])).toEqual([['dòng 10, cột section', 'SCORED_PERSONAL']]);
  });

  it('reports missing metadata, a bad year and an unknown kind in the header block', () => {
    const issues = issuesOf(() =>
      importQuestionnaire(
        csv(['Tên mẫu phiếu,X', 'Năm,hai nghìn', 'Loại khảo sát,PAPI', 'Thang đo,1=a|2=b'], HEADER, [
          'q1,a,Câu 1,text,,,,,,adapted,',
        ]),
      ),
    );
    expect(issues.map((i) => [i.where, i.code])).toEqual([
      ['dòng 2, cột B', 'INVALID_META'],
      ['dòng 3, cột B', 'INVALID_META'],
      ['dòng 4, cột B', 'INVALID_SCALE'],
      ['thông tin mẫu phiếu, mục id', 'MISSING_META'],
      ['thông tin mẫu phiếu, mục version', 'MISSING_META'],
    ]);
  });

  it('reports bad metadata passed by the caller, bad block rows for aspects and elements', () => {
    expect(
      issuesOf(() => importQuestionnaire([], { year: 1900, kind: 'PAPI' as 'PAR' })).map((i) => i.where),
    ).toEqual([
      'thông tin mẫu phiếu, mục year',
      'thông tin mẫu phiếu, mục kind',
      'thông tin mẫu phiếu, mục id',
      'thông tin mẫu phiếu, mục title',
      'thông tin mẫu phiếu, mục version',
      'bảng câu hỏi',
    ]);
    expect(
      issuesOf(() => importQuestionnaire(EXAMPLE, { colour: 'đỏ' } as never)).map((i) => [i.where, i.code]),
    ).toEqual([['thông tin mẫu phiếu, mục colour', 'INVALID_META']]);
    const issues = issuesOf(() =>
      importQuestionnaire(
        csv(
          [
            ...BLOCK,
            'Khía cạnh,C S,',
            'Yếu tố,,Không mã',
            'Yếu tố,S1,Tiếp cận,XX',
            'Yếu tố,S1,Trùng',
            'Mức hài lòng,4|6',
            'Nguồn gốc mặc định,khác',
            'Phiên bản,một',
          ],
          HEADER,
          ['q1,a,Câu 1,scale,,,S1,,,adapted,'],
        ),
      ),
    );
    expect(codes(issues)).toEqual([
      'DUPLICATE_CODE',
      'INVALID_META',
      'INVALID_META',
      'INVALID_META',
      'INVALID_SCALE',
      'UNKNOWN_ASPECT',
      'UNKNOWN_PROVENANCE',
    ]);
  });

  it('refuses a table without its required columns, a file without a header, a malformed CSV', () => {
    expect(
      issuesOf(() => importQuestionnaire(csv(BLOCK, 'id,text,provenance', ['q1,Câu 1,adapted']))).map((i) => [
        i.code,
        i.message,
      ]),
    ).toEqual([
      ['MISSING_COLUMN', 'tiêu đề bảng: thiếu cột "section" (hoặc "Phần")'],
      ['MISSING_COLUMN', 'tiêu đề bảng: thiếu cột "type" (hoặc "Loại câu hỏi")'],
    ]);
    expect(codes(issuesOf(() => importQuestionnaire('a,b\n1,2\n')))).toEqual(['MISSING_COLUMN']);
    expect(codes(issuesOf(() => importQuestionnaire('id,text\n"q1,Câu 1\n')))).toEqual(['MALFORMED_CSV']);
  });
});

describe('layout conveniences', () => {
  it('accepts Vietnamese headers in any case and without diacritics, and Vietnamese type names', () => {
    const t = importQuestionnaire(
      csv(
        [...BLOCK, 'Nguồn gốc mặc định,chính thức'],
        'MA CAU HOI;PHAN;TEN PHAN;noi dung;loai cau hoi;phuong an;bat buoc;yeu to;tinh diem;Do dai toi da',
        [
          'S1.1;Phần II;Hài lòng;Biển hiệu rõ ràng;Thang đo;;x;s1;1;',
          'nd-1;Phần I;Nhận định;Kênh thông tin;Nhiều lựa chọn;"Tivi\nBáo\nMạng xã hội";0;;;',
          'ykien;Phần I;;Ý kiến khác;Tự luận;;không;;;500',
        ],
      ).replace(/,/g, ';'),
      { elements: [{ code: 'S1', name: 'Tiếp cận dịch vụ' }] },
    );
    expect(t.sections.map((s) => [s.id, s.title])).toEqual([
      ['phan_ii', 'Hài lòng'],
      ['phan_i', 'Nhận định'],
    ]);
    expect(t.sections[0]?.questions[0]).toMatchObject({
      id: 's1_1',
      type: 'scale',
      required: true,
      elementCode: 'S1',
      provenance: 'official',
    });
    expect(t.sections[1]?.questions[0]?.options).toEqual([
      { value: '1', label: 'Tivi' },
      { value: '2', label: 'Báo' },
      { value: '3', label: 'Mạng xã hội' },
    ]);
    expect(t.sections[1]?.questions[1]).toMatchObject({ id: 'ykien', type: 'text', maxLength: 500 });
    // SIPAS aspects are kept only when an element uses one; S1 was declared without.
    expect(t.aspects).toBeUndefined();
  });

  it('takes an element aspect from the rows when the element was declared without one', () => {
    const t = importQuestionnaire(
      csv([...BLOCK, 'Yếu tố,S1,Tiếp cận'], 'id,section,text,type,element,aspect,provenance', [
        'a,s,Câu 1,scale,S1,dịch vụ,adapted',
        'b,s,Câu 2,scale,S1,,adapted',
      ]),
    );
    expect(t.elements).toEqual([{ code: 'S1', name: 'Tiếp cận', aspectCode: 'DV' }]);
    expect(t.aspects?.map((a) => a.code)).toEqual(['DV']);
  });

  it('imports a PAR form with points, checked against the declared total', () => {
    const block = [
      'Mã mẫu phiếu,par-2026',
      'Tên mẫu phiếu,Phiếu PAR',
      'Năm,2026',
      'Loại khảo sát,PAR',
      'Phiên bản,3',
      'Tổng điểm tối đa,"2,5"',
      'Yếu tố,ND1,Công tác chỉ đạo',
    ];
    const header = 'id,section,text,type,options,element,max_points,provenance';
    const ok = importQuestionnaire(
      csv(block, header, [
        'c1,a,Câu 1,single,1=Tốt|2=Kém,ND1,"1,5",adapted',
        'c2,a,Câu 2,single,1=Tốt|2=Kém,ND1,1,adapted',
      ]),
    );
    expect(ok.declaredMaxPoints).toBe(2.5);
    expect(ok.sections[0]?.questions.map((q) => q.maxPoints)).toEqual([1.5, 1]);
    // The total is checked by the template's structural checks and reported on the template.
    const wrong = issuesOf(() =>
      importQuestionnaire(
        csv(block, header, [
          'c1,a,Câu 1,single,1=Tốt|2=Kém,ND1,1,adapted',
          'c2,a,Câu 2,single,1=Tốt|2=Kém,ND1,1,adapted',
        ]),
      ),
    );
    expect(wrong.map((i) => [i.where, i.code])).toEqual([['mẫu phiếu "par-2026"', 'WEIGHTS_MISMATCH']]);
    // PAR has no default elements: an undeclared one is unknown, with a hint where to declare it.
    const undeclared = issuesOf(() =>
      importQuestionnaire(csv(block.slice(0, 5), header, ['c1,a,Câu 1,single,1=Tốt,ND9,1,adapted'])),
    );
    expect(undeclared[0]?.code).toBe('UNKNOWN_ELEMENT');
    expect(undeclared[0]?.message).toContain('khai báo ở phần đầu bảng');
  });

  it('reads a sheet with empty cells as holes and numbers as numbers (what XLSX readers give)', () => {
    const grid: unknown[][] = [
      ['Mã mẫu phiếu', 'x-1'],
      ['Tên mẫu phiếu', 'X'],
      ['Năm', 2026],
      ['Loại khảo sát', 'PAR'],
      ['Phiên bản', 1],
      ['Tổng điểm tối đa', 1.5],
      ['Yếu tố', 'A', 'Nội dung A'],
      [],
      ['id', 'section', 'text', 'type', 'options', 'element', 'max_points', 'provenance', 'required'],
      // biome-ignore lint/suspicious/noSparseArray: an XLSX row with an empty cell
      ['c1', 's', 'Câu 1', 'single', '1=Tốt', 'A', 1.5, 'adapted', , true],
      ['c2', 's', 'Câu 2', 'text', null, undefined, undefined, 'adapted', 1],
    ];
    const t = importQuestionnaireGrid(grid);
    expect(t.sections[0]?.questions.map((q) => [q.id, q.maxPoints, q.required])).toEqual([
      ['c1', 1.5, false],
      ['c2', undefined, true],
    ]);
  });

  it('refuses a sheet too large to be a form before reading it', () => {
    const rows = Array.from({ length: 2001 }, (_, i) => [`q${i}`, 's', 'Câu', 'text']);
    expect(codes(issuesOf(() => importQuestionnaireGrid(rows)))).toEqual(['TOO_MANY_ROWS']);
    const records = rows.map((r, i) => ({ row: i + 2, cells: { id: r[0] as string } }));
    expect(codes(issuesOf(() => importQuestionnaire(records)))).toEqual(['TOO_MANY_ROWS']);
  });

  it('normalises question ids the way the layout documents', () => {
    expect(['S1.1', 's1-1', ' S1 1 ', 'Đ_2'].map(normaliseQuestionId)).toEqual([
      's1_1',
      's1_1',
      's1_1',
      'd_2',
    ]);
  });
});

describe('export back to the layout', () => {
  it.each([
    ['the 2026 example', importQuestionnaire(EXAMPLE)],
    ['the built-in SIPAS 2024 form', SIPAS_2024],
    ['the built-in PAR 2024 form (points, target levels)', PAR_PROVINCE_2024],
  ])('round-trips %s through CSV and through a grid', (_label, template) => {
    expect(importQuestionnaire(questionnaireToCsv(template))).toEqual(template);
    expect(importQuestionnaire(questionnaireToCsv(template, { delimiter: ';', bom: false }))).toEqual(
      template,
    );
    expect(importQuestionnaireGrid(questionnaireToGrid(template))).toEqual(template);
  });

  it('writes a formula-safe, Excel-friendly file', () => {
    const t = structuredClone(SIPAS_2024);
    t.sections[0]!.questions[0]!.text = '=HYPERLINK("x")';
    const text = questionnaireToCsv(t);
    expect(text.startsWith('\uFEFFMã mẫu phiếu,sipas-2024-v1\r\n')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(importQuestionnaire(text).sections[0]?.questions[0]?.text).toBe('=HYPERLINK("x")');
  });

  it('refuses to export an option the layout cannot hold', () => {
    const t = structuredClone(SIPAS_2024);
    t.sections[0]!.questions[0]!.options![0]!.label = 'Có | Không';
    expect(issuesOf(() => questionnaireToGrid(t)).map((i) => [i.where, i.code])).toEqual([
      ['câu hỏi "nd_1"', 'UNEXPORTABLE_OPTION'],
    ]);
  });

  it('reads the rated levels of a PAR form in Vietnamese and refuses an unknown one', () => {
    const block = ['Mã mẫu phiếu,par-x', 'Tên mẫu phiếu,PAR', 'Năm,2026', 'Loại khảo sát,PAR', 'Phiên bản,1'];
    const rows = ['c1,a,Câu 1,text,,,,,,adapted,'];
    expect(
      importQuestionnaire(csv([...block, 'Cấp được đánh giá,Sở|cấp xã'], HEADER, rows)).targetLevels,
    ).toEqual(['department', 'commune']);
    expect(
      codes(issuesOf(() => importQuestionnaire(csv([...block, 'Cấp được đánh giá,tỉnh'], HEADER, rows)))),
    ).toEqual(['INVALID_META']);
  });
});

describe('JSON path', () => {
  const template = importQuestionnaire(EXAMPLE);

  it('accepts the template as JSON text or value and gives it back unchanged', () => {
    expect(importQuestionnaireJson(JSON.stringify(template))).toEqual(template);
    expect(importQuestionnaireJson(structuredClone(template))).toEqual(template);
  });

  it('refuses the same three mistakes with the same codes, naming the question', () => {
    const json = structuredClone(template) as QuestionnaireTemplate;
    const dv = json.sections[2]!;
    delete dv.questions[5]!.elementCode; // s2_3
    dv.questions[9]!.id = 's3_1'; // s3_2 → duplicate
    (json.sections[0]!.questions[3] as { type: string }).type = 'likert'; // nd_4
    const issues = issuesOf(() => importQuestionnaireJson(json));
    expect(codes(issues)).toEqual(['UNKNOWN_TYPE']);
    expect(issues[0]?.where).toBe('câu hỏi "nd_4" (type)');
    // Schema problems come first (as for any template); with the type fixed the structure is checked.
    (json.sections[0]!.questions[3] as { type: string }).type = 'single';
    expect(issuesOf(() => importQuestionnaireJson(json)).map((i) => [i.where, i.code])).toEqual([
      ['câu hỏi "s2_3"', 'ITEM_WITHOUT_ELEMENT'],
      ['câu hỏi "s3_1"', 'DUPLICATE_ID'],
    ]);
  });

  it('refuses text that is not JSON', () => {
    expect(codes(issuesOf(() => importQuestionnaireJson('{"id": ')))).toEqual(['MALFORMED_JSON']);
  });
});
