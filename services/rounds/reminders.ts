/**
 * Reminders to those who have not answered (the call teams' most requested feature). The round's
 * current samples' ACTIVE assignments without a submission are the non-responders: an answered form
 * or a revoked link (replaced by a reserve) is never on the list and never gets a message. Samples,
 * submissions and respondents are read through their contract readers only.
 *
 * A reminder run writes one outbox message per reachable non-responder (SMS to a mobile number;
 * landlines are left to the call teams), claimed first in the rounds table under the run's day, so a
 * re-run the same day sends nothing twice; each claim has its audit entry. Nothing of a message's
 * content (recipient, text, link) is stored or logged.
 */
import { canSubmit, encodePaperCode, formatPaperCode } from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { decryptPii, formToken, type Keys, paperCodeBytes } from '../../shared/platform/crypto.ts';
import { type CsvCell, toCsv } from '../../shared/platform/csv.ts';
import { logger } from '../../shared/platform/logger.ts';
import type { NotificationRenderer, Notifier } from '../../shared/platform/notify.ts';
import { keyHash } from '../../shared/platform/notify.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import { placeNames, type Round } from '../../shared/tables/rounds.ts';
import {
  type Assignment,
  assignmentStatus,
  type SamplesReader,
  tokenAssignment,
} from '../../shared/tables/samples.ts';
import type { SubmissionsReader } from '../../shared/tables/submissions.ts';
import { LifecycleRefusedError } from './lifecycle.ts';
import type { ReminderStore } from './store.ts';

export interface NonResponderDeps {
  samples: Pick<SamplesReader, 'listManifests' | 'listAssignments'>;
  submissions: Pick<SubmissionsReader, 'listByRound'>;
}

/** Active assignments of the round's current samples that have no submission, by unit, field, rank. */
export const findNonResponders = async (round: Round, deps: NonResponderDeps): Promise<Assignment[]> => {
  const manifests = (await deps.samples.listManifests(round.id)).filter(
    (m) => m.status === 'completed' && m.supersededBy === undefined,
  );
  const assignments = (
    await Promise.all(manifests.map((m) => deps.samples.listAssignments(m.sampleId)))
  ).flat();
  const answered = new Set((await deps.submissions.listByRound(round.id)).map((s) => s.tokenHash));
  return assignments
    .filter((a) => assignmentStatus(a) === 'active' && !answered.has(a.tokenHash))
    .sort((a, b) =>
      a.unitCode !== b.unitCode
        ? a.unitCode.localeCompare(b.unitCode)
        : a.fieldCode !== b.fieldCode
          ? a.fieldCode.localeCompare(b.fieldCode)
          : a.list !== b.list
            ? a.list === 'official'
              ? -1
              : 1
            : a.rank - b.rank,
    );
};

/** Roles that see names and phone numbers on the call list. */
const PII_ROLES = new Set(['admin', 'operator']);

export interface NonResponderRow {
  unitCode: string;
  unitName: string;
  fieldCode: string;
  fieldName: string;
  list: 'official' | 'reserve';
  rank: number;
  sampleId: string;
  /** Last day a reminder was sent (yyyy-mm-dd), if any. */
  lastReminder?: string;
  reminders: number;
  name?: string;
  phone?: string;
  phoneKind?: 'mobile' | 'landline';
  paperCode?: string;
}

