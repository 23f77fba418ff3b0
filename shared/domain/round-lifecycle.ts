/**
 * Round lifecycle (docs/lifecycle.md): the states of a survey round, who moves it from one to the next,
 * which dates move it by themselves, and what each state allows.
 *
 *   DRAFT → ROSTERS_OPEN → ROSTERS_CLOSED → SAMPLED → IN_FIELD → CLOSED → SCORED → PUBLISHED
 *
 * The plans in the seeds are dates and duties (rosters by a deadline, the draw, distribution, fieldwork,
 * collection, scoring — methodology.md §2.4), so the transitions table and the allowed actions are data
 * (`lifecycleConfigSchema`, zod-validated, `DEFAULT_LIFECYCLE` as default) that a province can change.
 * Guards are pure: they take the round's state, its schedule and `now`, and answer with a decision whose
 * refusal carries a stable code and a Vietnamese message. Time checks do not wait for the ticker: a
 * submission after fieldwork end is refused even if the round has not been moved to CLOSED yet.
 */
import { z } from 'zod';
import { ConfigError, DomainError, type Issue, IssuesError } from './errors.ts';
import { normaliseText } from './text.ts';

export const ROUND_STATES = [
  'DRAFT',
  'ROSTERS_OPEN',
  'ROSTERS_CLOSED',
  'SAMPLED',
  'IN_FIELD',
  'CLOSED',
  'SCORED',
  'PUBLISHED',
] as const;
export const roundStateSchema = z.enum(ROUND_STATES);
export type RoundState = (typeof ROUND_STATES)[number];

/** Names stored by earlier versions: rounds created as PLANNED accepted rosters at once. */
export const LEGACY_ROUND_STATES: Readonly<Record<string, RoundState>> = { PLANNED: 'ROSTERS_OPEN' };

export const ROUND_STATE_NAME_VI: Readonly<Record<RoundState, string>> = {
  DRAFT: 'Nháp',
  ROSTERS_OPEN: 'Đang nhận danh sách',
  ROSTERS_CLOSED: 'Đã khóa danh sách',
  SAMPLED: 'Đã chọn mẫu',
  IN_FIELD: 'Đang khảo sát',
  CLOSED: 'Đã kết thúc khảo sát',
  SCORED: 'Đã tính điểm',
  PUBLISHED: 'Đã công bố',
};

/**
 * Who may move a round: the API's roles (shared/platform/auth.ts), `system` (a service acting on its own
 * result, e.g. sampling after a draw) and `schedule` (EventBridge Scheduler in AWS, the local ticker).
 */
export const LIFECYCLE_ROLES = ['admin', 'operator', 'viewer', 'system', 'schedule'] as const;
export const lifecycleRoleSchema = z.enum(LIFECYCLE_ROLES);
export type LifecycleRole = (typeof LIFECYCLE_ROLES)[number];

export const LIFECYCLE_ROLE_NAME_VI: Readonly<Record<LifecycleRole, string>> = {
  admin: 'quản trị viên',
  operator: 'cán bộ nghiệp vụ',
  viewer: 'người xem',
  system: 'hệ thống',
  schedule: 'lịch tự động',
};
const roleNames = (roles: readonly LifecycleRole[]) => roles.map((r) => LIFECYCLE_ROLE_NAME_VI[r]).join(', ');

export const SCHEDULE_KEYS = ['rostersDeadline', 'distributionDate', 'fieldworkEnd'] as const;
export type ScheduleKey = (typeof SCHEDULE_KEYS)[number];

export const SCHEDULE_NAME_VI: Readonly<Record<ScheduleKey, string>> = {
  rostersDeadline: 'hạn nộp danh sách',
  distributionDate: 'ngày phát phiếu',
  fieldworkEnd: 'ngày kết thúc khảo sát',
};

// ---------------------------------------------------------------------------------------------------
// Schedule

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

const scheduleDateSchema = z
  .string()
  .refine((v) => (DATE_ONLY.test(v) || DATE_TIME.test(v)) && isRealDate(v), {
    message: 'ngày phải dạng ISO yyyy-mm-dd hoặc yyyy-mm-ddThh:mm(+07:00)',
  });

