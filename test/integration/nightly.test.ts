/**
 * The nightly schedule's handler, invoked as EventBridge Scheduler would, against the same
 * engines (test workers inherit the runtime's DIEUTRA_* environment).
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { api, eventually, unique } from './support/api.ts';

describe('nightly scoring schedule', () => {
  it('rescores every round and records a scheduled run', async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('nightly'),
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'N1', name: 'N' }],
        fields: [{ name: 'F' }],
      },
    });
    const roundId = created.json.roundId as string;
    expect((await api('GET', `/api/rounds/${roundId}/results`)).json.latest).toBeNull();
    const { handler } = await import('../../services/scoring/handlers/nightly.ts');
    const out = (await handler({}, { awsRequestId: 'nightly-test' } as Context)) as { rounds: number };
    expect(out.rounds).toBeGreaterThanOrEqual(1);
    // The schedule only requests the run; the fan-out (scoring-parts queue) computes it.
    const runs = await eventually('the scheduled run completed', async () => {
      const r = (await api('GET', `/api/rounds/${roundId}/scoring/runs`)).json.runs;
      return r?.[0]?.status === 'completed' ? r : undefined;
    });
    expect(runs).toEqual([expect.objectContaining({ status: 'completed', trigger: 'schedule' })]);
    const latest = (await api('GET', `/api/rounds/${roundId}/results`)).json.latest;
    expect(latest).toMatchObject({
      roundId,
      trigger: 'schedule',
      round: { counts: { returned: 0, valid: 0 } },
    });
  });
});
