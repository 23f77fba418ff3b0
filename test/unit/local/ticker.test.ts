import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Invoker } from '../../../infra/local/invoker.ts';
import { quietLogger } from '../../../infra/local/log.ts';
import { startTicker } from '../../../infra/local/ticker.ts';
import { defineFunctions } from '../../../shared/platform/manifest.ts';

const functions = defineFunctions('t', [
  {
    name: 't-quarter',
    description: '',
    entry: 'x.ts',
    trigger: { kind: 'schedule', expression: 'cron(0/15 * * * ? *)', payload: { job: 'q' } },
  },
  {
    name: 't-rate',
    description: '',
    entry: 'y.ts',
    trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
  },
]);

describe('ticker', () => {
  const calls: Array<{ name: string; event: unknown }> = [];
  const invoker: Invoker = {
    invoke: async (fn, event) => {
      calls.push({ name: fn.name, event });
      return 'done';
    },
    preload: async () => [],
  };
  beforeEach(() => {
    calls.length = 0;
    vi.useFakeTimers({ now: new Date('2025-03-01T10:07:30Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('invokes schedule handlers with their payload at their times', async () => {
    const ticker = startTicker({ functions, invoker, log: quietLogger, enabled: true });
    expect(ticker.nextRuns()).toEqual([
      { name: 't-quarter', at: new Date('2025-03-01T10:15:00Z') },
      { name: 't-rate', at: new Date('2025-03-01T11:07:30Z') },
    ]);
    await vi.advanceTimersByTimeAsync(7 * 60_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(calls).toEqual([{ name: 't-quarter', event: { job: 'q' } }]);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(calls.filter((c) => c.name === 't-quarter')).toHaveLength(5);
    expect(calls.filter((c) => c.name === 't-rate')).toEqual([{ name: 't-rate', event: {} }]);
    await ticker.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(calls).toHaveLength(6);
  });

  it('runs a schedule on demand, also when disabled', async () => {
    const ticker = startTicker({ functions, invoker, log: quietLogger, enabled: false });
    await expect(ticker.runSchedule('t-quarter')).resolves.toBe('done');
    await expect(ticker.runSchedule('nope')).rejects.toThrow(/no schedule-triggered function named "nope"/);
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    expect(calls).toEqual([{ name: 't-quarter', event: { job: 'q' } }]);
    await ticker.stop();
  });
});