function isRealDate(value: string): boolean {
  const day = value.slice(0, 10);
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

export const roundScheduleSchema = z
  .object({
    rostersDeadline: scheduleDateSchema.optional(),
    distributionDate: scheduleDateSchema.optional(),
    fieldworkEnd: scheduleDateSchema.optional(),
  })
  .strict();
export type RoundSchedule = z.infer<typeof roundScheduleSchema>;

/**
 * The instant a schedule date takes effect. A date without a time is a local calendar day (offset of the
 * config, Việt Nam +07:00 by default): a deadline or an end date runs to the end of that day ("danh sách
 * gửi trước hết ngày 22/9"), a distribution date starts at its first minute. A date-time without an
 * offset is local time too.
 */
export function scheduleInstant(
  schedule: RoundSchedule | undefined,
  key: ScheduleKey,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Date | null {
  const value = schedule?.[key];
  if (value === undefined) return null;
  const offset = config.timeZoneOffsetMinutes * 60_000;
  if (DATE_ONLY.test(value)) {
    const localMidnight = Date.parse(`${value}T00:00:00Z`) - offset;
    return new Date(key === 'distributionDate' ? localMidnight : localMidnight + 86_400_000);
  }
  if (/(Z|[+-]\d{2}:\d{2})$/.test(value)) return new Date(value);
  return new Date(Date.parse(`${value}Z`) - offset);
}

export class ScheduleError extends IssuesError {
  readonly code = 'INVALID_SCHEDULE';
}

/** Validate a round's schedule: ISO dates, and deadline ≤ distribution < fieldwork end. */
export function parseRoundSchedule(
  input: unknown,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): RoundSchedule {
  const parsed = roundScheduleSchema.safeParse(input);
  if (!parsed.success) {
    throw new ScheduleError(
      parsed.error.issues.map((i) => {
        const key = i.path.join('.');
        const where = key === '' ? 'lịch đợt' : `lịch đợt, mục ${key}`;
        return {
          where,
          code: i.code === 'unrecognized_keys' ? 'UNKNOWN_SCHEDULE_KEY' : 'INVALID_DATE',
          message: `${where}: ${i.message}`,
        };
      }),
    );
  }
  const schedule = parsed.data;
  const issues: Issue[] = [];
  const at = (k: ScheduleKey) => scheduleInstant(schedule, k, config);
  const deadline = at('rostersDeadline');
  const distribution = at('distributionDate');
  const end = at('fieldworkEnd');
  const order = (a: ScheduleKey, b: ScheduleKey, ok: boolean) => {
    if (ok) return;
    const where = `lịch đợt, mục ${b}`;
    issues.push({
      where,
      code: 'SCHEDULE_ORDER',
      message: `${where}: ${SCHEDULE_NAME_VI[b]} phải sau ${SCHEDULE_NAME_VI[a]}`,
    });
  };
  if (deadline && distribution) order('rostersDeadline', 'distributionDate', deadline <= distribution);
  if (distribution && end) order('distributionDate', 'fieldworkEnd', distribution < end);
  if (deadline && end && !distribution) order('rostersDeadline', 'fieldworkEnd', deadline < end);
  if (issues.length > 0) throw new ScheduleError(issues);
  return schedule;
}

// ---------------------------------------------------------------------------------------------------
// Configuration: transitions and what each state allows

export const ROUND_ACTIONS = [
  'uploadRoster',
  'uploadRosterWithOverride',
  'fixSeed',
  'draw',
  'submit',
  'enterPaper',
  'score',
  'publish',
] as const;
export type RoundAction = (typeof ROUND_ACTIONS)[number];

export const transitionSchema = z
  .object({
    from: roundStateSchema,
    to: roundStateSchema,
    roles: z.array(lifecycleRoleSchema).min(1),
    /** Time-driven: the `schedule` role may make the move once this date has come. */
    at: z.enum(SCHEDULE_KEYS).optional(),
    /** A reason is recorded with the move (re-opening a closed phase). */
    requiresReason: z.boolean().optional(),
  })
  .strict();
export type Transition = z.infer<typeof transitionSchema>;

const statesSchema = z.array(roundStateSchema);

export const lifecycleConfigSchema = z
  .object({
    version: z.string().min(1),
    /** Offset of local time from UTC for date-only schedule entries (Việt Nam: +420). */
    timeZoneOffsetMinutes: z.number().int().min(-720).max(840),
    transitions: z.array(transitionSchema).min(1),
    /** States in which each action is allowed (time rules apply on top). */
    allows: z.object(
      Object.fromEntries(ROUND_ACTIONS.map((a) => [a, statesSchema])) as Record<
        RoundAction,
        typeof statesSchema
      >,
    ),
    /** Roles that may override the roster deadline (always with a reason). */
    overrideRoles: z.array(lifecycleRoleSchema).min(1),
    /** Longest reason kept with an override or a move (characters). */
    maxReasonLength: z.number().int().positive(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.transitions.forEach((t, i) => {
      const key = `${t.from}→${t.to}`;
      const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['transitions', i], message });
      if (seen.has(key)) issue(`chuyển trạng thái ${key} khai báo hai lần`);
      seen.add(key);
      if (t.from === t.to) issue(`chuyển trạng thái ${key} không đổi trạng thái`);
      if (t.at !== undefined && !t.roles.includes('schedule')) {
        issue(`chuyển trạng thái ${key} theo lịch (${t.at}) phải cho phép vai trò "schedule"`);
      }
      if (t.at === undefined && t.roles.includes('schedule')) {
        issue(`chuyển trạng thái ${key}: vai trò "schedule" cần ngày kích hoạt ("at")`);
      }
    });
  });
export type LifecycleConfig = z.infer<typeof lifecycleConfigSchema>;

const DEFAULT_LIFECYCLE_INPUT: LifecycleConfig = {
  version: '2026.1',
  timeZoneOffsetMinutes: 7 * 60,
  transitions: [
    { from: 'DRAFT', to: 'ROSTERS_OPEN', roles: ['admin'] },
    { from: 'ROSTERS_OPEN', to: 'ROSTERS_CLOSED', roles: ['admin', 'schedule'], at: 'rostersDeadline' },
    { from: 'ROSTERS_CLOSED', to: 'ROSTERS_OPEN', roles: ['admin'], requiresReason: true },
    { from: 'ROSTERS_CLOSED', to: 'SAMPLED', roles: ['admin', 'system'] },
    { from: 'SAMPLED', to: 'IN_FIELD', roles: ['admin', 'schedule'], at: 'distributionDate' },
    { from: 'IN_FIELD', to: 'CLOSED', roles: ['admin', 'schedule'], at: 'fieldworkEnd' },
    { from: 'CLOSED', to: 'IN_FIELD', roles: ['admin'], requiresReason: true },
    { from: 'CLOSED', to: 'SCORED', roles: ['admin', 'system'] },
    { from: 'SCORED', to: 'PUBLISHED', roles: ['admin'] },
  ],
  allows: {
    uploadRoster: ['ROSTERS_OPEN'],
    // Late rosters only until the draw: after it, a new roster would change the frame already sampled.
    uploadRosterWithOverride: ['ROSTERS_OPEN', 'ROSTERS_CLOSED'],
    // The seed is committed before the frame is complete, so nobody can pick it to favour a draw.
    fixSeed: ['ROSTERS_OPEN'],
    // SAMPLED too: strata are drawn one by one and reserves topped up before fieldwork starts.
    draw: ['ROSTERS_CLOSED', 'SAMPLED'],
    submit: ['IN_FIELD'],
    // Paper forms come back through the post office after fieldwork ends (methodology.md §2.1).
    enterPaper: ['IN_FIELD', 'CLOSED'],
    score: ['CLOSED', 'SCORED'],
    publish: ['SCORED'],
  },
  overrideRoles: ['admin'],
  maxReasonLength: 500,
};

/** The lifecycle a round follows unless its province configured another. */
export const DEFAULT_LIFECYCLE: LifecycleConfig = lifecycleConfigSchema.parse(DEFAULT_LIFECYCLE_INPUT);

/** A province's lifecycle: the default with the given settings replaced, validated. */
export function resolveLifecycleConfig(
  overrides: Partial<LifecycleConfig> = {},
  base: LifecycleConfig = DEFAULT_LIFECYCLE,
): LifecycleConfig {
  const merged = {
    ...base,
    ...overrides,
    allows: { ...base.allows, ...overrides.allows },
  };
  const parsed = lifecycleConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const where = `quy trình đợt "${i.path.join('.')}"`;
        return { where, code: 'INVALID_LIFECYCLE', message: `${where}: ${i.message}` };
      }),
    );
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------
// Decisions

