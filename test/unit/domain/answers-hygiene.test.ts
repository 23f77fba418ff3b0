import { describe, expect, it } from 'vitest';
import {
  answersFromFormFields,
  checkAnswers,
  checkSubmission,
  getTemplate,
  inspectStructure,
  parseTemplate,
  questionLabel,
  questionNumber,
  sanitizeText,
  validateAnswers,
} from '../../../shared/domain/index.ts';

/** A small form with one question of each type; s1_2 and gt are required. */
const t = parseTemplate({
  id: 'hygiene-v1',
  kind: 'SIPAS',
  year: 2024,
  version: 1,
  title: 'Mẫu thử',
  scale: {
    min: 1,
    max: 5,
    labels: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
    satisfiedLevels: [4, 5],
  },
  elements: [{ code: 'S1', name: 'Tiếp cận dịch vụ' }],
  sections: [
    {
      id: 'hai_long',
      title: 'Hài lòng',
      questions: [
        {
          id: 's1_1',
          type: 'scale',
          text: 'Biển hiệu rõ ràng',
          required: false,
          elementCode: 'S1',
          provenance: 'adapted',
        },
        {
          id: 's1_2',
          type: 'scale',
          text: 'Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi, bàn viết cho người dân chờ và viết hồ sơ',
          required: true,
          elementCode: 'S1',
          provenance: 'adapted',
        },
      ],
    },
    {
      id: 'khac',
      title: 'Khác',
      questions: [
        {
          id: 'gt',
          type: 'single',
          text: 'Giới tính',
          required: true,
          options: [
            { value: '1', label: 'Nam' },
            { value: '2', label: 'Nữ' },
          ],
          provenance: 'adapted',
        },
        {
          id: 'mm',
          type: 'multi',
          text: 'Mong muốn',
          required: false,
          maxSelections: 2,
          options: [
            { value: 'a', label: 'A' },
            { value: 'b', label: 'B' },
            { value: 'c', label: 'C' },
          ],
          provenance: 'adapted',
        },
        { id: 'yk', type: 'text', text: 'Ý kiến khác', required: false, maxLength: 5, provenance: 'adapted' },
      ],
    },
  ],
});

const S12 = 'Câu S1.2 "Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi, bàn viết cho…"';
const valid = { s1_2: 4, gt: '2' };
const body = (answers: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  token: 'x'.repeat(20),
  answers,
  ...extra,
});
const issuesOf = (b: unknown, options?: Parameters<typeof checkSubmission>[2]) => {
  const r = checkSubmission(t, b, options);
  return r.ok ? [] : r.issues;
};

describe('question numbers and labels', () => {
  it('element-coded ids read as "S1.2"; other ids by their position; long texts clipped at a word', () => {
    expect(questionNumber(t, 's1_2')).toBe('S1.2');
    expect(questionNumber(t, 'gt')).toBe('3');
    expect(questionNumber(t, 'yk')).toBe('5');
    expect(questionNumber(getTemplate('par-province-2024-v1'), 'lv3_1')).toBe('LV3.1');
    expect(questionLabel(t, t.sections[0]!.questions[1]!)).toBe(S12);
    expect(questionLabel(t, t.sections[1]!.questions[0]!)).toBe('Câu 3 "Giới tính"');
  });
});

describe('question numbers on the real templates', () => {
  it('every question of the registered templates has a distinct number', () => {
    for (const id of ['sipas-2024-v1', 'par-province-2024-v1']) {
      const tpl = getTemplate(id);
      const all = tpl.sections.flatMap((s) => s.questions).map((q) => questionNumber(tpl, q.id));
      expect(new Set(all).size).toBe(all.length);
    }
  });

  it('SIPAS: a string scale answer names item S1.2 by number and text', () => {
    const sipas = getTemplate('sipas-2024-v1');
    expect(checkSubmission(sipas, { token: 't', answers: { s1_2: '4' } })).toEqual({
      ok: false,
      issues: [
        {
          path: 's1_2',
          questionId: 's1_2',
          code: 'INVALID_SCALE',
          message: `${S12}: chỉ chọn một mức từ 1 đến 5.`,
        },
      ],
    });
  });
});

