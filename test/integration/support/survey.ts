/**
 * A drawn SIPAS round for the submission tests: round (with settings) → roster → sample → the
 * official list's tokens, paper codes and phones; plus console JWTs for named operators.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../../infra/local/authorizer.ts';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../../shared/domain/index.ts';
import { api, devToken, importCompleted, sampleCompleted, unique } from './api.ts';

export const template = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS);
export const questions = template.sections.flatMap((s) => s.questions);
export const scaleIds = questions.filter((q) => q.type === 'scale').map((q) => q.id);

/** Valid answers to every required question; every scale item gets `level` (or `levels[i]`). */
export const answersAll = (level: number | number[]): Record<string, unknown> => {
  const answers: Record<string, unknown> = {};
  let i = 0;
  for (const q of questions) {
    if (q.type === 'scale') answers[q.id] = Array.isArray(level) ? level[i++ % level.length] : level;
    else if (q.required && q.type === 'single') answers[q.id] = q.options![0]!.value;
    else if (q.required && q.type === 'multi') answers[q.id] = [q.options![0]!.value];
    else if (q.required && q.type === 'text') answers[q.id] = 'Ý kiến';
  }
  return answers;
};

export interface Form {
  unitCode: string;
  token: string;
  /** As printed: ABCD-EFGH-JK. */
  code: string;
  phone: string;
}

/** Splits one CSV line (RFC 4180 quotes). */
const cells = (line: string): string[] => {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
};

const HEADER = 'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành';

/**
 * A round whose every listed person is on the official list: `people[unit]` persons per unit (field
 * F1), phones 09xx… unless `landline` names a unit whose first person has a landline.
 */
export const drawnRound = async (opts: {
  prefix: string;
  settings?: Record<string, unknown>;
  people: Record<string, number>;
  landline?: string;
}): Promise<{ roundId: string; sampleId: string; forms: Form[] }> => {
  const units = Object.keys(opts.people);
  const created = await api('POST', '/api/rounds', {
    body: {
      name: unique(opts.prefix),
      year: 2026,
      kind: 'SIPAS',
      units: units.map((code) => ({ code, name: `Đơn vị ${code}` })),
      fields: [{ code: 'F1', name: 'Hộ tịch' }],
      ...(opts.settings ? { settings: opts.settings } : {}),
    },
  });
  expect(created.status).toBe(201);
  const roundId = created.json.roundId as string;
  const seed = Math.floor(Math.random() * 1e6);
  const rows = units.flatMap((unit, u) =>
    Array.from({ length: opts.people[unit]! }, (_, i) => {
      const phone =
        opts.landline === unit && i === 0
          ? `0243${String(8_000_000 + u).padStart(7, '0')}`
          : `091${String((seed * 7 + u * 100 + i) % 10_000_000).padStart(7, '0')}`;
      return `Người ${unit} ${i + 1},${phone},${unit}-${i + 1},F1,${unit},0${1 + (i % 9)}/03/2026`;
    }),
  );
  const upload = await api('POST', `/api/rounds/${roundId}/rosters`, {
    raw: `${HEADER}\n${rows.join('\n')}\n`,
  });
  expect(upload.status).toBe(202);
  const report = await importCompleted(roundId, upload.json.importId);
  expect(report.rejected).toBe(0);
  const max = Math.max(...Object.values(opts.people));
  const sample = await api('POST', `/api/rounds/${roundId}/samples`, {
    body: { seed: `seed-${roundId}`, officialPerStratum: max, reservePerStratum: 0 },
  });
  expect(sample.status).toBe(202);
  const sampleId = sample.json.sampleId as string;
  await sampleCompleted(roundId, sampleId);
  const csv = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`);
  expect(csv.status).toBe(200);
  const lines = csv.text
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n')
    .slice(1);
  const forms = lines.map((line) => {
    const c = cells(line);
    return {
      unitCode: c[1]!,
      phone: c[7]!,
      code: c[9]!,
      token: /\/f\/([A-Za-z0-9_-]+)$/.exec(c[10]!)![1]!,
    };
  });
  expect(forms).toHaveLength(Object.values(opts.people).reduce((a, b) => a + b, 0));
  return { roundId, sampleId, forms };
};

/** A console JWT for a named operator (the local authorizer verifies it like Cognito's). */
export const opsToken = (sub: string, roles: string[], units: string[] | '*' = '*'): Promise<string> =>
  signConsoleJwt(consoleJwtKey(devToken()), {
    sub,
    name: sub,
    roles,
    units: units === '*' ? ['*'] : units,
  });

export const submit = (body: unknown, headers: Record<string, string> = {}) =>
  api('POST', '/api/submissions', { token: null, body, headers });

export { documentClient } from './dynamo.ts';

/** The outbox messages sent to `phone`, oldest first. */
export const outboxFor = async (
  phone: string,
): Promise<Array<{ to: string; params: Record<string, string>; text?: string; createdAt: string }>> => {
  const dir = inject('outboxDir');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  const all = await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8'))));
  return all
    .filter((m) => m.to === phone)
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
};
