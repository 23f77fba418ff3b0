/**
 * The rounds service's notifier: the configured adapter (outbox folder locally, SNS/SES in AWS) with
 * this service's renderer, built once per container.
 */
import { createNotifier, type Notifier, notifyConfig } from '../../shared/platform/notify.ts';
import { renderReminder } from './reminders.ts';

let cached: Notifier | undefined;

export const reminderNotifier = (): Notifier => {
  cached ??= createNotifier(notifyConfig(), { render: renderReminder });
  return cached;
};