describe('checkSubmission: typed answers (rule 17)', () => {
  it('accepts a valid body and returns only template answers, text cleaned', () => {
    const r = checkSubmission(t, body({ ...valid, s1_1: 1, mm: ['c', 'a'], yk: ' Tốt ', s1_1x: undefined }));
    expect(r.ok).toBe(false); // s1_1x is not a question
    const ok = checkSubmission(t, body({ ...valid, s1_1: 1, mm: ['c', 'a'], yk: ' To\u0302\u0301t ' }));
    expect(ok).toEqual({ ok: true, answers: { s1_1: 1, s1_2: 4, gt: '2', mm: ['c', 'a'], yk: 'Tốt' } });
  });

  it('scale: a JSON integer within 1–5; "4", 4.5, 0, 6, true and [4] are INVALID_SCALE', () => {
    for (const bad of ['4', 4.5, 0, 6, true, [4], Number.POSITIVE_INFINITY]) {
      expect(issuesOf(body({ ...valid, s1_2: bad }))).toEqual([
        {
          path: 's1_2',
          questionId: 's1_2',
          code: 'INVALID_SCALE',
          message: `${S12}: chỉ chọn một mức từ 1 đến 5.`,
        },
      ]);
    }
  });

  it('single: an option value (a string); multi: an array of distinct options, at most maxSelections', () => {
    const one = (answers: Record<string, unknown>) =>
      issuesOf(body({ ...valid, ...answers })).map((i) => `${i.path}|${i.code}|${i.message}`);
    expect(one({ gt: 2 })).toEqual([
      'gt|INVALID_OPTION|Câu 3 "Giới tính": chỉ chọn một trong các phương án đã cho (1, 2).',
    ]);
    expect(one({ gt: '3' })).toHaveLength(1);
    expect(one({ mm: 'a' })).toEqual([
      'mm|INVALID_MULTI|Câu 4 "Mong muốn": câu nhiều lựa chọn phải gửi danh sách các phương án.',
    ]);
    expect(one({ mm: ['a', 'z'] })).toEqual([
      'mm|INVALID_OPTION|Câu 4 "Mong muốn": phương án "z" không có trong câu hỏi.',
    ]);
    expect(one({ mm: ['a', 1] })).toEqual([
      'mm|INVALID_OPTION|Câu 4 "Mong muốn": phương án "1" không có trong câu hỏi.',
    ]);
    expect(one({ mm: ['a', 'a'] })).toEqual([
      'mm|INVALID_MULTI|Câu 4 "Mong muốn": phương án "a" được chọn hai lần.',
    ]);
    expect(one({ mm: ['a', 'b', 'c'] })).toEqual([
      'mm|INVALID_MULTI|Câu 4 "Mong muốn": chỉ được chọn tối đa 2 phương án.',
    ]);
    expect(one({ mm: [] })).toEqual([]); // empty list = not answered
    expect(one({ yk: 5 })).toEqual(['yk|INVALID_TEXT|Câu 5 "Ý kiến khác": câu trả lời phải là văn bản.']);
  });

  it('required items, unknown question ids and extra top-level fields are all reported, in order', () => {
    expect(issuesOf(body({ zz: 1, s1_1: 3 }, { extra: true, role: 'admin' }))).toEqual([
      {
        path: 'extra',
        code: 'UNKNOWN_FIELD',
        message: 'Trường "extra" không được chấp nhận; chỉ nhận: token, answers.',
      },
      {
        path: 'role',
        code: 'UNKNOWN_FIELD',
        message: 'Trường "role" không được chấp nhận; chỉ nhận: token, answers.',
      },
      { path: 'answers.zz', code: 'UNKNOWN_QUESTION', message: 'Mẫu phiếu không có câu hỏi mã "zz".' },
      { path: 's1_2', questionId: 's1_2', code: 'REQUIRED', message: `${S12}: bắt buộc trả lời.` },
      { path: 'gt', questionId: 'gt', code: 'REQUIRED', message: 'Câu 3 "Giới tính": bắt buộc trả lời.' },
    ]);
    // the allowed set is configurable (e.g. the paper-entry API)
    expect(
      checkSubmission(
        t,
        { code: 'ABC', operatorId: 'op1', answers: valid },
        {
          allowedFields: ['code', 'operatorId', 'answers'],
        },
      ).ok,
    ).toBe(true);
    expect(issuesOf({ answers: valid, operatorId: 'op1' }).map((i) => i.code)).toEqual(['UNKNOWN_FIELD']);
  });

  it('a body or answers that is not an object is INVALID_BODY', () => {
    for (const b of [null, [], 'x', 5, new Date()]) {
      expect(issuesOf(b)).toEqual([
        { path: '', code: 'INVALID_BODY', message: 'Nội dung gửi lên phải là một đối tượng JSON.' },
      ]);
    }
    expect(issuesOf({ token: 't', answers: [1] })).toEqual([
      {
        path: 'answers',
        code: 'INVALID_BODY',
        message: 'Trường "answers" phải là một đối tượng JSON (mã câu hỏi → câu trả lời).',
      },
    ]);
    expect(issuesOf({ token: 't' }).map((i) => i.code)).toEqual(['INVALID_BODY']);
  });

  it('the issue list is capped, with the rest counted', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`q${i}`, 1]));
    const issues = issuesOf(body({ ...valid, ...many }), { maxIssues: 10 });
    expect(issues).toHaveLength(11);
    expect(issues[10]).toEqual({
      path: '',
      code: 'TOO_MANY_ISSUES',
      message: 'Còn 20 lỗi khác không liệt kê.',
    });
  });
});

