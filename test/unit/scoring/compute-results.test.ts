/** The scoring run over fakes of the samples and submissions readers. */
import { describe, expect, it } from 'vitest';
import { type ComputeDeps, computeResults } from '../../../services/scoring/compute-results.ts';
import type { SampleManifest } from '../../../shared/tables/samples.ts';
import type { StoredSubmission } from '../../../shared/tables/submissions.ts';
import { sipasAnswers, sipasRound } from '../support/fixtures.ts';

const manifest = (sampleId: string, completedAt: string, officialU1: number): SampleManifest => ({
  sampleId,
  roundId: 'r1',
  seed: 's',
  officialPerStratum: officialU1,
  reservePerStratum: 0,
  algorithm: 'sha256-rank-v1',
  status: 'completed',
  requestedAt: completedAt,
  requestedBy: 'a',
  completedAt,
  strata: [
    { unitCode: 'U1', fieldCode: 'tu-phap', persons: 9, official: officialU1, reserve: 0, shortfall: 0 },
    { unitCode: 'U2', fieldCode: 'tu-phap', persons: 9, official: 4, reserve: 0, shortfall: 0 },
  ],
});

const submission = (i: number, unitCode: string, level: number): StoredSubmission => ({
  tokenHash: `t${i}`,
  roundId: 'r1',
  sampleId: 'smp2',
  unitCode,
  fieldCode: 'tu-phap',
  templateId: sipasRound().templateId,
  answers: sipasAnswers(level),
  bodyHash: `b${i}`,
  receiptId: `rcp${i}`,
  channel: 'web',
  submittedAt: '2026-03-01T00:00:00.000Z',
});

const deps = (submissions: StoredSubmission[]): ComputeDeps => ({
  samples: {
    listManifests: async () => [
      manifest('smp2', '2026-02-02T00:00:00.000Z', 5),
      manifest('smp1', '2026-02-01T00:00:00.000Z', 7),
      { ...manifest('smp3', '2026-02-03T00:00:00.000Z', 9), status: 'pending' },
    ],
  },
  submissions: { listByRound: async () => submissions },
  now: () => new Date('2026-03-02T00:00:00.000Z'),
});

describe('computeResults (SIPAS)', () => {
  it('indexes each unit from its forms, ranks the units, and takes issued counts from the latest completed sample', async () => {
    const forms = [
      submission(1, 'U1', 5),
      submission(2, 'U1', 4),
      submission(3, 'U2', 2),
      submission(4, 'U2', 5),
    ];
    const results = await computeResults(sipasRound(), 'run1', deps(forms));
    expect(results).toMatchObject({
      roundId: 'r1',
      kind: 'SIPAS',
      runId: 'run1',
      sampleId: 'smp2',
      computedAt: '2026-03-02T00:00:00.000Z',
      methodologyVersion: '2025.1',
    });
    const u1 = results.units.find((u) => u.unitCode === 'U1');
    const u2 = results.units.find((u) => u.unitCode === 'U2');
    expect(u1).toMatchObject({ unitName: 'UBND phường Một', index: 100, rank: 1 });
    expect(u2).toMatchObject({ index: 50, rank: 2 });
    expect(results.round.counts).toMatchObject({ issued: 9, returned: 4 });
  });

  it('no forms: no index, counts still reported', async () => {
    const results = await computeResults(sipasRound(), 'run2', deps([]));
    expect(results.round.counts).toMatchObject({ issued: 9, returned: 0 });
    expect(results.units).toEqual([]);
  });
});