export type RoundRefusalCode =
  | 'UNKNOWN_STATE'
  | 'ROUND_NOT_OPEN'
  | 'ROUND_CLOSED'
  | 'WRONG_STATE'
  | 'ROSTERS_DEADLINE_PASSED'
  | 'ROSTERS_CLOSED'
  | 'ROSTERS_STILL_OPEN'
  | 'OVERRIDE_NOT_ALLOWED'
  | 'REASON_REQUIRED'
  | 'REASON_TOO_LONG'
  | 'ALREADY_DRAWN'
  | 'SEED_ALREADY_FIXED'
  | 'TRANSITION_NOT_ALLOWED'
  | 'ROLE_NOT_ALLOWED'
  | 'SCHEDULE_MISSING'
  | 'TOO_EARLY';

export interface Refusal {
  ok: false;
  code: RoundRefusalCode;
  message: string;
}
export type Decision = { ok: true; override?: { reason: string } } | Refusal;

/** A refused action or move, for use cases that throw (the HTTP layer maps the code once). */
export class RoundStateError extends DomainError {
  readonly code: RoundRefusalCode;
  constructor(refusal: Refusal) {
    super(refusal.message);
    this.code = refusal.code;
  }
}

/** Throw the refusal, or return the accepted decision. */
export function assertAllowed(decision: Decision): Extract<Decision, { ok: true }> {
  if (!decision.ok) throw new RoundStateError(decision);
  return decision;
}

