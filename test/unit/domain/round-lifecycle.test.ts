import { describe, expect, it } from 'vitest';
import {
  applyTransition,
  assertAllowed,
  availableTransitions,
  ConfigError,
  canDraw,
  canEnterPaper,
  canFixSeed,
  canPublish,
  canScore,
  canSubmit,
  canUploadRoster,
  checkTransition,
  DEFAULT_LIFECYCLE,
  type Decision,
  dueTransitions,
  type LifecycleRound,
  parseRoundSchedule,
  ROUND_STATES,
  type RoundState,
  RoundStateError,
  resolveLifecycleConfig,
  roundStateOf,
  ScheduleError,
  scheduleInstant,
} from '../../../shared/domain/index.ts';

/** Schedule of the examples: rosters until the end of 22/9, distribution from 1/10, fieldwork to 31/10. */
const SCHEDULE = {
  rostersDeadline: '2026-09-22',
  distributionDate: '2026-10-01',
  fieldworkEnd: '2026-10-31',
};
/** Local end of 22/9 (UTC+7) = 17:00 UTC. */
const DEADLINE = new Date('2026-09-22T17:00:00Z');
const BEFORE = new Date(DEADLINE.getTime() - 1);
const round = (status: string, extra: Partial<LifecycleRound> = {}): LifecycleRound => ({
  status,
  schedule: SCHEDULE,
  ...extra,
});
const code = (d: Decision) => (d.ok ? 'OK' : d.code);
const ADMIN = { roles: ['admin'] };
const SCHEDULER = { roles: ['schedule'] };
const SYSTEM = { roles: ['system'] };

describe('states', () => {
  it('are exactly the eight of the plan, in order, with PLANNED read as ROSTERS_OPEN', () => {
    expect(ROUND_STATES).toEqual([
      'DRAFT',
      'ROSTERS_OPEN',
      'ROSTERS_CLOSED',
      'SAMPLED',
      'IN_FIELD',
      'CLOSED',
      'SCORED',
      'PUBLISHED',
    ]);
    expect(roundStateOf('PLANNED')).toBe('ROSTERS_OPEN');
    expect(roundStateOf('SAMPLED')).toBe('SAMPLED');
    expect(roundStateOf('FRAME_COLLECTED')).toBeNull();
  });

  it('refuses every guard and move on an unknown state', () => {
    const r = round('ARCHIVED');
    const now = BEFORE;
    for (const d of [
      canUploadRoster(r, now),
      canFixSeed(r, now),
      canDraw(r, now),
      canSubmit(r, now),
      canEnterPaper(r, now),
      canScore(r, now),
      canPublish(r, now),
      checkTransition(r, 'CLOSED', ADMIN, now),
    ]) {
      expect(code(d)).toBe('UNKNOWN_STATE');
    }
    expect(availableTransitions(r, ADMIN, now)).toEqual([]);
    expect(dueTransitions(r, now)).toEqual([]);
  });
});