export const listNonResponders = async (
  round: Round,
  query: { unit?: string | undefined },
  ctx: NonResponderDeps & {
    principal: Principal;
    keys: () => Promise<Keys>;
    respondents: Pick<RespondentsReader, 'getPersons'>;
    reminders: Pick<ReminderStore, 'listReminders'>;
  },
): Promise<{ items: NonResponderRow[]; byUnit: Record<string, number>; withPersonalData: boolean }> => {
  const scoped = (await findNonResponders(round, ctx)).filter(
    (a) =>
      canAccessUnit(ctx.principal, a.unitCode) && (query.unit === undefined || a.unitCode === query.unit),
  );
  const withPersonalData = ctx.principal.roles.some((r) => PII_ROLES.has(r));
  const keys = withPersonalData ? await ctx.keys() : undefined;
  const persons = keys
    ? new Map(
        (
          await ctx.respondents.getPersons(
            round.id,
            scoped.map((a) => a.personKey),
          )
        ).map((p) => [p.personKey, p]),
      )
    : new Map();
  const sent = new Map<string, { last: string; count: number }>();
  for (const r of await ctx.reminders.listReminders(round.id)) {
    if (r.status !== 'sent') continue;
    const seen = sent.get(r.tokenHash);
    sent.set(r.tokenHash, {
      last: seen && seen.last > r.runDay ? seen.last : r.runDay,
      count: (seen?.count ?? 0) + 1,
    });
  }
  const place = placeNames(round);
  const byUnit: Record<string, number> = {};
  const items = scoped.map((a): NonResponderRow => {
    byUnit[a.unitCode] = (byUnit[a.unitCode] ?? 0) + 1;
    const person = persons.get(a.personKey);
    const reminded = sent.get(a.tokenHash);
    return {
      ...place(a),
      list: a.list,
      rank: a.rank,
      sampleId: a.sampleId,
      reminders: reminded?.count ?? 0,
      ...(reminded ? { lastReminder: reminded.last } : {}),
      ...(keys && person
        ? {
            name: decryptPii(keys, person.nameEnc),
            phone: decryptPii(keys, person.phoneEnc),
            phoneKind: person.phoneKind,
            paperCode: formatPaperCode(encodePaperCode(paperCodeBytes(keys, tokenAssignment(a)))),
          }
        : {}),
    };
  });
  return { items, byUnit, withPersonalData };
};

const CSV_HEADER = [
  'STT',
  'Mã đơn vị',
  'Đơn vị',
  'Lĩnh vực',
  'Danh sách',
  'Thứ tự',
  'Họ và tên',
  'Số điện thoại',
  'Mã phiếu giấy',
  'Số lần đã nhắc',
  'Lần nhắc gần nhất',
];

/** The call list as CSV: UTF-8 BOM, CRLF, every free-text cell formula-safe. */
export const nonRespondersCsv = (rows: readonly NonResponderRow[]): string =>
  toCsv(
    CSV_HEADER,
    rows.map((r, i): CsvCell[] => [
      i + 1,
      r.unitCode,
      r.unitName,
      r.fieldName,
      r.list === 'official' ? 'Chính thức' : 'Dự phòng',
      r.rank,
      r.name ?? '',
      // E.164 numbers we normalised ourselves (the leading + is not a formula).
      r.phone ? { safe: r.phone } : '',
      r.paperCode ? { safe: r.paperCode } : '',
      r.reminders,
      r.lastReminder ?? '',
    ]),
  );

// ---------------------------------------------------------------------------------------------------
// Reminder runs

export const REMINDER_TEMPLATE = 'survey-reminder';

/** The reminder's text (Vietnamese, one SMS); the adapters never see anything but template + params. */
export const renderReminder: NotificationRenderer = (template, params) => {
  if (template !== REMINDER_TEMPLATE) throw new Error(`unknown notification template ${template}`);
  return {
    subject: `Nhắc tham gia khảo sát: ${params.round ?? ''}`,
    text: `Kính mời Ông/Bà dành ít phút trả lời phiếu khảo sát sự hài lòng về ${params.unit ?? ''} (${params.round ?? ''}): ${params.link ?? ''}${params.until ? `. Hạn cuối: ${params.until}` : ''}. Trân trọng cảm ơn!`,
  };
};

/** The local calendar day of an instant (Việt Nam, UTC+07:00, no daylight saving). */
export const localDay = (at: Date, offsetMinutes = 420): string =>
  new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);

const viDate = (iso: string | undefined): string | undefined => {
  if (!iso) return undefined;
  const [y, m, d] = localDay(new Date(iso)).split('-');
  return `${d}/${m}/${y}`;
};

