/**
 * The daily reminder job: every round in the field whose settings ask for daily reminders gets one
 * reminder run (one message per unanswered active respondent; a re-run the same day sends nothing
 * twice). A round that fails is logged and the others still run.
 */
import type { Context } from 'aws-lambda';
import { canSubmit } from '../../../shared/domain/index.ts';
import { platformConfig } from '../../../shared/platform/config.ts';
import { keys } from '../../../shared/platform/crypto.ts';
import { logger } from '../../../shared/platform/logger.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import { samplesReader } from '../../../shared/tables/samples.ts';
import { submissionsReader } from '../../../shared/tables/submissions.ts';
import { reminderNotifier } from '../notifier.ts';
import { type ReminderRunResult, runReminders } from '../reminders.ts';
import { reminderStore, roundStore } from '../store.ts';

const rounds = roundStore();
const deps = {
  samples: samplesReader(),
  submissions: submissionsReader(),
  respondents: respondentsReader(),
  reminders: reminderStore(),
  keys,
};
const log = logger('rounds');

export const handler = async (_event: unknown, context: Pick<Context, 'awsRequestId'>) => {
  const now = new Date();
  const due = (await rounds.listAll()).filter(
    (r) => r.settings.dailyReminders === true && canSubmit(r, now).ok,
  );
  const runs: ReminderRunResult[] = [];
  let failed = 0;
  for (const round of due) {
    try {
      runs.push(
        await runReminders(round, {
          ...deps,
          notifier: reminderNotifier(),
          baseUrl: platformConfig().DIEUTRA_PUBLIC_BASE_URL ?? '',
          by: 'schedule',
          now,
        }),
      );
    } catch (error) {
      failed++;
      log.error('reminder run failed', {
        roundId: round.id,
        error: error instanceof Error ? error.name : 'UNKNOWN',
      });
    }
  }
  log.info('daily reminders', { requestId: context.awsRequestId, rounds: due.length, failed });
  return { rounds: due.length, failed, runs };
};
