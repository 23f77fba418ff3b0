/**
 * The round's lifecycle, stored: transitions by a person (POST …/transitions) or by the calendar
 * (the schedule job), the schedule, the draw seed. The rules are the domain's (round-lifecycle.ts);
 * this module loads the round, asks the guard, and writes the change conditionally on the status it
 * read, with its audit entry in the same transaction — so two concurrent moves cannot both win.
 */

import type { RoundAuditEntry } from '../../shared/contracts/audit.ts';
import {
  applyTransition,
  canFixSeed,
  dueTransitions,
  type LifecycleRound,
  parseRoundSchedule,
  type Refusal,
  type RoundState,
  RoundStateError,
  roundStateOf,
} from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { AppError, ConflictError } from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import { loadRound, type Round, type RoundSchedule } from '../../shared/tables/rounds.ts';
import type { SamplesReader } from '../../shared/tables/samples.ts';
import type { RoundStore } from './store.ts';

/** A lifecycle refusal with its HTTP status: roles 403, reasons 400, the rest a state conflict (409). */
export class LifecycleRefusedError extends AppError {
  constructor(refusal: Pick<Refusal, 'code' | 'message'>) {
    const status =
      refusal.code === 'ROLE_NOT_ALLOWED' || refusal.code === 'OVERRIDE_NOT_ALLOWED'
        ? 403
        : refusal.code === 'REASON_REQUIRED' || refusal.code === 'REASON_TOO_LONG'
          ? 400
          : refusal.code === 'ROUND_CLOSED'
            ? 410
            : 409;
    super(status, refusal.code, refusal.message);
  }
}

const refusedAs = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RoundStateError) throw new LifecycleRefusedError(error);
    throw error;
  }
};

/** Stored values that mean this state (rounds written before the lifecycle say PLANNED). */
const storedAs = (state: string): string[] => (state === 'ROSTERS_OPEN' ? [state, 'PLANNED'] : [state]);

const stateOf = (round: Round): RoundState => roundStateOf(round.status) ?? 'DRAFT';

/** Any completed draw of the round (a superseded one counts: the frame was drawn). */
const hasDraw = async (roundId: string, samples: Pick<SamplesReader, 'listManifests'>) =>
  (await samples.listManifests(roundId)).some((m) => m.status === 'completed');

const lifecycleView = (round: Round, drawn: boolean): LifecycleRound => ({
  status: round.status,
  ...(round.schedule ? { schedule: round.schedule } : {}),
  drawn,
  seedFixed: round.seed !== undefined,
});

export interface LifecycleDeps {
  store: RoundStore;
  samples: Pick<SamplesReader, 'listManifests'>;
  now?: Date;
}

const conflict = () =>
  new ConflictError(
    'ROUND_CHANGED',
    'Đợt vừa được thay đổi bởi thao tác khác; hãy tải lại trạng thái đợt rồi thử lại.',
  );

export const transitionRound = async (
  roundId: string,
  request: { to: RoundState; reason?: string | undefined },
  ctx: LifecycleDeps & { principal: Principal },
): Promise<Round> => {
  const now = ctx.now ?? new Date();
  const round = await loadRound(roundId, ctx.store);
  const from = stateOf(round);
  // The draw is a service's result: a round is SAMPLED only once a draw has completed.
  const drawn = request.to === 'SAMPLED' ? await hasDraw(roundId, ctx.samples) : false;
  if (request.to === 'SAMPLED' && from === 'ROSTERS_CLOSED' && !drawn) {
    throw new LifecycleRefusedError({
      code: 'WRONG_STATE',
      message: 'Chưa có lần chọn mẫu nào hoàn tất; hãy chọn mẫu trước khi chuyển sang "Đã chọn mẫu".',
    });
  }
  const record = refusedAs(() =>
    applyTransition(
      lifecycleView(round, drawn),
      request.to,
      { roles: ctx.principal.roles, ...(request.reason === undefined ? {} : { reason: request.reason }) },
      now,
    ),
  );
  const lastTransition = {
    from: record.from,
    to: record.to,
    at: record.at,
    by: ctx.principal.sub,
    ...(record.reason ? { reason: record.reason } : {}),
  };
  const audit: RoundAuditEntry = {
    roundId,
    at: record.at,
    id: newId('aud'),
    by: ctx.principal.sub,
    service: 'rounds',
    action: 'ROUND_TRANSITION',
    target: `${record.from}→${record.to}`,
    ...(record.reason ? { reason: record.reason } : {}),
    details: { from: record.from, to: record.to, roles: record.by },
  };
  const ok = await ctx.store.updateIf(
    roundId,
    { status: storedAs(from) },
    { status: record.to, lastTransition },
    audit,
  );
  if (!ok) throw conflict();
  return { ...round, status: record.to, lastTransition };
};

