import { describe, expect, it } from 'vitest';
import {
  detectBursts,
  detectFastCompletion,
  detectIdenticalAnswers,
  integritySignals,
  parseIntegrityConfig,
  type SubmissionFact,
} from '../../../shared/domain/index.ts';

const at = (hhmmss: string) => `2026-12-01T${hhmmss}.000Z`;
let n = 0;
const fact = (over: Partial<SubmissionFact> & { submittedAt: string }): SubmissionFact => ({
  receiptId: `r${String(++n).padStart(2, '0')}`,
  unitCode: 'U1',
  fieldCode: 'F1',
  answersHash: `h-${n}`,
  channel: 'web',
  ...over,
});

describe('integrity config', () => {
  it('has defaults and refuses nonsense thresholds', () => {
    expect(parseIntegrityConfig()).toEqual({
      burst: { minForms: 5, windowMinutes: 10, channels: ['web'] },
      fastCompletion: { minSeconds: 60 },
      identicalAnswers: { minForms: 5 },
    });
    expect(parseIntegrityConfig({ burst: { minForms: 3 } }).burst).toEqual({
      minForms: 3,
      windowMinutes: 10,
      channels: ['web'],
    });
    expect(() => parseIntegrityConfig({ burst: { minForms: 1 } })).toThrow();
    expect(() => parseIntegrityConfig({ fastCompletion: { minSeconds: -5 } })).toThrow();
    expect(() => parseIntegrityConfig({ burts: {} })).toThrow();
  });
});

describe('bursts', () => {
  const cfg = parseIntegrityConfig({ burst: { minForms: 3, windowMinutes: 5 } });

  it('≥ K forms from one client within W minutes; overlapping windows merge into one episode', () => {
    n = 0;
    const facts = [
      fact({ clientHash: 'aaaaaaaaaaaa', submittedAt: at('10:00:00') }), // r01
      fact({ clientHash: 'aaaaaaaaaaaa', submittedAt: at('10:02:00') }), // r02
      fact({ clientHash: 'aaaaaaaaaaaa', submittedAt: at('10:04:30') }), // r03
      fact({ clientHash: 'aaaaaaaaaaaa', submittedAt: at('10:06:30'), unitCode: 'U2' }), // r04: in the window from r02
      fact({ clientHash: 'aaaaaaaaaaaa', submittedAt: at('11:00:00') }), // r05: alone
      fact({ clientHash: 'bbbbbbbbbbbb', submittedAt: at('10:01:00') }), // r06: another client, 2 forms
      fact({ clientHash: 'bbbbbbbbbbbb', submittedAt: at('10:03:00') }), // r07
      fact({ submittedAt: at('10:01:30') }), // r08: no client hash
      fact({ clientHash: 'cccccccccccc', channel: 'paper', submittedAt: at('10:00:00') }), // r09–r11: paper desk
      fact({ clientHash: 'cccccccccccc', channel: 'paper', submittedAt: at('10:00:10') }),
      fact({ clientHash: 'cccccccccccc', channel: 'paper', submittedAt: at('10:00:20') }),
    ];
    expect(detectBursts(facts, cfg)).toEqual([
      {
        kind: 'BURST',
        unitCode: 'U1',
        receiptIds: ['r01', 'r02', 'r03'],
        detail:
          '4 phiếu từ cùng một thiết bị (aaaaaaaa) trong 6,5 phút (10:00–10:06 UTC), 3 phiếu thuộc đơn vị này.',
      },
      {
        kind: 'BURST',
        unitCode: 'U2',
        receiptIds: ['r04'],
        detail:
          '4 phiếu từ cùng một thiết bị (aaaaaaaa) trong 6,5 phút (10:00–10:06 UTC), 1 phiếu thuộc đơn vị này.',
      },
    ]);
    // paper counts only when configured
    const withPaper = parseIntegrityConfig({
      burst: { minForms: 3, windowMinutes: 5, channels: ['web', 'paper'] },
    });
    expect(detectBursts(facts, withPaper).map((s) => s.receiptIds)).toEqual([
      ['r01', 'r02', 'r03'],
      ['r04'],
      ['r09', 'r10', 'r11'],
    ]);
  });

  it('exactly K within exactly W minutes is a burst; K−1, or K spread over more than W, is not', () => {
    n = 0;
    const within = [at('09:00:00'), at('09:02:00'), at('09:05:00')].map((s) =>
      fact({ clientHash: 'dddddddd', submittedAt: s }),
    );
    expect(detectBursts(within, cfg).map((s) => s.detail)).toEqual([
      '3 phiếu từ cùng một thiết bị (dddddddd) trong 5 phút (09:00–09:05 UTC).',
    ]);
    const spread = [at('09:00:00'), at('09:02:00'), at('09:05:01')].map((s) =>
      fact({ clientHash: 'dddddddd', submittedAt: s }),
    );
    expect(detectBursts(spread, cfg)).toEqual([]);
    expect(detectBursts(within.slice(0, 2), cfg)).toEqual([]);
  });
});

