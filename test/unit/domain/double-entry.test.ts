import { describe, expect, it } from 'vitest';
import {
  AnswerIssuesError,
  auditEntrySchema,
  changeAudit,
  compareEntries,
  resolutionAudit,
  resolveEntry,
} from '../../../shared/domain/index.ts';
import { miniTemplate } from './support/sipas-forms.ts';

const t = miniTemplate();

const thrown = (fn: () => unknown): AnswerIssuesError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AnswerIssuesError) return error;
    throw error;
  }
  throw new Error('expected AnswerIssuesError');
};

describe('compareEntries', () => {
  it('two identical entries match; multi choices compare as sets', () => {
    const a = { p1_1: 4, mm_1: ['a', 'b'], yk: 'Tốt' };
    expect(compareEntries(t, a, { yk: 'Tốt', mm_1: ['b', 'a'], p1_1: 4 })).toEqual({
      match: true,
      mismatches: [],
    });
  });

  it('lists mismatches field by field in template order, with null for "not answered"', () => {
    const first = { p1_1: 4, s1_1: 2, mm_1: ['a'], yk: 'Tốt' };
    const second = { p1_1: 4, s1_1: 3, p2_1: 5, mm_1: ['a', 'b'], yk: 'Tot' };
    expect(compareEntries(t, first, second)).toEqual({
      match: false,
      mismatches: [
        { questionId: 'p2_1', first: null, second: 5 },
        { questionId: 's1_1', first: 2, second: 3 },
        { questionId: 'mm_1', first: ['a'], second: ['a', 'b'] },
        { questionId: 'yk', first: 'Tốt', second: 'Tot' },
      ],
    });
    // a number and the same digits as text are different keyings
    expect(compareEntries(t, { p1_1: 4 }, { p1_1: '4' as unknown as number }).match).toBe(false);
  });
});

describe('resolveEntry', () => {
  const first = { p1_1: 4, s1_1: 2, yk: 'Tốt' };
  const second = { p1_1: 4, s1_1: 3, p2_1: 5, yk: 'Tốt' };

  it('applies the supervisor decisions and returns checked answers', () => {
    expect(resolveEntry(t, first, second, { s1_1: 3, p2_1: null })).toEqual({ p1_1: 4, s1_1: 3, yk: 'Tốt' });
    expect(resolveEntry(t, first, second, { s1_1: 2, p2_1: 5 })).toEqual({
      p1_1: 4,
      s1_1: 2,
      p2_1: 5,
      yk: 'Tốt',
    });
  });

  it('refuses a missing decision, a decision on an agreed or unknown question, and an invalid value', () => {
    expect(thrown(() => resolveEntry(t, first, second, { s1_1: 3 })).issues).toEqual([
      {
        path: 'p2_1',
        questionId: 'p2_1',
        code: 'MISSING_RESOLUTION',
        message: 'Câu P2.1 "Câu p2_1": hai lần nhập khác nhau, cần chọn giá trị đúng.',
      },
    ]);
    expect(
      thrown(() => resolveEntry(t, first, second, { s1_1: 3, p2_1: 5, p1_1: 5, zz: 1 })).issues.map(
        (i) => `${i.path}|${i.code}|${i.message}`,
      ),
    ).toEqual([
      'p1_1|NOT_A_MISMATCH|Câu P1.1 "Câu p1_1": hai lần nhập đã khớp, không cần phân xử.',
      'zz|NOT_A_MISMATCH|Mẫu phiếu không có câu hỏi mã "zz".',
    ]);
    const bad = thrown(() => resolveEntry(t, first, second, { s1_1: 7, p2_1: null }));
    expect(bad.code).toBe('INVALID_ANSWERS');
    expect(bad.issues.map((i) => `${i.path}|${i.code}`)).toEqual(['s1_1|INVALID_SCALE']);
  });
});

describe('audit trail', () => {
  const actor = { by: 'op_sup1', at: '2026-12-01T10:00:00.000Z' };

  it('the schema accepts the four actions and refuses incomplete lines', () => {
    expect(auditEntrySchema.parse({ ...actor, action: 'KEYED_FIRST' })).toEqual({
      ...actor,
      action: 'KEYED_FIRST',
    });
    expect(auditEntrySchema.safeParse({ ...actor, action: 'KEYED_SECOND' }).success).toBe(true);
    expect(
      auditEntrySchema.safeParse({ ...actor, action: 'RESOLVED', questionId: 's1_1', before: 2, after: 3 })
        .success,
    ).toBe(true);
    const noQuestion = auditEntrySchema.safeParse({ ...actor, action: 'RESOLVED', before: 2, after: 3 });
    expect(noQuestion.success ? [] : noQuestion.error.issues.map((i) => i.message)).toEqual([
      'thao tác RESOLVED phải nêu câu hỏi',
    ]);
    const noReason = auditEntrySchema.safeParse({
      ...actor,
      action: 'CHANGED',
      questionId: 'yk',
      before: 'a',
      after: 'b',
    });
    expect(noReason.success ? [] : noReason.error.issues.map((i) => i.message)).toEqual([
      'sửa câu trả lời đã lưu phải nêu lý do',
    ]);
    expect(auditEntrySchema.safeParse({ ...actor, action: 'KEYED_FIRST', questionId: 'yk' }).success).toBe(
      false,
    );
    expect(auditEntrySchema.safeParse({ ...actor, action: 'DELETED' }).success).toBe(false);
    expect(auditEntrySchema.safeParse({ ...actor, at: 'yesterday', action: 'KEYED_FIRST' }).success).toBe(
      false,
    );
    expect(
      auditEntrySchema.safeParse({ ...actor, action: 'KEYED_FIRST', name: 'Nguyễn Văn A' }).success,
    ).toBe(false);
  });

  it('resolutionAudit: one RESOLVED line per mismatch, before = first entry, after = stored', () => {
    const first = { s1_1: 2 };
    const second = { s1_1: 3, p2_1: 5 };
    const comparison = compareEntries(t, first, second);
    const resolved = resolveEntry(t, first, second, { s1_1: 3, p2_1: null });
    expect(resolutionAudit(comparison, resolved, actor)).toEqual([
      { ...actor, action: 'RESOLVED', questionId: 'p2_1', before: null, after: null },
      { ...actor, action: 'RESOLVED', questionId: 's1_1', before: 2, after: 3 },
    ]);
  });

  it('changeAudit: one CHANGED line per changed question, with the reason', () => {
    expect(
      changeAudit(
        t,
        { s1_1: 2, yk: 'a' },
        { s1_1: 2, yk: 'b', p1_1: 1 },
        { ...actor, reason: 'Sai khi nhập' },
      ),
    ).toEqual([
      { ...actor, action: 'CHANGED', questionId: 'p1_1', before: null, after: 1, reason: 'Sai khi nhập' },
      { ...actor, action: 'CHANGED', questionId: 'yk', before: 'a', after: 'b', reason: 'Sai khi nhập' },
    ]);
    expect(changeAudit(t, { s1_1: 2 }, { s1_1: 2 }, { ...actor, reason: 'x' })).toEqual([]);
  });
});
