import { describe, expect, it } from 'vitest';
import {
  nextFireTime,
  parseScheduleExpression,
  ScheduleExpressionError,
} from '../../../infra/local/schedule-expression.ts';
import { ALL_FUNCTIONS } from '../../../services/manifests.ts';

const next = (expression: string, after: string, startedAt?: string): string | undefined =>
  nextFireTime(
    parseScheduleExpression(expression),
    new Date(after),
    startedAt === undefined ? undefined : new Date(startedAt),
  )?.toISOString();

describe('cron', () => {
  it('fires daily at 19:00 UTC (02:00 in Hà Nội)', () => {
    expect(next('cron(0 19 * * ? *)', '2025-03-01T10:00:00Z')).toBe('2025-03-01T19:00:00.000Z');
    expect(next('cron(0 19 * * ? *)', '2025-03-01T19:00:00Z')).toBe('2025-03-02T19:00:00.000Z');
    expect(next('cron(0 19 * * ? *)', '2025-12-31T19:30:00Z')).toBe('2026-01-01T19:00:00.000Z');
  });

  it('handles steps, ranges, lists and names', () => {
    expect(next('cron(0/15 * * * ? *)', '2025-03-01T10:07:00Z')).toBe('2025-03-01T10:15:00.000Z');
    expect(next('cron(*/20 8-9 * * ? *)', '2025-03-01T09:45:00Z')).toBe('2025-03-02T08:00:00.000Z');
    expect(next('cron(5,35 12 * * ? *)', '2025-03-01T12:06:00Z')).toBe('2025-03-01T12:35:00.000Z');
    // 2025-03-01 is a Saturday; MON-FRI → Monday 3 March.
    expect(next('cron(0 8 ? * MON-FRI *)', '2025-03-01T00:00:00Z')).toBe('2025-03-03T08:00:00.000Z');
    // 1 = Sunday in EventBridge.
    expect(next('cron(0 8 ? * 1 *)', '2025-03-01T00:00:00Z')).toBe('2025-03-02T08:00:00.000Z');
    expect(next('cron(0 0 1 JAN,JUL ? *)', '2025-03-01T00:00:00Z')).toBe('2025-07-01T00:00:00.000Z');
  });

  it('handles L, nL and n#k', () => {
    expect(next('cron(0 0 L * ? *)', '2024-02-10T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    // Last Friday (6) of March 2025 is the 28th.
    expect(next('cron(0 0 ? * 6L *)', '2025-03-01T00:00:00Z')).toBe('2025-03-28T00:00:00.000Z');
    // Second Monday (2#2) of March 2025 is the 10th.
    expect(next('cron(0 0 ? * 2#2 *)', '2025-03-01T00:00:00Z')).toBe('2025-03-10T00:00:00.000Z');
  });

  it('honours the year field and ends when no year is left', () => {
    expect(next('cron(0 0 1 1 ? 2030)', '2025-03-01T00:00:00Z')).toBe('2030-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2020)', '2025-03-01T00:00:00Z')).toBeUndefined();
  });

  it('rejects invalid expressions clearly', () => {
    for (const bad of [
      'cron(0 19 * * * *)',
      'cron(0 19 ? * ? *)',
      'cron(0 19 * *)',
      'cron(60 0 * * ? *)',
      'cron(0 0 1W * ? *)',
      'every day',
      'rate(0 days)',
      'rate(5 weeks)',
    ]) {
      expect(() => parseScheduleExpression(bad), bad).toThrow(ScheduleExpressionError);
    }
  });
});

describe('rate', () => {
  it('fires every period after the start', () => {
    expect(next('rate(5 minutes)', '2025-03-01T10:00:00Z')).toBe('2025-03-01T10:05:00.000Z');
    expect(next('rate(1 hour)', '2025-03-01T10:30:00Z', '2025-03-01T10:00:00Z')).toBe(
      '2025-03-01T11:00:00.000Z',
    );
    expect(next('rate(1 day)', '2025-03-02T00:00:00Z', '2025-03-01T00:00:00Z')).toBe(
      '2025-03-03T00:00:00.000Z',
    );
  });
});

it('parses every schedule of the real manifests', () => {
  for (const fn of ALL_FUNCTIONS) {
    if (fn.trigger.kind === 'schedule')
      expect(() =>
        parseScheduleExpression(fn.trigger.kind === 'schedule' ? fn.trigger.expression : ''),
      ).not.toThrow();
  }
});