const refuse = (code: RoundRefusalCode, message: string): Refusal => ({ ok: false, code, message });
const OK: Decision = { ok: true };

/** What the guards need of a round (the rounds table item has more). */
export interface LifecycleRound {
  /** Stored state; legacy names (`PLANNED`) are accepted. */
  status: string;
  schedule?: RoundSchedule;
  /** Any draw made for this round (sampling). */
  drawn?: boolean;
  /** The draw seed has been fixed (committed). */
  seedFixed?: boolean;
}

/** The state of a stored status, mapping legacy names; `null` when unknown. */
export function roundStateOf(status: string): RoundState | null {
  if ((ROUND_STATES as readonly string[]).includes(status)) return status as RoundState;
  return LEGACY_ROUND_STATES[status] ?? null;
}

function stateOrRefusal(round: LifecycleRound): RoundState | Refusal {
  return (
    roundStateOf(round.status) ?? refuse('UNKNOWN_STATE', `Trạng thái đợt "${round.status}" không hợp lệ.`)
  );
}

const order = (s: RoundState) => ROUND_STATES.indexOf(s);
const name = (s: RoundState) => `"${ROUND_STATE_NAME_VI[s]}"`;
const viTime = (d: Date, config: LifecycleConfig) => {
  const local = new Date(d.getTime() + config.timeZoneOffsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(local.getUTCHours())}:${p(local.getUTCMinutes())} ngày ${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`;
};

/** Where the state stands relative to an action's allowed states: inside, before or after them. */
function phase(state: RoundState, allowed: readonly RoundState[]): 'in' | 'before' | 'after' {
  if (allowed.includes(state)) return 'in';
  const first = Math.min(...allowed.map(order));
  return allowed.length === 0 || order(state) > first ? 'after' : 'before';
}

const ACTION_VI: Readonly<Record<RoundAction, string>> = {
  uploadRoster: 'nộp danh sách',
  uploadRosterWithOverride: 'nộp danh sách (ngoại lệ)',
  fixSeed: 'cố định hạt giống chọn mẫu',
  draw: 'chọn mẫu',
  submit: 'gửi phiếu',
  enterPaper: 'nhập phiếu giấy',
  score: 'tính điểm',
  publish: 'công bố kết quả',
};

function wrongState(state: RoundState, action: RoundAction, config: LifecycleConfig): Refusal {
  const allowed = config.allows[action];
  return refuse(
    'WRONG_STATE',
    `Không thể ${ACTION_VI[action]} khi đợt ở trạng thái ${name(state)}${allowed.length > 0 ? ` (chỉ khi ${allowed.map(name).join(', ')})` : ''}.`,
  );
}

function checkReason(reason: string | undefined, config: LifecycleConfig): Refusal | string {
  const text = normaliseText(reason ?? '');
  if (text === '') return refuse('REASON_REQUIRED', 'Cần ghi lý do.');
  if ([...text].length > config.maxReasonLength) {
    return refuse('REASON_TOO_LONG', `Lý do dài quá ${config.maxReasonLength} ký tự.`);
  }
  return text;
}

export interface RosterOverride {
  /** Roles of whoever asks for the override (a principal's roles). */
  roles: readonly string[];
  reason: string;
}

/**
 * A roster may be uploaded while rosters are open and before the deadline; after the deadline, or once
 * rosters are closed (before the draw), only with an override by an admin with a reason, which the
 * accepted decision returns so the caller records it in the audit trail.
 */
export function canUploadRoster(
  round: LifecycleRound,
  now: Date,
  override?: RosterOverride,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  const state = stateOrRefusal(round);
  if (typeof state !== 'string') return state;
  const deadline = scheduleInstant(round.schedule, 'rostersDeadline', config);
  const open = config.allows.uploadRoster.includes(state);
  const late = deadline !== null && now >= deadline;
  if (open && !late) return OK;
  const withOverride = config.allows.uploadRosterWithOverride.includes(state);
  const refusal = open
    ? refuse(
        'ROSTERS_DEADLINE_PASSED',
        `Đã quá hạn nộp danh sách (${viTime(deadline as Date, config)}); cần quản trị viên cho phép kèm lý do.`,
      )
    : phase(state, [...config.allows.uploadRoster, ...config.allows.uploadRosterWithOverride]) === 'before'
      ? refuse('ROUND_NOT_OPEN', `Đợt chưa mở nhận danh sách (trạng thái ${name(state)}).`)
      : refuse(
          'ROSTERS_CLOSED',
          `Đợt đã khóa danh sách (trạng thái ${name(state)})${withOverride ? '; cần quản trị viên cho phép kèm lý do' : ''}.`,
        );
  if (!withOverride || override === undefined) return refusal;
  if (!override.roles.some((r) => (config.overrideRoles as readonly string[]).includes(r))) {
    return refuse(
      'OVERRIDE_NOT_ALLOWED',
      `Chỉ ${roleNames(config.overrideRoles)} mới được cho phép nộp danh sách ngoài hạn.`,
    );
  }
  const reason = checkReason(override.reason, config);
  if (typeof reason !== 'string') return reason;
  return { ok: true, override: { reason } };
}

/** The draw seed may be fixed while rosters are open, once, and never after a draw. */
export function canFixSeed(
  round: LifecycleRound,
  _now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  const state = stateOrRefusal(round);
  if (typeof state !== 'string') return state;
  if (round.drawn === true) return refuse('ALREADY_DRAWN', 'Đã chọn mẫu; không thể cố định lại hạt giống.');
  if (round.seedFixed === true) return refuse('SEED_ALREADY_FIXED', 'Hạt giống chọn mẫu đã được cố định.');
  if (!config.allows.fixSeed.includes(state)) return wrongState(state, 'fixSeed', config);
  return OK;
}

/**
 * The draw runs once rosters are closed (and, for further strata or reserves, before fieldwork).
 * A round still accepting rosters may draw once its roster deadline has passed (the schedule closes
 * rosters at the deadline; the draw need not wait for the ticker) or when it has no deadline at all
 * (the draw itself closes the frame); before its deadline the frame is not complete yet, so the draw
 * is refused with ROSTERS_STILL_OPEN — unless the lifecycle allows drawing in that state.
 */
export function canDraw(
  round: LifecycleRound,
  now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  const state = stateOrRefusal(round);
  if (typeof state !== 'string') return state;
  if (config.allows.draw.includes(state)) return OK;
  if (config.allows.uploadRoster.includes(state)) {
    const deadline = scheduleInstant(round.schedule, 'rostersDeadline', config);
    if (deadline === null || now >= deadline) return OK;
    return refuse(
      'ROSTERS_STILL_OPEN',
      `Đợt còn nhận danh sách đến ${viTime(deadline, config)}: chỉ chọn mẫu sau hạn nộp danh sách, khi khung mẫu đã đủ.`,
    );
  }
  return wrongState(state, 'draw', config);
}

/**
 * A respondent's submission: only in the field, and before fieldwork end even if the schedule has not
 * moved the round yet. Before → ROUND_NOT_OPEN; after → ROUND_CLOSED (HTTP 410).
 */
export function canSubmit(
  round: LifecycleRound,
  now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  const state = stateOrRefusal(round);
  if (typeof state !== 'string') return state;
  const refused = phaseRefusal(state, config.allows.submit, {
    before: 'Đợt khảo sát chưa bắt đầu nhận phiếu.',
    after: 'Đợt khảo sát đã kết thúc; không nhận thêm phiếu.',
  });
  if (refused) return refused;
  const end = scheduleInstant(round.schedule, 'fieldworkEnd', config);
  if (end !== null && now >= end) {
    return refuse(
      'ROUND_CLOSED',
      `Đợt khảo sát đã kết thúc lúc ${viTime(end, config)}; không nhận thêm phiếu.`,
    );
  }
  return OK;
}

/** Staff enter paper forms while in the field and after it closes, until scoring. */
export function canEnterPaper(
  round: LifecycleRound,
  _now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  const state = stateOrRefusal(round);
  if (typeof state !== 'string') return state;
  return (
    phaseRefusal(state, config.allows.enterPaper, {
      before: 'Đợt khảo sát chưa phát phiếu; chưa nhập phiếu giấy được.',
      after: `Đợt đã ở trạng thái ${name(state)}; không nhập thêm phiếu giấy.`,
    }) ?? OK
  );
}

/** ROUND_NOT_OPEN before the allowed states, ROUND_CLOSED after them, nothing inside them. */
function phaseRefusal(
  state: RoundState,
  allowed: readonly RoundState[],
  messages: { before: string; after: string },
): Decision | undefined {
  const where = phase(state, allowed);
  if (where === 'before') return refuse('ROUND_NOT_OPEN', messages.before);
  if (where === 'after') return refuse('ROUND_CLOSED', messages.after);
  return undefined;
}

export function canScore(
  round: LifecycleRound,
  _now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  return stateAllows(round, 'score', config);
}

export function canPublish(
  round: LifecycleRound,
  _now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  return stateAllows(round, 'publish', config);
}

function stateAllows(round: LifecycleRound, action: RoundAction, config: LifecycleConfig): Decision {
  const state = stateOrRefusal(round);
  if (typeof state !== 'string') return state;
  return config.allows[action].includes(state) ? OK : wrongState(state, action, config);
}

// ---------------------------------------------------------------------------------------------------
// Transitions

export interface LifecycleActor {
  roles: readonly string[];
  reason?: string;
}

/** What the rounds service stores for a move (status change + audit entry). */
export interface TransitionRecord {
  from: RoundState;
  to: RoundState;
  /** ISO instant of the move. */
  at: string;
  /** The actor's roles that allowed it. */
  by: LifecycleRole[];
  reason?: string;
  /** Set for schedule moves: the date that triggered it. */
  trigger?: ScheduleKey;
}

function findTransition(from: RoundState, to: RoundState, config: LifecycleConfig): Transition | undefined {
  return config.transitions.find((t) => t.from === from && t.to === to);
}

/** May this actor move the round to `to` now? */
export function checkTransition(
  round: LifecycleRound,
  to: RoundState,
  actor: LifecycleActor,
  now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Decision {
  return decideTransition(round, to, actor, now, config).decision;
}

/** Role and schedule checks of one table entry (the reason is checked by the caller). */
function permitted(
  t: Transition,
  round: LifecycleRound,
  actor: LifecycleActor,
  now: Date,
  config: LifecycleConfig,
): { by: LifecycleRole[]; bySchedule: boolean } | Refusal {
  const by = t.roles.filter((r) => actor.roles.includes(r));
  if (by.length === 0) {
    return refuse(
      'ROLE_NOT_ALLOWED',
      `Chỉ ${roleNames(t.roles)} mới được chuyển đợt từ ${name(t.from)} sang ${name(t.to)}.`,
    );
  }
  // A schedule move happens only once its date has come; people may move earlier.
  const bySchedule = by.length === 1 && by[0] === 'schedule';
  if (bySchedule && t.at !== undefined) {
    const due = scheduleInstant(round.schedule, t.at, config);
    if (due === null) return refuse('SCHEDULE_MISSING', `Đợt chưa có ${SCHEDULE_NAME_VI[t.at]}.`);
    if (now < due) return refuse('TOO_EARLY', `Chưa tới ${SCHEDULE_NAME_VI[t.at]} (${viTime(due, config)}).`);
  }
  return { by, bySchedule };
}

function decideTransition(
  round: LifecycleRound,
  to: RoundState,
  actor: LifecycleActor,
  now: Date,
  config: LifecycleConfig,
): { decision: Decision; record?: TransitionRecord } {
  const state = stateOrRefusal(round);
  if (typeof state !== 'string') return { decision: state };
  const t = findTransition(state, to, config);
  if (t === undefined) {
    return {
      decision: refuse('TRANSITION_NOT_ALLOWED', `Không thể chuyển đợt từ ${name(state)} sang ${name(to)}.`),
    };
  }
  const allowed = permitted(t, round, actor, now, config);
  if ('ok' in allowed) return { decision: allowed };
  let reason: string | undefined;
  if (t.requiresReason === true || actor.reason !== undefined) {
    const checked = checkReason(actor.reason, config);
    if (typeof checked === 'string') reason = checked;
    else if (t.requiresReason === true) return { decision: checked };
  }
  return {
    decision: OK,
    record: {
      from: state,
      to,
      at: now.toISOString(),
      by: allowed.by,
      ...(reason === undefined ? {} : { reason }),
      ...(allowed.bySchedule && t.at !== undefined ? { trigger: t.at } : {}),
    },
  };
}

/** Check and describe a move; throws `RoundStateError` when refused. The caller persists the record. */
export function applyTransition(
  round: LifecycleRound,
  to: RoundState,
  actor: LifecycleActor,
  now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): TransitionRecord {
  const { decision, record } = decideTransition(round, to, actor, now, config);
  assertAllowed(decision);
  return record as TransitionRecord;
}

/** The moves this actor could make now, reason aside (the admin screen asks for one when `requiresReason`). */
export function availableTransitions(
  round: LifecycleRound,
  actor: LifecycleActor,
  now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): Transition[] {
  const state = roundStateOf(round.status);
  return config.transitions.filter(
    (t) => t.from === state && !('ok' in permitted(t, round, actor, now, config)),
  );
}

export interface DueTransition {
  from: RoundState;
  to: RoundState;
  trigger: ScheduleKey;
  /** ISO instant the move became due. */
  dueAt: string;
}

/**
 * Time-driven moves due at `now`, in order: from the current state, each schedule transition whose date
 * has come, chained (a ticker that was down past two dates catches up with both). Stops at a move that
 * needs a person or a service (e.g. the draw).
 */
export function dueTransitions(
  round: LifecycleRound,
  now: Date,
  config: LifecycleConfig = DEFAULT_LIFECYCLE,
): DueTransition[] {
  let state = roundStateOf(round.status);
  const out: DueTransition[] = [];
  const visited = new Set<RoundState>();
  while (state !== null && !visited.has(state)) {
    visited.add(state);
    const from: RoundState = state;
    const next = config.transitions.find((t) => {
      if (t.from !== from || t.at === undefined || !t.roles.includes('schedule')) return false;
      const due = scheduleInstant(round.schedule, t.at, config);
      return due !== null && now >= due;
    });
    if (next === undefined || next.at === undefined) break;
    out.push({
      from,
      to: next.to,
      trigger: next.at,
      dueAt: (scheduleInstant(round.schedule, next.at, config) as Date).toISOString(),
    });
    state = next.to;
  }
  return out;
}
