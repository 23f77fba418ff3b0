import { defineFunctions, httpTrigger } from '../../shared/platform/manifest.ts';
import { roundsRoutes } from './routes.ts';

export const functions = defineFunctions('rounds', [
  {
    name: 'rounds-api',
    description:
      'Rounds, catalogues and questionnaires; lifecycle (transitions, schedule, seed); audit trail; non-responders and reminders',
    entry: 'services/rounds/handlers/api.ts',
    trigger: httpTrigger(roundsRoutes),
    // Reads the other tables through their contracts only: samples, submissions and respondents for
    // the call lists and reminders, every table's audit partition for the merged trail.
    tables: {
      rounds: 'readWrite',
      samples: 'read',
      submissions: 'read',
      respondents: 'read',
      results: 'read',
    },
    // Names and phones of the call lists, form links of the reminders.
    usesSecret: true,
    notifies: true,
    timeoutSeconds: 29,
  },
  {
    name: 'rounds-schedule',
    description:
      'Apply the lifecycle moves whose dates have come (rosters deadline, distribution, fieldwork end)',
    entry: 'services/rounds/handlers/schedule.ts',
    // Every 15 minutes: a deadline closes rosters at most a quarter of an hour late (the guards
    // themselves refuse late rosters and submissions at once, without waiting for the move).
    trigger: { kind: 'schedule', expression: 'rate(15 minutes)' },
    tables: { rounds: 'readWrite' },
    timeoutSeconds: 120,
  },
  {
    name: 'rounds-reminders',
    description:
      'Daily reminders to unanswered active respondents of rounds in the field (09:00 Asia/Ho_Chi_Minh)',
    entry: 'services/rounds/handlers/reminders.ts',
    trigger: { kind: 'schedule', expression: 'cron(0 2 * * ? *)' },
    tables: { rounds: 'readWrite', samples: 'read', submissions: 'read', respondents: 'read' },
    usesSecret: true,
    notifies: true,
    timeoutSeconds: 300,
  },
]);
