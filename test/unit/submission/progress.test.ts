import { describe, expect, it } from 'vitest';
import { fieldworkProgress, vietnamDay } from '../../../services/submission/progress.ts';
import type { SampleManifest } from '../../../shared/tables/samples.ts';
import type { StoredSubmission } from '../../../shared/tables/submissions.ts';
import { admin, operatorOf, sipasRound } from '../support/fixtures.ts';

const manifest = (sampleId: string, completedAt: string, status = 'completed') =>
  ({ sampleId, roundId: 'r1', status, completedAt }) as unknown as SampleManifest;
const assignment = (unitCode: string, list: 'official' | 'reserve', status?: 'active' | 'revoked') => ({
  sampleId: 's2',
  roundId: 'r1',
  unitCode,
  fieldCode: 'tu-phap',
  list,
  rank: 1,
  personKey: 'p',
  tokenHash: `t-${Math.random()}`,
  ...(status ? { status } : {}),
});
const submission = (unitCode: string, submittedAt: string) =>
  ({ unitCode, fieldCode: 'tu-phap', submittedAt, roundId: 'r1' }) as unknown as StoredSubmission;

const deps = {
  rounds: { get: async (id: string) => (id === 'r1' ? sipasRound() : null) },
  samples: {
    listManifests: async () => [
      manifest('s1', '2026-03-01T00:00:00Z'),
      manifest('s2', '2026-03-02T00:00:00Z'),
      manifest('s3', '', 'drawing'),
    ],
    listAssignments: async (sampleId: string) =>
      sampleId === 's2'
        ? [
            assignment('U1', 'official'),
            assignment('U1', 'official', 'revoked'),
            assignment('U1', 'reserve', 'active'),
            assignment('U1', 'reserve'),
            assignment('U2', 'official'),
          ]
        : [assignment('U1', 'official'), assignment('U1', 'official'), assignment('U1', 'official')],
  },
  submissions: {
    listByRound: async () => [
      // 23:30 UTC on 1/4 is already 2/4 in Việt Nam.
      submission('U1', '2026-04-01T23:30:00.000Z'),
      submission('U1', '2026-04-02T03:00:00.000Z'),
      submission('U2', '2026-04-01T10:00:00.000Z'),
    ],
  },
};

describe('field-work progress', () => {
  it('counts the latest sample’s active assignments as issued and the returns per Vietnam day', async () => {
    const out = await fieldworkProgress('r1', admin, {}, deps);
    expect(out.sampleId).toBe('s2');
    expect(out.cells).toEqual([
      { unitCode: 'U1', fieldCode: 'tu-phap', issued: 2, returned: 2 },
      { unitCode: 'U2', fieldCode: 'tu-phap', issued: 1, returned: 1 },
    ]);
    expect(out.days).toEqual([
      { day: '2026-04-01', unitCode: 'U2', fieldCode: 'tu-phap', returned: 1 },
      { day: '2026-04-02', unitCode: 'U1', fieldCode: 'tu-phap', returned: 2 },
    ]);
  });

  it('shows a unit-scoped caller only their units, and narrows by ?unitCode=', async () => {
    const scoped = await fieldworkProgress('r1', operatorOf('U2'), {}, deps);
    expect(scoped.cells.map((c) => c.unitCode)).toEqual(['U2']);
    expect(scoped.days.map((d) => d.unitCode)).toEqual(['U2']);
    const narrowed = await fieldworkProgress('r1', admin, { unitCode: 'U1' }, deps);
    expect(narrowed.cells.map((c) => c.unitCode)).toEqual(['U1']);
  });

  it('has no issued forms before a draw, and a missing round is 404', async () => {
    const out = await fieldworkProgress(
      'r1',
      admin,
      {},
      {
        ...deps,
        samples: { listManifests: async () => [], listAssignments: async () => [] },
      },
    );
    expect(out.sampleId).toBeNull();
    expect(out.cells.every((c) => c.issued === 0)).toBe(true);
    await expect(fieldworkProgress('nope', admin, {}, deps)).rejects.toMatchObject({
      name: 'RoundNotFoundError',
    });
  });

  it('reads days in Asia/Ho_Chi_Minh', () => {
    expect(vietnamDay('2026-12-31T16:59:59Z')).toBe('2026-12-31');
    expect(vietnamDay('2026-12-31T17:00:00Z')).toBe('2027-01-01');
  });
});