describe('checkSubmission: prototype-pollution keys and nesting', () => {
  it('refuses __proto__ from JSON.parse and pollutes nothing', () => {
    const raw = JSON.parse('{"token":"t","answers":{"s1_2":4,"gt":"1"},"__proto__":{"polluted":1}}');
    expect(issuesOf(raw)).toEqual([
      {
        path: '__proto__',
        code: 'FORBIDDEN_KEY',
        message: 'Khóa "__proto__" (tại "__proto__") không được phép trong dữ liệu gửi lên.',
      },
    ]);
    const bare = JSON.parse('{"__proto__":{"x":1}}');
    expect(issuesOf(bare).map((i) => i.code)).toEqual(['FORBIDDEN_KEY']);
    expect(checkAnswers(t, bare).ok).toBe(false);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('refuses constructor / prototype anywhere, naming the question when inside an answer', () => {
    const raw = JSON.parse(
      '{"token":"t","answers":{"s1_2":4,"gt":"1","constructor":{"prototype":{"x":1}},"mm":[{"prototype":1}]}}',
    );
    expect(issuesOf(raw)).toEqual([
      {
        path: 'answers.constructor',
        code: 'FORBIDDEN_KEY',
        message: 'Khóa "constructor" (tại "answers.constructor") không được phép trong dữ liệu gửi lên.',
      },
      {
        path: 'mm',
        questionId: 'mm',
        code: 'FORBIDDEN_KEY',
        message: 'Câu 4 "Mong muốn": khóa "prototype" không được phép trong dữ liệu gửi lên.',
      },
    ]);
    // the earlier answers-only check still refuses them (as unknown questions)
    const legacy = validateAnswers(t, JSON.parse('{"s1_2":4,"gt":"1","__proto__":{"x":1}}'));
    expect(legacy.ok).toBe(false);
  });

  it('refuses nesting deeper than the limit without walking the whole depth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(issuesOf(body({ ...valid, mm: deep }))).toEqual([
      {
        path: 'mm',
        questionId: 'mm',
        code: 'TOO_DEEP',
        message: 'Câu 4 "Mong muốn": câu trả lời lồng nhau quá sâu (tối đa 4 cấp).',
      },
    ]);
    expect(issuesOf({ token: 't', answers: valid, x: { y: { z: { w: {} } } } })).toEqual([
      {
        path: 'x.y.z.w',
        code: 'TOO_DEEP',
        message: 'Dữ liệu gửi lên lồng nhau quá sâu (tối đa 4 cấp) tại "x.y.z.w".',
      },
    ]);
    // depth 3 (body → answers → multi array) is the normal shape
    expect(inspectStructure(body({ ...valid, mm: ['a'] }))).toEqual([]);
    expect(inspectStructure(body({ mm: [[['a']]] }))).toEqual([
      { path: 'answers.mm[0][0]', code: 'TOO_DEEP' },
    ]);
    expect(inspectStructure(body({ mm: [[['a']]] }), 5)).toEqual([]);
    expect(inspectStructure(body({ mm: [[['a']]] }), 3)).toEqual([
      { path: 'answers.mm[0]', code: 'TOO_DEEP' },
    ]);
  });
});