describe('fast completion', () => {
  it('writes seconds with a decimal comma, one decimal at most (5,1 giây — never 5.134)', () => {
    n = 0;
    const facts = [fact({ openedAt: '2026-03-01T10:00:00.000Z', submittedAt: '2026-03-01T10:00:05.134Z' })];
    expect(detectFastCompletion(facts, parseIntegrityConfig())[0]?.detail).toBe(
      'Phiếu hoàn thành trong 5,1 giây (ngưỡng 60 giây).',
    );
  });

  it('flags forms submitted less than the threshold after opening, and clock-skewed ones', () => {
    n = 0;
    const facts = [
      fact({ openedAt: at('10:00:00'), submittedAt: at('10:00:42') }), // r01: 42 s
      fact({ openedAt: at('10:00:00'), submittedAt: at('10:01:00') }), // r02: exactly 60 s → fine
      fact({ submittedAt: at('10:00:05') }), // r03: no openedAt (paper)
      fact({ openedAt: at('10:00:10'), submittedAt: at('10:00:00'), unitCode: 'U2' }), // r04: opened after
    ];
    const cfg = parseIntegrityConfig();
    expect(detectFastCompletion(facts, cfg)).toEqual([
      {
        kind: 'FAST_COMPLETION',
        unitCode: 'U2',
        receiptIds: ['r04'],
        detail:
          'Thời điểm mở phiếu muộn hơn thời điểm gửi (10 giây): đồng hồ thiết bị sai hoặc dữ liệu bị sửa.',
      },
      {
        kind: 'FAST_COMPLETION',
        unitCode: 'U1',
        receiptIds: ['r01'],
        detail: 'Phiếu hoàn thành trong 42 giây (ngưỡng 60 giây).',
      },
    ]);
    expect(
      detectFastCompletion(facts, parseIntegrityConfig({ fastCompletion: { minSeconds: 30 } })).length,
    ).toBe(1);
  });
});

describe('identical answers', () => {
  it('the same answers hash on ≥ K forms of one unit (not across units)', () => {
    n = 0;
    const facts = [
      fact({ answersHash: 'f00dfeed1234', submittedAt: at('10:03:00') }), // r01
      fact({ answersHash: 'f00dfeed1234', submittedAt: at('10:01:00') }), // r02
      fact({ answersHash: 'f00dfeed1234', submittedAt: at('10:02:00'), channel: 'paper' }), // r03
      fact({ answersHash: 'f00dfeed1234', submittedAt: at('10:04:00'), unitCode: 'U2' }), // r04
      fact({ answersHash: 'f00dfeed1234', submittedAt: at('10:05:00'), unitCode: 'U2' }), // r05
    ];
    expect(
      detectIdenticalAnswers(facts, parseIntegrityConfig({ identicalAnswers: { minForms: 3 } })),
    ).toEqual([
      {
        kind: 'IDENTICAL_ANSWERS',
        unitCode: 'U1',
        receiptIds: ['r02', 'r03', 'r01'],
        detail: '3 phiếu của đơn vị có câu trả lời giống hệt nhau (mã băm f00dfeed).',
      },
    ]);
    expect(
      detectIdenticalAnswers(facts, parseIntegrityConfig({ identicalAnswers: { minForms: 2 } })).length,
    ).toBe(2);
  });
});

describe('integritySignals', () => {
  it('validates facts and config, runs every detector and sorts by unit, kind, time', () => {
    n = 0;
    const facts = [
      fact({ unitCode: 'U2', openedAt: at('10:00:00'), submittedAt: at('10:00:20'), answersHash: 'same' }), // r01
      fact({ unitCode: 'U2', submittedAt: at('10:10:00'), answersHash: 'same' }), // r02
      fact({ unitCode: 'U1', clientHash: 'eeeeeeee', submittedAt: at('10:00:00') }), // r03
      fact({ unitCode: 'U1', clientHash: 'eeeeeeee', submittedAt: at('10:01:00'), openedAt: at('10:00:30') }), // r04
    ];
    const config = { burst: { minForms: 2 }, identicalAnswers: { minForms: 2 } };
    expect(
      integritySignals(facts, config).map((s) => `${s.unitCode} ${s.kind} ${s.receiptIds.join(',')}`),
    ).toEqual([
      'U1 BURST r03,r04',
      'U1 FAST_COMPLETION r04',
      'U2 FAST_COMPLETION r01',
      'U2 IDENTICAL_ANSWERS r01,r02',
    ]);
    expect(integritySignals(facts)).toEqual([
      {
        kind: 'FAST_COMPLETION',
        unitCode: 'U1',
        receiptIds: ['r04'],
        detail: 'Phiếu hoàn thành trong 30 giây (ngưỡng 60 giây).',
      },
      {
        kind: 'FAST_COMPLETION',
        unitCode: 'U2',
        receiptIds: ['r01'],
        detail: 'Phiếu hoàn thành trong 20 giây (ngưỡng 60 giây).',
      },
    ]);
    expect(() => integritySignals([{ ...facts[0], submittedAt: 'soon' }])).toThrow();
    expect(() => integritySignals(facts, { burst: { windowMinutes: 0 } })).toThrow();
    expect(integritySignals([])).toEqual([]);
  });
});
