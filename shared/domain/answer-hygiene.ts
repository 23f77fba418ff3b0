/**
 * Answer hygiene (data-rules rule 17): the checks that run on the raw parsed body — JSON from the API
 * or the fields of a plain form post — before any answer is typed against the template.
 *
 * - keys `__proto__`, `constructor` and `prototype` are refused anywhere in the body (`FORBIDDEN_KEY`):
 *   a later `Object.assign`, spread or merge in any library could turn them into prototype pollution;
 * - nesting deeper than a small limit is refused (`TOO_DEEP`): a valid body is at most three levels
 *   deep (body → answers → a multi-choice array), so anything deeper is abuse, and the walk itself
 *   never descends further than the limit;
 * - free text is cleaned, not refused: lone UTF-16 surrogates become U+FFFD, NUL and the other C0
 *   control characters except newline and tab are REMOVED (so a form post's CR LF becomes LF), then
 *   the text is NFC-normalised and trimmed.
 *
 * Only own enumerable keys are read (`Object.keys`), lookups go through `Map`s, and the objects built
 * here come from `Object.fromEntries` (which defines properties, never invokes the `__proto__`
 * setter), so no input can reach `Object.prototype`.
 */

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Body → answers → a multi-choice array is three levels; one spare level, no more. */
export const DEFAULT_MAX_DEPTH = 4;

export type StructureIssueCode = 'FORBIDDEN_KEY' | 'TOO_DEEP';

export interface StructureIssue {
  /** Where in the body, e.g. `answers.s1_2` or `answers.mm_1[0]`; empty for the body itself. */
  path: string;
  code: StructureIssueCode;
  /** The key that was refused (FORBIDDEN_KEY). */
  key?: string;
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

const childPath = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

/**
 * Walk the raw body and report forbidden keys and excessive depth. A forbidden key's value and the
 * content below the depth limit are not visited, so one bad subtree gives one issue.
 */
export function inspectStructure(body: unknown, maxDepth = DEFAULT_MAX_DEPTH): StructureIssue[] {
  const issues: StructureIssue[] = [];
  // Explicit stack: the walk's own depth never depends on the input.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (!isContainer(value)) continue;
    if (depth > maxDepth) {
      issues.push({ path, code: 'TOO_DEEP' });
      continue;
    }
    const children: Array<{ value: unknown; path: string; depth: number }> = [];
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        children.push({ value: item, path: childPath(path, i), depth: depth + 1 });
      });
    } else {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) {
          issues.push({ path: childPath(path, key), code: 'FORBIDDEN_KEY', key });
          continue;
        }
        children.push({
          value: (value as Record<string, unknown>)[key],
          path: childPath(path, key),
          depth: depth + 1,
        });
      }
    }
    // Reverse so issues come out in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return issues;
}

/** A JSON object (not an array, not a class instance such as Date). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own enumerable entries of a record as a Map, so lookups never reach a prototype. */
export function entriesMap(value: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.keys(value).map((k) => [k, value[k]]));
}

// C0 controls except TAB (U+0009) and LF (U+000A).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const C0_EXCEPT_TAB_LF = /[\u0000-\u0008\u000b-\u001f]/g;
// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Clean a free-text answer: lone surrogates → U+FFFD, C0 controls except `\n` and `\t` removed,
 * NFC, trimmed. Removal (not refusal) because these characters come from copy-paste and CR LF line
 * ends, never from an intent the respondent could fix.
 */
export function sanitizeText(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd').replace(C0_EXCEPT_TAB_LF, '').normalize('NFC').trim();
}

/** Length as the respondent counts it: code points, not UTF-16 units. */
export function textLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * The fields of a plain (no-JavaScript) form post → the answers object the JSON API takes, typed by
 * the template: a scale value becomes a number only when it is written exactly as an integer
 * (`"4"` → 4, `"4.5"` or `" 4"` stay strings and are refused later); choices and text stay strings;
 * a multi-choice question collects every value; empty values are dropped (not answered). Fields that
 * are not questions are kept as they are, so `checkSubmission` refuses them with their own code.
 */
export function answersFromFormFields(
  questions: ReadonlyArray<{ id: string; type: 'scale' | 'single' | 'multi' | 'text' }>,
  fields: Iterable<readonly [string, string]>,
): Record<string, unknown> {
  const types = new Map(questions.map((q) => [q.id, q.type]));
  const collected = new Map<string, string[]>();
  for (const [key, raw] of fields) {
    const list = collected.get(key) ?? [];
    list.push(raw);
    collected.set(key, list);
  }
  const out: Array<[string, unknown]> = [];
  for (const [key, values] of collected) {
    const type = types.get(key);
    const present = values.filter((v) => v.trim() !== '');
    if (type === undefined) {
      out.push([key, values.length === 1 ? values[0] : values]);
    } else if (present.length === 0) {
      // not answered
    } else if (type === 'multi') {
      out.push([key, present]);
    } else if (present.length > 1) {
      out.push([key, present]); // two values for a one-value question: refused later
    } else if (type === 'scale') {
      const v = present[0]!;
      out.push([key, /^[1-9][0-9]{0,8}$/.test(v) ? Number(v) : v]);
    } else {
      out.push([key, present[0]]);
    }
  }
  return Object.fromEntries(out);
}