/** Which states a schedule may still change in: until fieldwork has ended. */
const SCHEDULE_EDITABLE: readonly RoundState[] = [
  'DRAFT',
  'ROSTERS_OPEN',
  'ROSTERS_CLOSED',
  'SAMPLED',
  'IN_FIELD',
];

export const updateSchedule = async (
  roundId: string,
  patch: { [K in keyof RoundSchedule]?: string | null },
  ctx: LifecycleDeps & { principal: Principal; reason?: string | undefined },
): Promise<Round> => {
  const now = ctx.now ?? new Date();
  const round = await loadRound(roundId, ctx.store);
  const state = stateOf(round);
  if (!SCHEDULE_EDITABLE.includes(state)) {
    throw new LifecycleRefusedError({
      code: 'WRONG_STATE',
      message: 'Đợt đã kết thúc khảo sát; không đổi lịch được nữa.',
    });
  }
  const merged: Record<string, string> = { ...(round.schedule ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  // Order and dates by the domain (ScheduleError → 400 naming the entry).
  const schedule = parseRoundSchedule(merged) as RoundSchedule;
  const at = now.toISOString();
  const ok = await ctx.store.updateIf(
    roundId,
    { status: storedAs(state) },
    { schedule },
    {
      roundId,
      at,
      id: newId('aud'),
      by: ctx.principal.sub,
      service: 'rounds',
      action: 'SCHEDULE_CHANGED',
      ...(ctx.reason ? { reason: ctx.reason } : {}),
      details: { before: round.schedule ?? {}, after: schedule },
    },
  );
  if (!ok) throw conflict();
  return { ...round, schedule };
};

export const fixSeed = async (
  roundId: string,
  input: { value: string; source: string },
  ctx: LifecycleDeps & { principal: Principal },
): Promise<{ created: boolean; round: Round }> => {
  const now = ctx.now ?? new Date();
  const round = await loadRound(roundId, ctx.store);
  // Re-sending the same seed finds it (no second entry); another seed is refused.
  if (round.seed && round.seed.value === input.value && round.seed.source === input.source) {
    return { created: false, round };
  }
  const drawn = await hasDraw(roundId, ctx.samples);
  const decision = canFixSeed(lifecycleView(round, drawn), now);
  if (!decision.ok) throw new LifecycleRefusedError(decision);
  const seed = { ...input, fixedAt: now.toISOString(), fixedBy: ctx.principal.sub };
  const ok = await ctx.store.updateIf(
    roundId,
    { status: storedAs(stateOf(round)), requireNoSeed: true },
    { seed },
    {
      roundId,
      at: seed.fixedAt,
      id: newId('aud'),
      by: ctx.principal.sub,
      service: 'rounds',
      action: 'SEED_FIXED',
      details: { value: input.value, source: input.source },
    },
  );
  if (!ok) {
    throw new LifecycleRefusedError({
      code: 'SEED_ALREADY_FIXED',
      message: 'Hạt giống chọn mẫu đã được cố định.',
    });
  }
  return { created: true, round: { ...round, seed } };
};

export interface ScheduledMove {
  roundId: string;
  from: RoundState;
  to: RoundState;
  trigger: string;
}

/**
 * The schedule job: every round's time-driven moves that are due, applied in order with the
 * `schedule` role. A move another tick (or a person) made first is skipped; so is the rest of its chain.
 */
export const applyDueTransitions = async (deps: {
  store: Pick<RoundStore, 'listAll' | 'updateIf'>;
  now?: Date;
}): Promise<{ rounds: number; moved: ScheduledMove[] }> => {
  const now = deps.now ?? new Date();
  const rounds = await deps.store.listAll();
  const moved: ScheduledMove[] = [];
  for (const round of rounds) {
    let current: Round = round;
    for (const due of dueTransitions(round, now)) {
      const record = applyTransition(
        { ...lifecycleView(current, false), status: due.from },
        due.to,
        { roles: ['schedule'] },
        now,
      );
      const lastTransition = {
        from: due.from,
        to: due.to,
        at: record.at,
        by: 'schedule',
        trigger: due.trigger,
      };
      const ok = await deps.store.updateIf(
        round.id,
        { status: storedAs(due.from) },
        { status: due.to, lastTransition },
        {
          roundId: round.id,
          at: record.at,
          id: newId('aud'),
          by: 'schedule',
          service: 'rounds',
          action: 'ROUND_TRANSITION',
          target: `${due.from}→${due.to}`,
          details: {
            from: due.from,
            to: due.to,
            trigger: due.trigger,
            dueAt: due.dueAt,
            roles: ['schedule'],
          },
        },
      );
      if (!ok) break;
      moved.push({ roundId: round.id, from: due.from, to: due.to, trigger: due.trigger });
      current = { ...current, status: due.to };
    }
  }
  return { rounds: rounds.length, moved };
};
