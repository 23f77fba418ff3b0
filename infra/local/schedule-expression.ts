/**
 * EventBridge schedule expressions: `rate(n unit)` and the 6-field `cron(min hour dom month dow year)`
 * (UTC). Supported: `*`, `?`, numbers, `a-b`, `a/b`, `a-b/c`, `*∕c`, lists, JAN–DEC, SUN–SAT (1 = Sunday),
 * `L` (last day of month), `nL` (last weekday n of month) and `n#k` (k-th weekday n).
 * `W` (nearest weekday) is rejected rather than approximated.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */

export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

export type Schedule =
  | { kind: 'rate'; everyMs: number }
  | {
      kind: 'cron';
      minutes: Set<number>;
      hours: Set<number>;
      /** undefined when the field is `?`. */
      daysOfMonth: DayOfMonthRule | undefined;
      months: Set<number>;
      daysOfWeek: DayOfWeekRule | undefined;
      years: Set<number> | undefined;
    };

interface DayOfMonthRule {
  days: Set<number>;
  last: boolean;
}
interface DayOfWeekRule {
  /** 1 = Sunday … 7 = Saturday */
  days: Set<number>;
  /** `nL`: last such weekday of the month. */
  lastOf: Set<number>;
  /** `n#k`: k-th such weekday of the month. */
  nth: Array<{ day: number; k: number }>;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const fail = (expression: string, why: string): never => {
  throw new ScheduleExpressionError(`Invalid schedule expression "${expression}": ${why}`);
};

const parseValue = (token: string, names: string[] | undefined, offset: number): number => {
  const upper = token.toUpperCase();
  const named = names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(token)) return Number.NaN;
  return Number(token);
};

/** A standard numeric field (minutes, hours, months, years, plain dom/dow parts). */
const parseField = (
  expression: string,
  field: string,
  min: number,
  max: number,
  names?: string[],
  nameOffset = 1,
): Set<number> => {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [rangePart, stepPart, extra] = part.split('/');
    if (extra !== undefined || rangePart === undefined || rangePart === '')
      fail(expression, `bad field "${field}"`);
    const step = stepPart === undefined ? 1 : Number(stepPart);
    if (!Number.isInteger(step) || step < 1) fail(expression, `bad step in "${part}"`);
    let from: number;
    let to: number;
    if (rangePart === '*') {
      from = min;
      to = max;
    } else {
      const [a, b, more] = (rangePart as string).split('-');
      if (more !== undefined) fail(expression, `bad range "${rangePart}"`);
      from = parseValue(a ?? '', names, nameOffset);
      // `5/10` means from 5 to the end, every 10.
      to = b === undefined ? (stepPart === undefined ? from : max) : parseValue(b, names, nameOffset);
    }
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < min || to > max || from > to) {
      fail(expression, `value out of range in "${part}" (${min}–${max})`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
};

const parseDayOfMonth = (expression: string, field: string): DayOfMonthRule | undefined => {
  if (field === '?') return undefined;
  if (/W/i.test(field)) fail(expression, '"W" (nearest weekday) is not supported locally');
  const parts = field.split(',');
  const last = parts.some((p) => p.toUpperCase() === 'L');
  const rest = parts.filter((p) => p.toUpperCase() !== 'L');
  return { days: rest.length > 0 ? parseField(expression, rest.join(','), 1, 31) : new Set(), last };
};

const parseDayOfWeek = (expression: string, field: string): DayOfWeekRule | undefined => {
  if (field === '?') return undefined;
  const rule: DayOfWeekRule = { days: new Set(), lastOf: new Set(), nth: [] };
  const plain: string[] = [];
  for (const part of field.split(',')) {
    const lastMatch = /^(\w+)L$/i.exec(part);
    const nthMatch = /^(\w+)#([1-5])$/.exec(part);
    if (lastMatch?.[1] && part.toUpperCase() !== 'L') {
      const day = parseValue(lastMatch[1], DAY_NAMES, 1);
      if (!(day >= 1 && day <= 7)) fail(expression, `bad day of week "${part}"`);
      rule.lastOf.add(day);
    } else if (nthMatch?.[1] && nthMatch[2]) {
      const day = parseValue(nthMatch[1], DAY_NAMES, 1);
      if (!(day >= 1 && day <= 7)) fail(expression, `bad day of week "${part}"`);
      rule.nth.push({ day, k: Number(nthMatch[2]) });
    } else if (part.toUpperCase() === 'L') {
      rule.days.add(7); // `L` alone in day-of-week means Saturday
    } else {
      plain.push(part);
    }
  }
  if (plain.length > 0)
    for (const d of parseField(expression, plain.join(','), 1, 7, DAY_NAMES, 1)) rule.days.add(d);
  return rule;
};

export const parseScheduleExpression = (expression: string): Schedule => {
  const trimmed = expression.trim();
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/i.exec(trimmed);
  if (rate?.[1] && rate[2]) {
    const n = Number(rate[1]);
    if (n < 1) fail(expression, 'rate must be at least 1');
    const unit = rate[2].toLowerCase().replace(/s$/, '');
    return { kind: 'rate', everyMs: n * (UNIT_MS[unit] ?? fail(expression, 'unknown unit')) };
  }
  const cron = /^cron\((.*)\)$/i.exec(trimmed);
  if (!cron?.[1]) return fail(expression, 'expected rate(…) or cron(…)');
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6)
    fail(expression, 'cron needs 6 fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    fail(expression, 'exactly one of day-of-month and day-of-week must be "?"');
  return {
    kind: 'cron',
    minutes: parseField(expression, min, 0, 59),
    hours: parseField(expression, hour, 0, 23),
    daysOfMonth: parseDayOfMonth(expression, dom),
    months: parseField(expression, month, 1, 12, MONTH_NAMES, 1),
    daysOfWeek: parseDayOfWeek(expression, dow),
    years: year === '*' ? undefined : parseField(expression, year, 1970, 2199),
  };
};

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const dayMatches = (schedule: Extract<Schedule, { kind: 'cron' }>, date: Date): boolean => {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const lastDay = daysInMonth(year, month);
  if (schedule.daysOfMonth) {
    return schedule.daysOfMonth.days.has(day) || (schedule.daysOfMonth.last && day === lastDay);
  }
  const dow = schedule.daysOfWeek;
  if (!dow) return true;
  const weekday = date.getUTCDay() + 1;
  if (dow.days.has(weekday)) return true;
  if (dow.lastOf.has(weekday) && day + 7 > lastDay) return true;
  return dow.nth.some((n) => n.day === weekday && Math.ceil(day / 7) === n.k);
};

/** Next fire time strictly after `after` (minute resolution), or undefined if there is none. */
export const nextFireTime = (schedule: Schedule, after: Date, startedAt: Date = after): Date | undefined => {
  if (schedule.kind === 'rate') {
    const elapsed = after.getTime() - startedAt.getTime();
    const periods = Math.floor(Math.max(0, elapsed) / schedule.everyMs) + 1;
    return new Date(startedAt.getTime() + periods * schedule.everyMs);
  }
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getUTCFullYear() + 200;
  while (t.getUTCFullYear() <= limit) {
    if (schedule.years && !schedule.years.has(t.getUTCFullYear())) {
      t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  return undefined;
};
