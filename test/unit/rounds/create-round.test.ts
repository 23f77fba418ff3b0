/** Creating a round over an in-memory RoundStore; the round contract's defaults and legacy items. */
import { describe, expect, it } from 'vitest';
import { createRound } from '../../../services/rounds/create-round.ts';
import { type CreateRoundInput, createRoundSchema } from '../../../services/rounds/schemas.ts';
import { TWO_TIER_2025_RATER_MATRIX } from '../../../shared/domain/index.ts';
import { roundItemSchema } from '../../../shared/tables/rounds.ts';
import { admin } from '../support/fixtures.ts';
import { memoryRoundStore } from '../support/memory-round-store.ts';

const memoryStore = memoryRoundStore;

const input = (overrides: Record<string, unknown> = {}): CreateRoundInput =>
  createRoundSchema.parse({
    name: 'Khảo sát 2026',
    year: 2026,
    kind: 'SIPAS',
    units: [
      { code: 'U1', name: 'Một', type: 'ward' },
      { code: 'U2', name: 'Hai', parentCode: 'TINH' },
    ],
    fields: [{ name: 'Tư pháp' }],
    ...overrides,
  });

const now = new Date('2026-02-01T08:00:00.000Z');

describe('createRound', () => {
  it('fills the lifecycle defaults: ROSTERS_OPEN, settings, and who fixed the seed when', async () => {
    const store = memoryStore();
    const { created, round } = await createRound(
      input({
        seed: { value: '4711', source: 'bốc thăm công khai' },
        quota: { kind: 'fixed', official: 30, reserve: 10 },
      }),
      { principal: admin, idempotencyKey: undefined, store, now },
    );
    expect(created).toBe(true);
    expect(round).toMatchObject({
      status: 'ROSTERS_OPEN',
      settings: { minCellSize: 10, requireOtp: false, fastCompletionSeconds: 60 },
      seed: { value: '4711', source: 'bốc thăm công khai', fixedAt: now.toISOString(), fixedBy: 'admin-1' },
      quota: { kind: 'fixed', official: 30, reserve: 10 },
      fields: [{ code: 'tu-phap', name: 'Tư pháp' }],
    });
    expect(store.rounds.get(round.id)).toEqual(round);
  });

  it('checks units with the domain catalogue: duplicates and self-parents named, nothing stored', async () => {
    const store = memoryStore();
    const bad = input({
      units: [
        { code: 'A', name: 'A' },
        { code: 'A', name: 'B' },
        { code: 'C', name: 'C', parentCode: 'C' },
      ],
    });
    const error = await createRound(bad, { principal: admin, idempotencyKey: undefined, store }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR' });
    expect(error.details.map((d: { code: string }) => d.code)).toEqual(['DUPLICATE_CODE', 'PARENT_CYCLE']);
    expect(error.details[0].message).toContain('"A"');
    expect(store.rounds.size).toBe(0);
  });

  it('an Idempotency-Key returns the first round; reused for another body it is refused', async () => {
    const store = memoryStore();
    const ctx = { principal: admin, idempotencyKey: 'k1', store, now };
    const first = await createRound(input(), ctx);
    const again = await createRound(input(), ctx);
    expect(again).toEqual({ created: false, round: first.round });
    await expect(createRound(input({ name: 'Khác' }), ctx)).rejects.toMatchObject({
      statusCode: 409,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('a rater matrix is for PAR rounds only, and is checked by the domain', async () => {
    const store = memoryStore();
    const ctx = { principal: admin, idempotencyKey: undefined, store, now };
    await expect(createRound(input({ raterMatrix: TWO_TIER_2025_RATER_MATRIX }), ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    const par = await createRound(input({ kind: 'PAR', raterMatrix: TWO_TIER_2025_RATER_MATRIX }), ctx);
    expect(par.round.raterMatrix?.id).toBe('two-tier-2025');
    await expect(
      createRound(input({ kind: 'PAR', raterMatrix: { id: 'x', groups: [] } }), ctx),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});

describe('round contract', () => {
  it('refuses a schedule out of order and an unknown quota kind', () => {
    const schedule = createRoundSchema.safeParse({
      ...input(),
      schedule: { rostersDeadline: '2026-03-10T00:00:00Z', distributionDate: '2026-03-01T00:00:00Z' },
    });
    expect(schedule.success).toBe(false);
    expect(schedule.error?.issues[0]?.path).toEqual(['schedule', 'distributionDate']);
    const ordered = createRoundSchema.safeParse({
      ...input(),
      schedule: { rostersDeadline: '2026-03-01T00:00:00Z', fieldworkEnd: '2026-04-01T00:00:00+07:00' },
    });
    expect(ordered.success).toBe(true);
    expect(createRoundSchema.safeParse({ ...input(), quota: { kind: 'guess' } }).success).toBe(false);
  });

  it('reads a pre-lifecycle item: PLANNED is ROSTERS_OPEN, settings get their defaults', () => {
    const legacy = roundItemSchema.parse({
      id: 'r0',
      name: 'Cũ',
      year: 2025,
      kind: 'SIPAS',
      templateId: 't',
      structure: 'two-tier',
      methodologyVersion: '2025.1',
      units: [],
      fields: [],
      status: 'PLANNED',
      createdAt: '2025-01-01T00:00:00.000Z',
      createdBy: 'dev',
      requestHash: 'h',
    });
    expect(legacy.status).toBe('ROSTERS_OPEN');
    expect(legacy.settings).toEqual({ minCellSize: 10, requireOtp: false, fastCompletionSeconds: 60 });
    expect(legacy.scoringRules).toEqual({});
  });
});