describe('schedule', () => {
  it('reads date-only deadlines and end dates as the end of the local day, distribution as its start', () => {
    expect(scheduleInstant(SCHEDULE, 'rostersDeadline')?.toISOString()).toBe('2026-09-22T17:00:00.000Z');
    expect(scheduleInstant(SCHEDULE, 'distributionDate')?.toISOString()).toBe('2026-09-30T17:00:00.000Z');
    expect(scheduleInstant(SCHEDULE, 'fieldworkEnd')?.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(scheduleInstant({ fieldworkEnd: '2026-10-31T12:00:00Z' }, 'fieldworkEnd')?.toISOString()).toBe(
      '2026-10-31T12:00:00.000Z',
    );
    // No offset: local time.
    expect(scheduleInstant({ fieldworkEnd: '2026-10-31T12:00' }, 'fieldworkEnd')?.toISOString()).toBe(
      '2026-10-31T05:00:00.000Z',
    );
    expect(scheduleInstant({}, 'fieldworkEnd')).toBeNull();
    expect(scheduleInstant(undefined, 'fieldworkEnd')).toBeNull();
  });

  it('follows the configured offset', () => {
    const utc = resolveLifecycleConfig({ timeZoneOffsetMinutes: 0 });
    expect(scheduleInstant(SCHEDULE, 'rostersDeadline', utc)?.toISOString()).toBe('2026-09-23T00:00:00.000Z');
  });

  it('accepts a valid schedule and refuses bad dates, unknown keys and dates out of order', () => {
    expect(parseRoundSchedule(SCHEDULE)).toEqual(SCHEDULE);
    expect(parseRoundSchedule({})).toEqual({});
    const issues = (input: unknown) => {
      try {
        parseRoundSchedule(input);
      } catch (e) {
        expect(e).toBeInstanceOf(ScheduleError);
        return (e as ScheduleError).issues.map((i) => [i.where, i.code]);
      }
      throw new Error('accepted');
    };
    expect(issues({ fieldworkEnd: '2026-02-30' })).toEqual([['lịch đợt, mục fieldworkEnd', 'INVALID_DATE']]);
    expect(issues({ fieldworkEnd: '31/10/2026' })).toEqual([['lịch đợt, mục fieldworkEnd', 'INVALID_DATE']]);
    expect(issues({ closesAt: '2026-10-31' })).toEqual([['lịch đợt', 'UNKNOWN_SCHEDULE_KEY']]);
    // Distribution on the deadline day: rosters are still open all that day.
    expect(issues({ rostersDeadline: '2026-09-22', distributionDate: '2026-09-22' })).toEqual([
      ['lịch đợt, mục distributionDate', 'SCHEDULE_ORDER'],
    ]);
    expect(issues({ distributionDate: '2026-10-01', fieldworkEnd: '2026-09-30' })).toEqual([
      ['lịch đợt, mục fieldworkEnd', 'SCHEDULE_ORDER'],
    ]);
    expect(issues({ rostersDeadline: '2026-11-01', fieldworkEnd: '2026-10-31' })).toEqual([
      ['lịch đợt, mục fieldworkEnd', 'SCHEDULE_ORDER'],
    ]);
  });
});

describe('what each state allows (default lifecycle)', () => {
  const guards = {
    uploadRoster: (r: LifecycleRound) => canUploadRoster(r, BEFORE),
    fixSeed: (r: LifecycleRound) => canFixSeed(r, BEFORE),
    draw: (r: LifecycleRound) => canDraw(r, BEFORE),
    submit: (r: LifecycleRound) => canSubmit(r, BEFORE),
    enterPaper: (r: LifecycleRound) => canEnterPaper(r, BEFORE),
    score: (r: LifecycleRound) => canScore(r, BEFORE),
    publish: (r: LifecycleRound) => canPublish(r, BEFORE),
  };
  // Expected code per state, in ROUND_STATES order.
  const expected: Record<keyof typeof guards, string[]> = {
    uploadRoster: [
      'ROUND_NOT_OPEN',
      'OK',
      'ROSTERS_CLOSED',
      'ROSTERS_CLOSED',
      'ROSTERS_CLOSED',
      'ROSTERS_CLOSED',
      'ROSTERS_CLOSED',
      'ROSTERS_CLOSED',
    ],
    fixSeed: ['WRONG_STATE', 'OK', ...Array(6).fill('WRONG_STATE')],
    // ROSTERS_OPEN without a deadline: the draw closes the frame (see canDraw below for deadlines).
    draw: ['WRONG_STATE', 'OK', 'OK', 'OK', 'WRONG_STATE', 'WRONG_STATE', 'WRONG_STATE', 'WRONG_STATE'],
    submit: [
      'ROUND_NOT_OPEN',
      'ROUND_NOT_OPEN',
      'ROUND_NOT_OPEN',
      'ROUND_NOT_OPEN',
      'OK',
      'ROUND_CLOSED',
      'ROUND_CLOSED',
      'ROUND_CLOSED',
    ],
    enterPaper: [
      'ROUND_NOT_OPEN',
      'ROUND_NOT_OPEN',
      'ROUND_NOT_OPEN',
      'ROUND_NOT_OPEN',
      'OK',
      'OK',
      'ROUND_CLOSED',
      'ROUND_CLOSED',
    ],
    score: [...Array(5).fill('WRONG_STATE'), 'OK', 'OK', 'WRONG_STATE'],
    publish: [...Array(6).fill('WRONG_STATE'), 'OK', 'WRONG_STATE'],
  };
  for (const [action, guard] of Object.entries(guards) as Array<[keyof typeof guards, typeof guards.draw]>) {
    it(`${action}: ${expected[action].join(' ')}`, () => {
      expect(ROUND_STATES.map((s) => code(guard({ status: s })))).toEqual(expected[action]);
    });
  }

  it('explains a refusal in Vietnamese, naming the state and the states that allow it', () => {
    const d = canPublish({ status: 'CLOSED' }, BEFORE);
    expect(d).toEqual({
      ok: false,
      code: 'WRONG_STATE',
      message:
        'Không thể công bố kết quả khi đợt ở trạng thái "Đã kết thúc khảo sát" (chỉ khi "Đã tính điểm").',
    });
  });
});

describe('canDraw', () => {
  it('refuses a draw while rosters are open before their deadline, allows it once the deadline has passed', () => {
    const open = { status: 'ROSTERS_OPEN', schedule: { rostersDeadline: '2026-09-22' } };
    const early = canDraw(open, new Date('2026-09-22T16:59:00Z'));
    expect(early).toEqual({
      ok: false,
      code: 'ROSTERS_STILL_OPEN',
      message:
        'Đợt còn nhận danh sách đến 00:00 ngày 23/09/2026: chỉ chọn mẫu sau hạn nộp danh sách, khi khung mẫu đã đủ.',
    });
    expect(canDraw(open, new Date('2026-09-22T17:00:00Z'))).toEqual({ ok: true });
    expect(canDraw({ ...open, status: 'ROSTERS_CLOSED' }, new Date('2026-09-01T00:00:00Z'))).toEqual({
      ok: true,
    });
    expect(code(canDraw({ ...open, status: 'IN_FIELD' }, new Date('2026-10-05T00:00:00Z')))).toBe(
      'WRONG_STATE',
    );
  });

  it('a lifecycle that allows drawing while rosters are open does not wait for the deadline', () => {
    const config = resolveLifecycleConfig({
      allows: { ...DEFAULT_LIFECYCLE.allows, draw: ['ROSTERS_OPEN', 'ROSTERS_CLOSED', 'SAMPLED'] },
    });
    const open = { status: 'ROSTERS_OPEN', schedule: { rostersDeadline: '2026-09-22' } };
    expect(canDraw(open, new Date('2026-09-01T00:00:00Z'), config)).toEqual({ ok: true });
  });
});

describe('canUploadRoster', () => {
  it('accepts rosters until the end of the deadline day, and on a legacy PLANNED round', () => {
    expect(canUploadRoster(round('ROSTERS_OPEN'), BEFORE)).toEqual({ ok: true });
    expect(canUploadRoster(round('PLANNED'), BEFORE)).toEqual({ ok: true });
    expect(canUploadRoster({ status: 'ROSTERS_OPEN' }, new Date('2030-01-01'))).toEqual({ ok: true });
  });

  it('refuses a roster from the deadline on, with the local time in the message', () => {
    const d = canUploadRoster(round('ROSTERS_OPEN'), DEADLINE);
    expect(d).toMatchObject({ ok: false, code: 'ROSTERS_DEADLINE_PASSED' });
    expect(d.ok ? '' : d.message).toContain('00:00 ngày 23/09/2026');
  });

  it('accepts a late roster with an admin override and returns the reason to record', () => {
    const d = canUploadRoster(round('ROSTERS_OPEN'), DEADLINE, {
      roles: ['operator', 'admin'],
      reason: '  Bưu điện   gửi chậm ',
    });
    expect(d).toEqual({ ok: true, override: { reason: 'Bưu điện gửi chậm' } });
    expect(code(canUploadRoster(round('ROSTERS_CLOSED'), DEADLINE, { roles: ['admin'], reason: 'x' }))).toBe(
      'OK',
    );
  });

  it('refuses an override by a non-admin, without a reason, or with a too long reason', () => {
    const late = round('ROSTERS_OPEN');
    expect(code(canUploadRoster(late, DEADLINE, { roles: ['operator'], reason: 'x' }))).toBe(
      'OVERRIDE_NOT_ALLOWED',
    );
    expect(code(canUploadRoster(late, DEADLINE, { roles: ['admin'], reason: '   ' }))).toBe(
      'REASON_REQUIRED',
    );
    expect(code(canUploadRoster(late, DEADLINE, { roles: ['admin'], reason: 'a'.repeat(501) }))).toBe(
      'REASON_TOO_LONG',
    );
  });

  it('refuses a roster once the round is sampled, even with an override', () => {
    for (const s of ['SAMPLED', 'IN_FIELD', 'PUBLISHED']) {
      expect(code(canUploadRoster(round(s), BEFORE, { roles: ['admin'], reason: 'x' }))).toBe(
        'ROSTERS_CLOSED',
      );
    }
    expect(code(canUploadRoster(round('DRAFT'), BEFORE, { roles: ['admin'], reason: 'x' }))).toBe(
      'ROUND_NOT_OPEN',
    );
  });
});

describe('canFixSeed, canDraw', () => {
  it('fixes the seed only while rosters are open, once, and never after a draw', () => {
    expect(code(canFixSeed(round('ROSTERS_OPEN'), BEFORE))).toBe('OK');
    expect(code(canFixSeed(round('PLANNED'), BEFORE))).toBe('OK');
    expect(code(canFixSeed(round('ROSTERS_OPEN', { seedFixed: true }), BEFORE))).toBe('SEED_ALREADY_FIXED');
    expect(code(canFixSeed(round('ROSTERS_OPEN', { drawn: true }), BEFORE))).toBe('ALREADY_DRAWN');
    expect(code(canFixSeed(round('ROSTERS_CLOSED'), BEFORE))).toBe('WRONG_STATE');
  });

  it('a province may allow fixing the seed in DRAFT too', () => {
    const config = resolveLifecycleConfig({
      allows: { ...DEFAULT_LIFECYCLE.allows, fixSeed: ['DRAFT', 'ROSTERS_OPEN'] },
    });
    expect(code(canFixSeed(round('DRAFT'), BEFORE, config))).toBe('OK');
    expect(code(canFixSeed(round('DRAFT'), BEFORE))).toBe('WRONG_STATE');
  });

  it('draws once rosters are closed, and for further strata before fieldwork', () => {
    expect(code(canDraw(round('ROSTERS_CLOSED'), BEFORE))).toBe('OK');
    expect(code(canDraw(round('SAMPLED'), BEFORE))).toBe('OK');
    // round() has a roster deadline after BEFORE: the frame is not complete yet.
    expect(code(canDraw(round('ROSTERS_OPEN'), BEFORE))).toBe('ROSTERS_STILL_OPEN');
  });
});

describe('canSubmit, canEnterPaper, canScore, canPublish', () => {
  const END = new Date('2026-10-31T17:00:00Z');

  it('accepts a submission in the field until the end of the last fieldwork day', () => {
    expect(code(canSubmit(round('IN_FIELD'), new Date(END.getTime() - 1)))).toBe('OK');
  });

  it('refuses a submission from fieldwork end with ROUND_CLOSED, even before the ticker closes the round', () => {
    const d = canSubmit(round('IN_FIELD'), END);
    expect(d).toMatchObject({ ok: false, code: 'ROUND_CLOSED' });
    expect(d.ok ? '' : d.message).toContain('00:00 ngày 01/11/2026');
    expect(code(canSubmit(round('CLOSED'), new Date('2026-10-15')))).toBe('ROUND_CLOSED');
  });

  it('refuses a submission before the round is in the field with ROUND_NOT_OPEN', () => {
    expect(code(canSubmit(round('SAMPLED'), new Date('2026-10-15')))).toBe('ROUND_NOT_OPEN');
  });

  it('lets staff enter paper forms after fieldwork end, until scoring', () => {
    expect(code(canEnterPaper(round('IN_FIELD'), END))).toBe('OK');
    expect(code(canEnterPaper(round('CLOSED'), new Date('2026-12-01')))).toBe('OK');
    expect(code(canEnterPaper(round('SCORED'), END))).toBe('ROUND_CLOSED');
  });

  it('scores a closed (or re-scores a scored) round and publishes a scored one', () => {
    expect(code(canScore(round('CLOSED'), END))).toBe('OK');
    expect(code(canScore(round('IN_FIELD'), END))).toBe('WRONG_STATE');
    expect(code(canPublish(round('SCORED'), END))).toBe('OK');
    expect(code(canPublish(round('PUBLISHED'), END))).toBe('WRONG_STATE');
  });

  it('assertAllowed returns the accepted decision and throws the refusal with its code', () => {
    expect(assertAllowed(canScore(round('CLOSED'), END))).toEqual({ ok: true });
    expect(() => assertAllowed(canSubmit(round('CLOSED'), END))).toThrow(RoundStateError);
    try {
      assertAllowed(canSubmit(round('CLOSED'), END));
    } catch (e) {
      expect((e as RoundStateError).code).toBe('ROUND_CLOSED');
    }
  });
});

describe('transitions', () => {
  const AFTER_ALL = new Date('2027-01-01T00:00:00Z');
  const table: Array<[RoundState, RoundState, { roles: string[]; reason?: string }]> = [
    ['DRAFT', 'ROSTERS_OPEN', ADMIN],
    ['ROSTERS_OPEN', 'ROSTERS_CLOSED', ADMIN],
    ['ROSTERS_OPEN', 'ROSTERS_CLOSED', SCHEDULER],
    ['ROSTERS_CLOSED', 'ROSTERS_OPEN', { roles: ['admin'], reason: 'Bổ sung danh sách xã Tân Lập' }],
    ['ROSTERS_CLOSED', 'SAMPLED', SYSTEM],
    ['ROSTERS_CLOSED', 'SAMPLED', ADMIN],
    ['SAMPLED', 'IN_FIELD', SCHEDULER],
    ['SAMPLED', 'IN_FIELD', ADMIN],
    ['IN_FIELD', 'CLOSED', SCHEDULER],
    ['IN_FIELD', 'CLOSED', ADMIN],
    ['CLOSED', 'IN_FIELD', { roles: ['admin'], reason: 'Gia hạn thu phiếu' }],
    ['CLOSED', 'SCORED', SYSTEM],
    ['SCORED', 'PUBLISHED', ADMIN],
  ];
  it.each(table)('%s → %s by %o', (from, to, actor) => {
    const record = applyTransition(round(from), to, actor, AFTER_ALL);
    expect(record).toMatchObject({ from, to, at: AFTER_ALL.toISOString(), by: actor.roles });
    if (actor.reason !== undefined) expect(record.reason).toBe(actor.reason);
    if (actor === SCHEDULER) expect(record.trigger).toBeDefined();
  });

  it('covers every transition of the default table', () => {
    const keys = new Set(table.map(([f, t]) => `${f}→${t}`));
    expect(DEFAULT_LIFECYCLE.transitions.map((t) => `${t.from}→${t.to}`).filter((k) => !keys.has(k))).toEqual(
      [],
    );
  });

  it('refuses a move that is not in the table, and a role that may not make it', () => {
    expect(code(checkTransition(round('DRAFT'), 'IN_FIELD', ADMIN, AFTER_ALL))).toBe(
      'TRANSITION_NOT_ALLOWED',
    );
    expect(code(checkTransition(round('PUBLISHED'), 'SCORED', ADMIN, AFTER_ALL))).toBe(
      'TRANSITION_NOT_ALLOWED',
    );
    expect(checkTransition(round('SCORED'), 'PUBLISHED', SYSTEM, AFTER_ALL)).toEqual({
      ok: false,
      code: 'ROLE_NOT_ALLOWED',
      message: 'Chỉ quản trị viên mới được chuyển đợt từ "Đã tính điểm" sang "Đã công bố".',
    });
    expect(code(checkTransition(round('DRAFT'), 'ROSTERS_OPEN', { roles: ['operator'] }, AFTER_ALL))).toBe(
      'ROLE_NOT_ALLOWED',
    );
    expect(() => applyTransition(round('SCORED'), 'PUBLISHED', SCHEDULER, AFTER_ALL)).toThrow(
      RoundStateError,
    );
  });

  it('moves by schedule only once the date has come; people may move earlier', () => {
    expect(code(checkTransition(round('ROSTERS_OPEN'), 'ROSTERS_CLOSED', SCHEDULER, BEFORE))).toBe(
      'TOO_EARLY',
    );
    const byTicker = applyTransition(round('ROSTERS_OPEN'), 'ROSTERS_CLOSED', SCHEDULER, DEADLINE);
    expect(byTicker.trigger).toBe('rostersDeadline');
    const byAdmin = applyTransition(round('ROSTERS_OPEN'), 'ROSTERS_CLOSED', ADMIN, BEFORE);
    expect(byAdmin.trigger).toBeUndefined();
    expect(code(checkTransition({ status: 'IN_FIELD' }, 'CLOSED', SCHEDULER, AFTER_ALL))).toBe(
      'SCHEDULE_MISSING',
    );
  });

  it('moves a legacy PLANNED round like ROSTERS_OPEN', () => {
    expect(applyTransition(round('PLANNED'), 'ROSTERS_CLOSED', ADMIN, BEFORE).from).toBe('ROSTERS_OPEN');
  });

  it('requires a reason to reopen, and keeps a reason given for any move', () => {
    expect(code(checkTransition(round('CLOSED'), 'IN_FIELD', ADMIN, AFTER_ALL))).toBe('REASON_REQUIRED');
    expect(
      applyTransition(
        round('SCORED'),
        'PUBLISHED',
        { roles: ['admin'], reason: 'Theo QĐ của UBND' },
        AFTER_ALL,
      ).reason,
    ).toBe('Theo QĐ của UBND');
    // A blank reason on a move that needs none is simply not recorded.
    expect(
      applyTransition(round('SCORED'), 'PUBLISHED', { roles: ['admin'], reason: ' ' }, AFTER_ALL).reason,
    ).toBeUndefined();
  });

  it('lists the moves available to an actor now', () => {
    expect(availableTransitions(round('ROSTERS_CLOSED'), ADMIN, BEFORE).map((t) => t.to)).toEqual([
      'ROSTERS_OPEN',
      'SAMPLED',
    ]);
    expect(availableTransitions(round('ROSTERS_OPEN'), SCHEDULER, BEFORE)).toEqual([]);
    expect(availableTransitions(round('ROSTERS_OPEN'), SCHEDULER, DEADLINE).map((t) => t.to)).toEqual([
      'ROSTERS_CLOSED',
    ]);
  });
});

describe('dueTransitions', () => {
  it('lists the deadline closing of rosters once it has come', () => {
    expect(dueTransitions(round('ROSTERS_OPEN'), BEFORE)).toEqual([]);
    expect(dueTransitions(round('ROSTERS_OPEN'), DEADLINE)).toEqual([
      {
        from: 'ROSTERS_OPEN',
        to: 'ROSTERS_CLOSED',
        trigger: 'rostersDeadline',
        dueAt: DEADLINE.toISOString(),
      },
    ]);
  });

  it('stops at the draw, which needs a person or a service', () => {
    expect(dueTransitions(round('ROSTERS_OPEN'), new Date('2026-12-01'))).toHaveLength(1);
    expect(dueTransitions(round('ROSTERS_CLOSED'), new Date('2026-12-01'))).toEqual([]);
  });

  it('chains distribution and fieldwork end when the ticker was down past both', () => {
    expect(dueTransitions(round('SAMPLED'), new Date('2026-12-01')).map((d) => `${d.from}→${d.to}`)).toEqual([
      'SAMPLED→IN_FIELD',
      'IN_FIELD→CLOSED',
    ]);
    expect(dueTransitions(round('SAMPLED'), new Date('2026-10-15')).map((d) => d.trigger)).toEqual([
      'distributionDate',
    ]);
    expect(dueTransitions(round('IN_FIELD'), new Date('2026-10-31T16:59:59Z'))).toEqual([]);
    expect(dueTransitions({ status: 'IN_FIELD' }, new Date('2030-01-01'))).toEqual([]);
    expect(dueTransitions(round('PUBLISHED'), new Date('2030-01-01'))).toEqual([]);
  });

  it('follows a province table without automatic closing of fieldwork', () => {
    const config = resolveLifecycleConfig({
      transitions: DEFAULT_LIFECYCLE.transitions.map((t) =>
        t.from === 'IN_FIELD' && t.to === 'CLOSED' ? { from: t.from, to: t.to, roles: ['admin'] } : t,
      ),
    });
    expect(dueTransitions(round('SAMPLED'), new Date('2026-12-01'), config).map((d) => d.to)).toEqual([
      'IN_FIELD',
    ]);
    expect(
      code(checkTransition(round('IN_FIELD'), 'CLOSED', SCHEDULER, new Date('2026-12-01'), config)),
    ).toBe('ROLE_NOT_ALLOWED');
  });
});

describe('lifecycle configuration', () => {
  const refused = (overrides: Parameters<typeof resolveLifecycleConfig>[0]) => {
    try {
      resolveLifecycleConfig(overrides);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).issues.map((i) => i.code);
    }
    throw new Error('accepted');
  };

  it('defaults to the documented table and validates a province change', () => {
    expect(resolveLifecycleConfig()).toEqual(DEFAULT_LIFECYCLE);
    expect(resolveLifecycleConfig({ maxReasonLength: 50 }).maxReasonLength).toBe(50);
  });

  it('refuses a duplicate move, a move to itself, a schedule role without a date and a date without it', () => {
    const t = DEFAULT_LIFECYCLE.transitions;
    expect(refused({ transitions: [...t, t[0]!] })).toEqual(['INVALID_LIFECYCLE']);
    expect(refused({ transitions: [{ from: 'DRAFT', to: 'DRAFT', roles: ['admin'] }] })).toEqual([
      'INVALID_LIFECYCLE',
    ]);
    expect(refused({ transitions: [{ from: 'DRAFT', to: 'ROSTERS_OPEN', roles: ['schedule'] }] })).toEqual([
      'INVALID_LIFECYCLE',
    ]);
    expect(
      refused({
        transitions: [{ from: 'DRAFT', to: 'ROSTERS_OPEN', roles: ['admin'], at: 'rostersDeadline' }],
      }),
    ).toEqual(['INVALID_LIFECYCLE']);
    expect(
      refused({ transitions: [{ from: 'PLANNED' as RoundState, to: 'DRAFT', roles: ['admin'] }] }),
    ).toEqual(['INVALID_LIFECYCLE']);
    expect(refused({ overrideRoles: [] })).toEqual(['INVALID_LIFECYCLE']);
  });
});
