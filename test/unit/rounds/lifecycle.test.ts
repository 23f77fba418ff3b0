/** The lifecycle use cases over an in-memory store with the table's conditional semantics. */
import { describe, expect, it } from 'vitest';
import { createRound } from '../../../services/rounds/create-round.ts';
import {
  applyDueTransitions,
  fixSeed,
  transitionRound,
  updateSchedule,
} from '../../../services/rounds/lifecycle.ts';
import { auditPage } from '../../../services/rounds/round-audit.ts';
import { createRoundSchema } from '../../../services/rounds/schemas.ts';
import type { RoundAuditEntry } from '../../../shared/contracts/audit.ts';
import type { SampleManifest } from '../../../shared/tables/samples.ts';
import { admin } from '../support/fixtures.ts';
import { memoryRoundStore } from '../support/memory-round-store.ts';

const noSamples = { listManifests: async (): Promise<SampleManifest[]> => [] };
const drawn = {
  listManifests: async () => [{ status: 'completed' } as SampleManifest],
};

const setup = async (extra: Record<string, unknown> = {}) => {
  const store = memoryRoundStore();
  const { round } = await createRound(
    createRoundSchema.parse({
      name: 'Đợt',
      year: 2026,
      kind: 'SIPAS',
      units: [{ code: 'U1', name: 'Một' }],
      fields: [{ name: 'F' }],
      ...extra,
    }),
    { principal: admin, idempotencyKey: undefined, store },
  );
  return { store, roundId: round.id };
};

describe('transitions', () => {
  it('writes the move and its audit entry; a stale second writer loses', async () => {
    const { store, roundId } = await setup();
    const moved = await transitionRound(
      roundId,
      { to: 'ROSTERS_CLOSED' },
      { principal: admin, store, samples: noSamples },
    );
    expect(moved.status).toBe('ROSTERS_CLOSED');
    expect(store.audit.map((a) => a.target)).toEqual(['ROSTERS_OPEN→ROSTERS_CLOSED']);
    await expect(
      transitionRound(roundId, { to: 'ROSTERS_CLOSED' }, { principal: admin, store, samples: noSamples }),
    ).rejects.toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', statusCode: 409 });
    await expect(
      transitionRound(roundId, { to: 'SAMPLED' }, { principal: admin, store, samples: noSamples }),
    ).rejects.toMatchObject({ code: 'WRONG_STATE' });
    expect(
      (await transitionRound(roundId, { to: 'SAMPLED' }, { principal: admin, store, samples: drawn })).status,
    ).toBe('SAMPLED');
  });

  it('maps the guard’s refusals to HTTP statuses (role 403, reason 400)', async () => {
    const { store, roundId } = await setup({ status: 'ROSTERS_CLOSED' });
    const operator = { ...admin, sub: 'op', roles: ['operator' as const] };
    await expect(
      transitionRound(
        roundId,
        { to: 'ROSTERS_OPEN', reason: 'x' },
        { principal: operator, store, samples: noSamples },
      ),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_ALLOWED', statusCode: 403 });
    await expect(
      transitionRound(roundId, { to: 'ROSTERS_OPEN' }, { principal: admin, store, samples: noSamples }),
    ).rejects.toMatchObject({ code: 'REASON_REQUIRED', statusCode: 400 });
  });
});

describe('schedule, seed and the schedule job', () => {
  it('the job chains the due moves, stops at the draw, and changes nothing on a second tick', async () => {
    const { store, roundId } = await setup({
      schedule: {
        rostersDeadline: '2026-03-01T17:00:00+07:00',
        distributionDate: '2026-03-10T00:00:00+07:00',
        fieldworkEnd: '2026-04-10T17:00:00+07:00',
      },
    });
    const now = new Date('2026-05-01T00:00:00Z');
    expect((await applyDueTransitions({ store, now })).moved.map((m) => `${m.from}→${m.to}`)).toEqual([
      'ROSTERS_OPEN→ROSTERS_CLOSED',
    ]);
    expect((await applyDueTransitions({ store, now })).moved).toEqual([]);
    await transitionRound(roundId, { to: 'SAMPLED' }, { principal: admin, store, samples: drawn });
    expect((await applyDueTransitions({ store, now })).moved.map((m) => m.to)).toEqual([
      'IN_FIELD',
      'CLOSED',
    ]);
    expect(store.rounds.get(roundId)?.lastTransition).toMatchObject({
      by: 'schedule',
      trigger: 'fieldworkEnd',
    });
    await expect(
      updateSchedule(roundId, { fieldworkEnd: null }, { principal: admin, store, samples: noSamples }),
    ).rejects.toMatchObject({ code: 'WRONG_STATE' });
  });

  it('fixes the seed once while rosters are open; never after a draw', async () => {
    const { store, roundId } = await setup();
    await expect(
      fixSeed(roundId, { value: '1', source: 'x' }, { principal: admin, store, samples: drawn }),
    ).rejects.toMatchObject({ code: 'ALREADY_DRAWN' });
    expect(
      (await fixSeed(roundId, { value: '1', source: 'x' }, { principal: admin, store, samples: noSamples }))
        .created,
    ).toBe(true);
    expect(
      (await fixSeed(roundId, { value: '1', source: 'x' }, { principal: admin, store, samples: noSamples }))
        .created,
    ).toBe(false);
    await expect(
      fixSeed(roundId, { value: '2', source: 'x' }, { principal: admin, store, samples: noSamples }),
    ).rejects.toMatchObject({ code: 'SEED_ALREADY_FIXED', statusCode: 409 });
  });
});

describe('audit pages', () => {
  const entry = (at: string, id: string): RoundAuditEntry => ({
    roundId: 'r',
    at,
    id,
    by: 'dev',
    service: 'rounds',
    action: 'X',
  });
  it('pages newest first without repeats or gaps', () => {
    const all = ['2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-02T00:00:00Z'].map((at, i) =>
      entry(at, `a${i}`),
    );
    const first = auditPage(all, { limit: '2' });
    expect(first.items.map((e) => e.id)).toEqual(['a1', 'a2']);
    const second = auditPage(all, { limit: '2', cursor: first.cursor });
    expect(second.items.map((e) => e.id)).toEqual(['a0']);
    expect(second.cursor).toBeUndefined();
    expect(() => auditPage(all, { cursor: 'xx' })).toThrow(/cursor/);
  });
});
