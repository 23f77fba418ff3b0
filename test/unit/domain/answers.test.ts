import { describe, expect, it } from 'vitest';
import { getTemplate, validateAnswers } from '../../../shared/domain/index.ts';
import { miniTemplate } from './support/sipas-forms.ts';

describe('validateAnswers (data-rules rule 17)', () => {
  const t = miniTemplate();

  it('accepts typed answers, normalises text to NFC and drops empty answers', () => {
    const decomposed = 'Cho\u0302\u0303 ngo\u0302\u0300i  '; // "Chỗ ngồi" written with combining marks
    const r = validateAnswers(t, {
      p1_1: 5,
      s1_1: 1,
      mm_1: ['b', 'a'],
      yk: decomposed,
      p2_1: null,
      s1_2: undefined,
    });
    expect(r).toEqual({
      ok: true,
      answers: { p1_1: 5, s1_1: 1, mm_1: ['b', 'a'], yk: 'Chỗ ngồi'.normalize('NFC') },
    });
    if (r.ok) expect(r.answers.yk).toBe('\u0043\u0068\u1ed7 ng\u1ed3i');
    expect(validateAnswers(t, { mm_1: [], yk: '   ' })).toEqual({ ok: true, answers: {} });
  });

  it('scale: JSON integers 1–5 only', () => {
    for (const bad of [0, 6, 9, 4.5, '4', true, [4], Number.NaN]) {
      const r = validateAnswers(t, { p1_1: bad });
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.issues).toEqual([
          {
            questionId: 'p1_1',
            code: 'INVALID_ANSWER',
            message: 'câu hỏi "p1_1": phải là số nguyên từ 1 đến 5',
          },
        ]);
    }
  });

  it('single / multi / text: option values, distinct choices, max selections, max length', () => {
    const sipas = getTemplate('sipas-2024-v1');
    const codes = (answers: unknown, template = t) => {
      const r = validateAnswers(template, answers);
      return r.ok ? [] : r.issues.map((i) => `${i.questionId}:${i.code}:${i.message}`);
    };
    expect(codes({ tt_gioi_tinh: '4' }, sipas)).toEqual([
      'tt_gioi_tinh:INVALID_ANSWER:câu hỏi "tt_gioi_tinh": phải là một trong các phương án 1, 2, 3',
    ]);
    expect(codes({ tt_gioi_tinh: 1 }, sipas)).toHaveLength(1);
    expect(codes({ mm_1: 'a' })).toEqual(['mm_1:INVALID_ANSWER:câu hỏi "mm_1": phải là danh sách phương án']);
    expect(codes({ mm_1: ['a', 'c'] })).toEqual([
      'mm_1:INVALID_ANSWER:câu hỏi "mm_1": phương án "c" không có trong câu hỏi',
    ]);
    expect(codes({ mm_1: ['a', 'a'] })).toEqual([
      'mm_1:INVALID_ANSWER:câu hỏi "mm_1": có phương án bị chọn trùng',
    ]);
    expect(codes({ mm_1: ['1', '2', '3', '4'] }, sipas)).toEqual([
      'mm_1:INVALID_ANSWER:câu hỏi "mm_1": chỉ được chọn tối đa 3 phương án',
    ]);
    expect(codes({ yk: 12 })).toEqual(['yk:INVALID_ANSWER:câu hỏi "yk": phải là văn bản']);
    // maxLength 10 counts characters after NFC: 10 composed letters pass, 11 do not
    expect(codes({ yk: 'ộ'.repeat(10).normalize('NFD') })).toEqual([]);
    expect(codes({ yk: 'ộ'.repeat(11) })).toEqual(['yk:INVALID_ANSWER:câu hỏi "yk": dài quá 10 ký tự']);
    // no maxLength declared → 2,000 characters
    expect(codes({ mm_2: 'a'.repeat(2001) }, sipas)).toHaveLength(1);
  });

  it('unknown keys, required questions and a non-object body', () => {
    const par = getTemplate('par-province-2024-v1');
    const r = validateAnswers(par, JSON.parse('{"lv1_1":"A","__proto__":"x","hack":1}'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.filter((i) => i.code === 'UNKNOWN_QUESTION').map((i) => i.questionId)).toEqual([
        '__proto__',
        'hack',
      ]);
      expect(r.issues.filter((i) => i.code === 'REQUIRED')).toHaveLength(14);
      expect(r.issues.find((i) => i.code === 'REQUIRED')!.message).toBe('câu hỏi "lv1_2": bắt buộc trả lời');
    }
    for (const body of [null, [], 'x', 5, new Date()]) {
      expect(validateAnswers(t, body)).toEqual({
        ok: false,
        issues: [
          { questionId: null, code: 'INVALID_ANSWER', message: 'câu trả lời phải là một đối tượng JSON' },
        ],
      });
    }
    expect(validateAnswers(t, Object.create(null)).ok).toBe(true);
  });
});