export interface ReminderRunResult {
  roundId: string;
  runDay: string;
  nonResponders: number;
  sent: number;
  alreadySent: number;
  /** No mobile number (landline): left to the call teams. */
  unreachable: number;
  failed: number;
}

export interface ReminderDeps extends NonResponderDeps {
  respondents: Pick<RespondentsReader, 'getPersons'>;
  reminders: ReminderStore;
  keys: () => Promise<Keys>;
  notifier: Notifier;
  /** Scheme + host of the public form links. */
  baseUrl: string;
  by: string;
  now?: Date;
}

export const runReminders = async (round: Round, deps: ReminderDeps): Promise<ReminderRunResult> => {
  const now = deps.now ?? new Date();
  const decision = canSubmit(round, now);
  if (!decision.ok) throw new LifecycleRefusedError(decision);
  const runDay = localDay(now);
  const log = logger('rounds');
  const pending = await findNonResponders(round, deps);
  const keys = await deps.keys();
  const persons = new Map(
    (
      await deps.respondents.getPersons(
        round.id,
        pending.map((a) => a.personKey),
      )
    ).map((p) => [p.personKey, p]),
  );
  const earlier = new Map(
    (await deps.reminders.listReminders(round.id, runDay)).map((r) => [r.tokenHash, r]),
  );
  const unitName = new Map(round.units.map((u) => [u.code, u.name]));
  const until = viDate(round.schedule?.fieldworkEnd);
  const result: ReminderRunResult = {
    roundId: round.id,
    runDay,
    nonResponders: pending.length,
    sent: 0,
    alreadySent: 0,
    unreachable: 0,
    failed: 0,
  };
  for (const a of pending) {
    const person = persons.get(a.personKey);
    if (person?.phoneKind !== 'mobile') {
      result.unreachable++;
      continue;
    }
    const previous = earlier.get(a.tokenHash);
    if (previous?.status === 'sent') {
      result.alreadySent++;
      continue;
    }
    const record = {
      roundId: round.id,
      runDay,
      tokenHash: a.tokenHash,
      unitCode: a.unitCode,
      fieldCode: a.fieldCode,
      channel: 'sms' as const,
      status: 'pending' as const,
      createdAt: now.toISOString(),
    };
    if (!previous) {
      const claimed = await deps.reminders.claimReminder(record, {
        roundId: round.id,
        at: now.toISOString(),
        id: `reminder-${runDay}-${a.tokenHash.slice(0, 24)}`,
        by: deps.by,
        service: 'rounds',
        action: 'REMINDER_SENT',
        target: `${a.sampleId}/${a.unitCode}/${a.fieldCode}/${a.list}#${a.rank}`,
        details: { channel: 'sms', runDay },
      });
      // Another run of the same day claimed it first: that run sends it.
      if (!claimed) {
        result.alreadySent++;
        continue;
      }
    }
    const idempotencyKey = `reminder:${round.id}:${runDay}:${a.tokenHash}`;
    try {
      const { id } = await deps.notifier.send({
        channel: 'sms',
        to: decryptPii(keys, person.phoneEnc),
        template: REMINDER_TEMPLATE,
        params: {
          round: round.name,
          unit: unitName.get(a.unitCode) ?? a.unitCode,
          link: `${deps.baseUrl}/f/${formToken(keys, tokenAssignment(a))}`,
          ...(until ? { until } : {}),
        },
        idempotencyKey,
      });
      await deps.reminders.markReminder(record, {
        status: 'sent',
        notificationId: id,
        at: new Date().toISOString(),
      });
      result.sent++;
    } catch (error) {
      // The provider's message may quote the recipient: keep only the error's code or name.
      const failure =
        (error as { code?: unknown }).code !== undefined
          ? String((error as { code?: unknown }).code)
          : error instanceof Error
            ? error.name
            : 'UNKNOWN';
      log.error('reminder not sent', { roundId: round.id, keyHash: keyHash(idempotencyKey), failure });
      await deps.reminders.markReminder(record, { status: 'failed', failure });
      result.failed++;
    }
  }
  log.info('reminder run', { ...result });
  return result;
};
