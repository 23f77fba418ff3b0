/** EventBridge Scheduler, locally: invokes schedule-triggered functions with their payload on time. */
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import { LocalRuntimeError } from './errors.ts';
import type { Invoker } from './invoker.ts';
import type { LocalLogger } from './log.ts';
import { nextFireTime, parseScheduleExpression, type Schedule } from './schedule-expression.ts';

/** setTimeout cannot wait longer than 2^31-1 ms; re-arm in steps of an hour. */
const MAX_SLEEP_MS = 3_600_000;

export interface Ticker {
  /** Invokes a schedule-triggered function now, as the scheduler would; resolves with its result. */
  runSchedule(name: string): Promise<unknown>;
  /** Next planned time per function (for the start-up banner and tests). */
  nextRuns(): Array<{ name: string; at: Date | undefined }>;
  stop(): Promise<void>;
}

export const startTicker = ({
  functions,
  invoker,
  log,
  enabled,
  now = () => new Date(),
}: {
  functions: readonly FunctionManifest[];
  invoker: Invoker;
  log: LocalLogger;
  /** When false, nothing fires by itself; `runSchedule` still works. */
  enabled: boolean;
  now?: () => Date;
}): Ticker => {
  const startedAt = now();
  const jobs = functions.flatMap((fn) =>
    fn.trigger.kind === 'schedule'
      ? [{ fn, payload: fn.trigger.payload ?? {}, schedule: parseScheduleExpression(fn.trigger.expression) }]
      : [],
  );
  const planned = new Map<string, Date | undefined>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const run = (job: (typeof jobs)[number]): Promise<unknown> => {
    // Scheduler delivers the configured input as the event itself.
    const work = invoker.invoke(job.fn, structuredClone(job.payload));
    running.add(work);
    void work.catch(() => {}).finally(() => running.delete(work));
    return work;
  };

  const arm = (job: (typeof jobs)[number], schedule: Schedule): void => {
    if (stopped) return;
    const at = nextFireTime(schedule, now(), startedAt);
    planned.set(job.fn.name, at);
    if (!at) return;
    const sleep = Math.min(Math.max(0, at.getTime() - now().getTime()), MAX_SLEEP_MS);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      if (now().getTime() < at.getTime()) return arm(job, schedule);
      log.info(`schedule ${job.fn.name} fires (${at.toISOString()})`);
      run(job).catch((error: unknown) => log.error(`${job.fn.name}: scheduled run failed`, error));
      arm(job, schedule);
    }, sleep);
    timer.unref();
    timers.add(timer);
  };

  if (enabled) for (const job of jobs) arm(job, job.schedule);

  return {
    runSchedule(name) {
      const job = jobs.find((j) => j.fn.name === name);
      if (!job) {
        return Promise.reject(
          new LocalRuntimeError('SCHEDULE_UNKNOWN', `no schedule-triggered function named "${name}"`),
        );
      }
      return run(job);
    },
    nextRuns: () => jobs.map((j) => ({ name: j.fn.name, at: planned.get(j.fn.name) })),
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
};