describe('free text hygiene', () => {
  it('NFC, lone surrogates → U+FFFD, NUL and C0 controls except \\n and \\t removed, trimmed', () => {
    expect(sanitizeText('a\u0000b\u0007c\r\nd\te\u001f')).toBe('abc\nd\te');
    expect(sanitizeText('x\ud800y')).toBe('x\ufffdy');
    expect(sanitizeText('x\udc00')).toBe('x\ufffd');
    expect(sanitizeText('\ud83d\ude00 ok')).toBe('\ud83d\ude00 ok'); // a valid pair stays
    expect(sanitizeText('Cho\u0302\u0303')).toBe('Chỗ');
    expect(sanitizeText('\u0000 \u0001')).toBe('');
  });

  it('is applied to stored answers; length counts characters after cleaning (TOO_LONG)', () => {
    const r = checkSubmission(t, body({ ...valid, yk: '\u0000A\ud800\r\nB' }));
    expect(r).toEqual({ ok: true, answers: { ...valid, yk: 'A\ufffd\nB' } });
    // five composed characters written decomposed (10 UTF-16 units) pass, six do not
    expect(checkSubmission(t, body({ ...valid, yk: 'ộộộộộ'.normalize('NFD') })).ok).toBe(true);
    expect(issuesOf(body({ ...valid, yk: 'ộộộộộộ' }))).toEqual([
      {
        path: 'yk',
        questionId: 'yk',
        code: 'TOO_LONG',
        message: 'Câu 5 "Ý kiến khác": câu trả lời dài 6 ký tự, tối đa 5 ký tự.',
      },
    ]);
    // only controls → not answered
    expect(checkSubmission(t, body({ ...valid, yk: '\u0000\u0001' }))).toEqual({ ok: true, answers: valid });
    // validateAnswers cleans text the same way
    expect(validateAnswers(t, { ...valid, yk: 'a\u0000b' })).toEqual({
      ok: true,
      answers: { ...valid, yk: 'ab' },
    });
  });
});

describe('form post → the same checks', () => {
  const questions = t.sections.flatMap((s) => s.questions);
  it('types scale values written as integers only; collects multi values; keeps other fields for refusal', () => {
    const fields = new URLSearchParams('s1_2=4&gt=2&mm=a&mm=c&yk=T%E1%BB%91t%0D%0A%C3%A0&s1_1=');
    const answers = answersFromFormFields(questions, fields);
    expect(answers).toEqual({ s1_2: 4, gt: '2', mm: ['a', 'c'], yk: 'Tốt\r\nà' });
    expect(checkSubmission(t, answers, { answersField: null, allowedFields: [] })).toEqual({
      ok: true,
      answers: { s1_2: 4, gt: '2', mm: ['a', 'c'], yk: 'Tốt\nà' },
    });
    for (const bad of ['4.5', ' 4', '04', '6', 'x']) {
      const r = checkAnswers(
        t,
        answersFromFormFields(questions, [
          ['s1_2', bad],
          ['gt', '1'],
        ]),
      );
      expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['INVALID_SCALE']);
    }
    const twice = answersFromFormFields(questions, [
      ['s1_2', '4'],
      ['s1_2', '5'],
      ['gt', '1'],
    ]);
    expect(checkAnswers(t, twice).ok).toBe(false);
  });

  it('refuses __proto__ / unknown fields posted as form fields, without polluting', () => {
    const answers = answersFromFormFields(questions, new URLSearchParams('s1_2=4&gt=1&__proto__=x&hack=1'));
    expect(Object.getPrototypeOf(answers)).toBe(Object.prototype);
    expect(checkAnswers(t, answers)).toEqual({
      ok: false,
      issues: [
        {
          path: '__proto__',
          code: 'FORBIDDEN_KEY',
          message: 'Khóa "__proto__" (tại "__proto__") không được phép trong dữ liệu gửi lên.',
        },
      ],
    });
    const hack = answersFromFormFields(questions, new URLSearchParams('s1_2=4&gt=1&hack=1'));
    expect(checkAnswers(t, hack)).toEqual({
      ok: false,
      issues: [{ path: 'hack', code: 'UNKNOWN_QUESTION', message: 'Mẫu phiếu không có câu hỏi mã "hack".' }],
    });
    // a form may carry declared non-question fields (e.g. a hidden token) that are not answers
    const withToken = answersFromFormFields(questions, new URLSearchParams('s1_2=4&gt=1&token=abc'));
    expect(checkSubmission(t, withToken, { answersField: null, allowedFields: ['token'] })).toEqual({
      ok: true,
      answers: { s1_2: 4, gt: '1' },
    });
  });
});
