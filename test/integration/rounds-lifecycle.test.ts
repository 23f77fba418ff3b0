/**
 * The round lifecycle over HTTP: transitions by people (allowed, refused by the domain's guards and
 * roles, concurrent → one wins), the schedule and the seed, the schedule job moving rounds whose
 * dates have passed, the services' date rules (a late roster without/with an admin's override, a
 * submission after fieldwork end → 410), and the merged audit trail of it all.
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, unique } from './support/api.ts';
import { officialList, people, rosterCsv, tokenFor, transition, uploadRoster } from './support/round-flow.ts';

const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const newRound = async (extra: Record<string, unknown> = {}) => {
  const res = await api('POST', '/api/rounds', {
    body: {
      name: unique('Đợt vòng đời'),
      year: 2026,
      kind: 'SIPAS',
      units: [{ code: 'L1', name: 'UBND xã Vòng Đời', type: 'commune' }],
      fields: [{ code: 'tu-phap', name: 'Tư pháp' }],
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  return res.json.roundId as string;
};

const runScheduleJob = async () => {
  const { handler } = await import('../../services/rounds/handlers/schedule.ts');
  return handler({}, { awsRequestId: unique('tick') } as Context);
};

describe('lifecycle transitions', () => {
  let roundId = '';
  beforeAll(async () => {
    roundId = await newRound({ status: 'DRAFT' });
  });

  it('moves a round along allowed transitions and refuses the others with the guard’s code', async () => {
    const open = await transition(roundId, 'ROSTERS_OPEN');
    expect(open.status).toBe(200);
    expect(open.json).toMatchObject({
      status: 'ROSTERS_OPEN',
      lastTransition: { from: 'DRAFT', to: 'ROSTERS_OPEN', by: 'dev' },
    });

    const jump = await transition(roundId, 'IN_FIELD');
    expect(jump.status).toBe(409);
    expect(jump.json.error.code).toBe('TRANSITION_NOT_ALLOWED');

    const operator = await transition(roundId, 'ROSTERS_CLOSED', undefined, await tokenFor(['operator']));
    expect(operator.status).toBe(403);
    expect(operator.json.error.code).toBe('ROLE_NOT_ALLOWED');
    const viewer = await transition(roundId, 'ROSTERS_CLOSED', undefined, await tokenFor(['viewer']));
    expect(viewer.status).toBe(403);

    expect((await transition(roundId, 'ROSTERS_CLOSED')).status).toBe(200);
    const notDrawn = await transition(roundId, 'SAMPLED');
    expect(notDrawn.status).toBe(409);
    expect(notDrawn.json.error.code).toBe('WRONG_STATE');

    const noReason = await transition(roundId, 'ROSTERS_OPEN');
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.code).toBe('REASON_REQUIRED');
    const reopened = await transition(roundId, 'ROSTERS_OPEN', 'Đơn vị L1 gửi bổ sung danh sách');
    expect(reopened.status).toBe(200);
    expect((await api('GET', `/api/rounds/${roundId}`)).json.status).toBe('ROSTERS_OPEN');
  });

  it('of concurrent transitions exactly one wins; the others get 409', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => transition(roundId, 'ROSTERS_CLOSED')));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(['ROUND_CHANGED', 'TRANSITION_NOT_ALLOWED']).toContain(r.json.error.code);
    }
    const audit = await api('GET', `/api/rounds/${roundId}/audit?action=ROUND_TRANSITION&limit=200`);
    const closings = audit.json.items.filter(
      (e: { target: string }) => e.target === 'ROSTERS_OPEN→ROSTERS_CLOSED',
    );
    // One by the first test, one by this one (never one per concurrent request).
    expect(closings).toHaveLength(2);
  });
});

describe('schedule and seed', () => {
  let roundId = '';
  beforeAll(async () => {
    roundId = await newRound();
  });

  it('sets the schedule in order, refuses a wrong order naming the date, removes a date with null', async () => {
    const wrong = await api('PATCH', `/api/rounds/${roundId}/schedule`, {
      body: { rostersDeadline: '2026-10-10T17:00:00+07:00', distributionDate: '2026-10-01T00:00:00+07:00' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.code).toBe('INVALID_SCHEDULE');
    expect(wrong.json.error.details[0]).toMatchObject({
      code: 'SCHEDULE_ORDER',
      path: 'lịch đợt, mục distributionDate',
    });
    const ok = await api('PATCH', `/api/rounds/${roundId}/schedule`, {
      body: {
        rostersDeadline: iso(30 * DAY),
        distributionDate: iso(40 * DAY),
        fieldworkEnd: iso(70 * DAY),
        reason: 'Kế hoạch năm',
      },
    });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.json.schedule).sort()).toEqual([
      'distributionDate',
      'fieldworkEnd',
      'rostersDeadline',
    ]);
    const removed = await api('PATCH', `/api/rounds/${roundId}/schedule`, {
      body: { distributionDate: null },
    });
    expect(removed.status).toBe(200);
    expect(removed.json.schedule.distributionDate).toBeUndefined();
    const notDate = await api('PATCH', `/api/rounds/${roundId}/schedule`, {
      body: { fieldworkEnd: '31/12/2026' },
    });
    expect(notDate.status).toBe(400);
  });

  it('fixes the seed while rosters are open, once; the same seed again changes nothing', async () => {
    const seed = { value: '7319-4402', source: 'Bốc thăm công khai ngày 02/03/2026, biên bản số 5' };
    const fixed = await api('POST', `/api/rounds/${roundId}/seed`, { body: seed });
    expect(fixed.status).toBe(201);
    expect(fixed.json.seed).toMatchObject({ ...seed, fixedBy: 'dev' });
    const again = await api('POST', `/api/rounds/${roundId}/seed`, { body: seed });
    expect(again.status).toBe(200);
    const other = await api('POST', `/api/rounds/${roundId}/seed`, { body: { ...seed, value: '1111' } });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('SEED_ALREADY_FIXED');

    const closed = await newRound({ status: 'ROSTERS_CLOSED' });
    const late = await api('POST', `/api/rounds/${closed}/seed`, { body: seed });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('WRONG_STATE');
  });

  it('the audit trail lists the changes, newest first, paged; admins only', async () => {
    const all = await api('GET', `/api/rounds/${roundId}/audit`);
    expect(all.status).toBe(200);
    expect(all.json.items.map((e: { action: string }) => e.action)).toEqual([
      'SEED_FIXED',
      'SCHEDULE_CHANGED',
      'SCHEDULE_CHANGED',
    ]);
    expect(all.json.items[2]).toMatchObject({ by: 'dev', service: 'rounds', reason: 'Kế hoạch năm' });
    expect(all.json.items[1].details.before.distributionDate).toBeDefined();
    const page1 = await api('GET', `/api/rounds/${roundId}/audit?limit=2`);
    expect(page1.json.items).toHaveLength(2);
    const page2 = await api('GET', `/api/rounds/${roundId}/audit?limit=2&cursor=${page1.json.cursor}`);
    expect(page2.json.items.map((e: { id: string }) => e.id)).toEqual([all.json.items[2].id]);
    expect(page2.json.cursor).toBeUndefined();
    const operator = await api('GET', `/api/rounds/${roundId}/audit`, {
      token: await tokenFor(['operator']),
    });
    expect(operator.status).toBe(403);
  });
});

describe('dates: the schedule job and the services’ date rules', () => {
  let roundId = '';
  let future = '';
  beforeAll(async () => {
    // Every date already passed: the deadline three days ago, fieldwork ended yesterday.
    roundId = await newRound({
      schedule: { rostersDeadline: iso(-3 * DAY), distributionDate: iso(-2 * DAY), fieldworkEnd: iso(-DAY) },
    });
    future = await newRound({ schedule: { rostersDeadline: iso(10 * DAY) } });
  });

  it('refuses a roster after the deadline with its code, accepts it with an admin’s override', async () => {
    const csv = rosterCsv(people('L1', 'Tư pháp', 4));
    const late = await uploadRoster(roundId, csv);
    expect(late.status).toBe(422);
    expect(late.json.error.code).toBe('ROSTERS_DEADLINE_PASSED');
    const operatorOverride = await api('POST', `/api/rounds/${roundId}/rosters?filename=ds.csv&override=x`, {
      raw: csv,
      token: await tokenFor(['operator']),
    });
    expect(operatorOverride.json.error.code).toBe('OVERRIDE_NOT_ALLOWED');
    const accepted = await uploadRoster(roundId, csv, 'Đơn vị nộp muộn do bão');
    expect(accepted.status).toBe(202);
  });

  it('the schedule job closes rosters whose deadline passed and leaves the others', async () => {
    const out = await runScheduleJob();
    expect(out.moved).toContainEqual({
      roundId,
      from: 'ROSTERS_OPEN',
      to: 'ROSTERS_CLOSED',
      trigger: 'rostersDeadline',
    });
    expect(out.moved.some((m) => m.roundId === future)).toBe(false);
    const round = (await api('GET', `/api/rounds/${roundId}`)).json;
    expect(round.status).toBe('ROSTERS_CLOSED');
    expect(round.lastTransition).toMatchObject({ by: 'schedule', trigger: 'rostersDeadline' });
    expect((await api('GET', `/api/rounds/${future}`)).json.status).toBe('ROSTERS_OPEN');
    // A second tick finds nothing more to do for this round (the draw needs a person).
    expect((await runScheduleJob()).moved.some((m) => m.roundId === roundId)).toBe(false);
  });

  it('after the draw, the job catches up with distribution and fieldwork end; a submission then gets 410', async () => {
    const req = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { seed: 'seed-dates', officialPerStratum: 2, reservePerStratum: 0 },
    });
    expect(req.status).toBe(202);
    const sampleId = req.json.sampleId as string;
    for (;;) {
      const m = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
      if (m.json?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await transition(roundId, 'SAMPLED')).status).toBe(200);
    const out = await runScheduleJob();
    expect(out.moved.filter((m) => m.roundId === roundId).map((m) => `${m.from}→${m.to}`)).toEqual([
      'SAMPLED→IN_FIELD',
      'IN_FIELD→CLOSED',
    ]);
    expect((await api('GET', `/api/rounds/${roundId}`)).json.status).toBe('CLOSED');
    const [first] = await officialList(roundId, sampleId);
    const late = await api('POST', '/api/submissions', {
      token: null,
      body: { token: first?.token, answers: {} },
    });
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('ROUND_CLOSED');
  });

  it('the merged audit trail shows the override, the draw and every move with who and why', async () => {
    const audit = await api('GET', `/api/rounds/${roundId}/audit`);
    const lines = audit.json.items.map(
      (e: { service: string; action: string; by: string; target?: string }) =>
        `${e.service} ${e.action} ${e.by}${e.action === 'ROUND_TRANSITION' ? ` ${e.target}` : ''}`,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        'roster-intake ROSTER_UPLOAD_OVERRIDE dev',
        'rounds ROUND_TRANSITION schedule ROSTERS_OPEN→ROSTERS_CLOSED',
        'rounds ROUND_TRANSITION dev ROSTERS_CLOSED→SAMPLED',
        'rounds ROUND_TRANSITION schedule SAMPLED→IN_FIELD',
        'rounds ROUND_TRANSITION schedule IN_FIELD→CLOSED',
      ]),
    );
    // Newest first (the list download came after the last move).
    const at = (line: string) => lines.indexOf(line);
    expect(at('sampling LIST_DOWNLOADED dev')).toBeLessThan(
      at('rounds ROUND_TRANSITION schedule IN_FIELD→CLOSED'),
    );
    expect(at('rounds ROUND_TRANSITION schedule IN_FIELD→CLOSED')).toBeLessThan(
      at('rounds ROUND_TRANSITION schedule SAMPLED→IN_FIELD'),
    );
    expect(at('rounds ROUND_TRANSITION dev ROSTERS_CLOSED→SAMPLED')).toBeLessThan(
      at('roster-intake ROSTER_UPLOAD_OVERRIDE dev'),
    );
    const times = audit.json.items.map((e: { at: string }) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    const override = audit.json.items.find((e: { action: string }) => e.action === 'ROSTER_UPLOAD_OVERRIDE');
    expect(override.reason).toBe('Đơn vị nộp muộn do bão');
  });
});
