/**
 * Issue 9 on the local runtime, the fanned-out draw: a roster of 30 units × 3 fields (some persons
 * with dossiers in units of different parts) drawn through sampling-requests → sampling-parts in
 * several parts (the test runtime bounds a part at 150 dossiers) gives exactly the lists of one
 * draw of the whole stored roster; exact counts per stratum; nobody twice; byte-identical exports;
 * row order irrelevant; another seed, other lists; blind lists for a unit user; a mistyped paper
 * code refused before lookup; substitution revokes the old link and code.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../infra/local/authorizer.ts';
import { computeDraw } from '../../services/sampling/compute-draw.ts';
import { closeDrawWorkers, type DrawDossier } from '../../shared/domain/index.ts';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api, baseUrl, devToken, eventually } from './support/api.ts';
import { listLinks as linksOf } from './support/drawn.ts';
import { documentClient as db } from './support/dynamo.ts';

afterAll(closeDrawWorkers);

const UNITS = Array.from({ length: 30 }, (_, u) => `S${String(u + 1).padStart(2, '0')}`);
const FIELDS = ['Tư pháp', 'Đất đai', 'Y tế'];
const OFFICIAL = 3;
const RESERVE = 2;

interface Row {
  name: string;
  phone: string;
  dossier: string;
  field: string;
  unit: string;
  date: string;
}

/** 2–9 persons per stratum; every 7th person also has a later dossier in the unit 15 further on. */
const roster = (): Row[] => {
  const rows: Row[] = [];
  let n = 0;
  UNITS.forEach((unit, u) => {
    FIELDS.forEach((field, f) => {
      const persons = 2 + ((u * 7 + f * 5) % 8);
      for (let i = 0; i < persons; i++, n++) {
        const person = {
          name: `Người ${unit} ${f} ${i}`,
          phone: `09${String(30000000 + n).padStart(8, '0')}`,
        };
        rows.push({ ...person, dossier: `HS-${n}`, field, unit, date: `0${1 + (i % 8)}/03/2026` });
        if (n % 7 === 0) {
          const other = UNITS[(u + 15) % UNITS.length] as string;
          rows.push({
            ...person,
            dossier: `HS-${n}-b`,
            field: FIELDS[(f + 1) % 3] as string,
            unit: other,
            date: '20/03/2026',
          });
        }
      }
    });
  });
  return rows;
};

const csv = (rows: readonly Row[]) =>
  [
    'STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả',
    ...rows.map((r, i) => `${i + 1};${r.name};${r.phone};${r.dossier};${r.field};${r.unit};${r.date}`),
  ].join('\r\n');

const query = async (table: 'samples' | 'respondents', pk: string, prefix: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar(table)],
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

/** The stored lists of a sample: `unit|field|list|rank|personKey`, sorted. */
const storedLists = async (sampleId: string) =>
  (await query('samples', `SAMPLE#${sampleId}`, 'A#'))
    .map((a) => `${a.unitCode}|${a.fieldCode}|${a.list}|${a.rank}|${a.personKey}`)
    .sort();

const upload = async (roundId: string, body: string, filename: string) => {
  const up = await api('POST', `/api/rounds/${roundId}/rosters?filename=${filename}`, { raw: body });
  expect(up.status).toBe(202);
  const report = await eventually(
    'import completed',
    async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${up.json.importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    },
    150_000,
  );
  expect(report.rejected).toBe(0);
  return up.json.importId as string;
};

const draw = async (roundId: string, body: Record<string, unknown>) => {
  const res = await api('POST', `/api/rounds/${roundId}/samples`, { body });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  const manifest = await eventually(
    'sample completed',
    async () => {
      const r = await api('GET', `/api/rounds/${roundId}/samples/${res.json.sampleId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    },
    150_000,
  );
  return manifest;
};

describe('sampling at scale: the fanned-out draw', () => {
  let roundId = '';
  let first: { sampleId: string; parts: number; strata: Array<Record<string, number | string>> };
  const rows = roster();
  const body = { seed: 'xsmb-2026-03-02-83512', officialPerStratum: OFFICIAL, reservePerStratum: RESERVE };

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: 'Đợt chọn mẫu theo phần',
        year: 2026,
        kind: 'SIPAS',
        units: UNITS.map((code) => ({ code, name: `UBND ${code}`, type: 'commune' })),
        fields: [{ name: 'Tư pháp' }, { code: 'dat-dai', name: 'Đất đai' }, { code: 'y-te', name: 'Y tế' }],
      },
    });
    expect(created.status).toBe(201);
    roundId = created.json.roundId;
    await upload(roundId, csv(rows), 'ds.csv');
    first = await draw(roundId, body);
  }, 400_000);

  it('fans out into several parts and draws exactly the lists of one draw of the whole stored roster', async () => {
    expect(first.parts).toBeGreaterThanOrEqual(3);
    const got = await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}`);
    expect(got.json.progress).toEqual({
      parts: first.parts,
      done: { scan: first.parts, resolve: first.parts, draw: first.parts },
    });
    const dossiers = (await query('respondents', `ROUND#${roundId}`, 'DOSSIER#'))
      .map((d) => ({ ...d, unit: String(d.unitCode), sk: String(d.sk) }))
      .sort((a, b) =>
        a.unit === b.unit ? (a.sk < b.sk ? -1 : 1) : a.unit < b.unit ? -1 : 1,
      ) as unknown as DrawDossier[];
    expect(dossiers.length).toBe(rows.length);
    const single = await computeDraw(
      roundId,
      { ...first, ...body, rosterHashMethod: 'by-unit-v1' } as never,
      dossiers,
    );
    const lists = await storedLists(first.sampleId);
    expect(lists).toEqual(
      single.picks.map((p) => `${p.unitCode}|${p.fieldCode}|${p.list}|${p.rank}|${p.personKey}`).sort(),
    );
    expect(first.strata).toEqual(single.counts);
    // Exact counts per stratum, and persons moved by rule 15 to a unit of another part.
    for (const s of first.strata) {
      const persons = s.persons as number;
      expect(s.official).toBe(Math.min(OFFICIAL, persons));
      expect(s.reserve).toBe(Math.min(RESERVE, persons - (s.official as number)));
      expect(s.shortfall).toBe(Math.max(OFFICIAL - persons, 0));
    }
    const persons = first.strata.reduce((n, s) => n + (s.persons as number), 0);
    expect(persons).toBe(new Set(rows.map((r) => `${r.name}|${r.phone}`)).size);
    // Nobody twice, nobody in both lists.
    const keys = lists.map((l) => l.split('|')[4]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('exports byte-identically for the same inputs', async () => {
    for (const list of ['official.csv', 'reserve.csv']) {
      const a = await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}/${list}`);
      const b = await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}/${list}`);
      expect(a.status).toBe(200);
      expect(a.text.length).toBeGreaterThan(100);
      expect(b.text).toBe(a.text);
    }
  });

  it('verify matches, and reports the one stratum whose stored roster row was altered', async () => {
    const ok = await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}/verify`);
    expect(ok.json.match).toBe(true);
    // A person with one dossier only (altering a person with two would move them: two strata change),
    // and on the stratum's stored lists: person keys are keyed by the runtime's own secret, so an
    // unlisted person's new key might rank outside the lists too and change no list at all.
    const all = await query('respondents', `ROUND#${roundId}`, 'DOSSIER#');
    const dossiersOf = new Map<unknown, number>();
    for (const d of all) dossiersOf.set(d.personKey, (dossiersOf.get(d.personKey) ?? 0) + 1);
    const listed = new Set(
      (await query('samples', `SAMPLE#${first.sampleId}`, 'A#'))
        .filter((a) => a.unitCode === 'S05' && a.fieldCode === 'tu-phap')
        .map((a) => a.personKey),
    );
    const target = all.find(
      (d) =>
        d.unitCode === 'S05' &&
        d.fieldCode === 'tu-phap' &&
        dossiersOf.get(d.personKey) === 1 &&
        listed.has(d.personKey),
    );
    expect(target).toBeDefined();
    const original = target?.personKey;
    const table = process.env[tableEnvVar('respondents')];
    const set = (k: unknown) =>
      db().send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: target?.pk, sk: target?.sk },
          UpdateExpression: 'SET personKey = :k',
          ExpressionAttributeValues: { ':k': k },
        }),
      );
    await set('00000000000000000000000000000000');
    const bad = await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}/verify`);
    expect(bad.json.match).toBe(false);
    expect(bad.json.rosterHash.match).toBe(false);
    expect(
      bad.json.strata
        .filter((s: { match: boolean }) => !s.match)
        .map((s: { unitCode: string; fieldCode: string }) => `${s.unitCode}#${s.fieldCode}`),
    ).toEqual(['S05#tu-phap']);
    await set(original);
    expect((await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}/verify`)).json.match).toBe(
      true,
    );
  });

  it('shuffling the roster’s row order changes nothing; another seed changes the lists', async () => {
    // A shuffled copy (deterministic permutation) becomes the units' new roster version.
    const shuffled = rows
      .map((r, i) => ({ r, k: (i * 7919) % rows.length }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.r);
    await upload(roundId, csv(shuffled), 'ds-xao-tron.csv');
    const again = await draw(roundId, { ...body, reason: 'Danh sách nộp lại (thứ tự dòng khác)' });
    expect(again.sampleId).not.toBe(first.sampleId);
    const strip = (lists: string[]) => lists.map((l) => l.split('|').slice(0, 5).join('|'));
    expect(strip(await storedLists(again.sampleId))).toEqual(strip(await storedLists(first.sampleId)));
    expect(again.strata).toEqual(first.strata);
    const other = await draw(roundId, {
      ...body,
      seed: 'xsmb-2026-03-03-10472',
      reason: 'Hạt giống theo kỳ xổ số mới',
    });
    const a = await storedLists(again.sampleId);
    const b = await storedLists(other.sampleId);
    expect(b).toHaveLength(a.length);
    expect(b).not.toEqual(a);
    expect(other.strata).toEqual(first.strata);
  }, 400_000);

  it('a unit user sees counts but gets 403 on the lists before the distribution date', async () => {
    const token = await signConsoleJwt(consoleJwtKey(devToken()), {
      sub: 'dau-moi-s05',
      name: 'Đầu mối S05',
      roles: ['operator'],
      units: ['S05'],
    });
    const counts = await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}`, { token });
    expect(counts.status).toBe(200);
    expect(new Set(counts.json.strata.map((s: { unitCode: string }) => s.unitCode))).toEqual(
      new Set(['S05']),
    );
    for (const list of ['official.csv', 'reserve.csv']) {
      const res = await api('GET', `/api/rounds/${roundId}/samples/${first.sampleId}/${list}`, { token });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('LISTS_BLIND_UNTIL_DISTRIBUTION');
      expect(res.json.error.message).toContain('chỉ xem số lượng');
    }
  });

  it('a paper code with one wrong character is refused as mistyped; substitution revokes the old link and code', async () => {
    const manifests = await query('samples', `ROUND#${roundId}`, 'SAMPLE#');
    const current = manifests.find((m) => !m.supersededBy && m.status === 'completed')?.sampleId as string;
    expect(current).toBeDefined();
    const official = linksOf(
      (await api('GET', `/api/rounds/${roundId}/samples/${current}/official.csv`)).text,
    );
    const old = official.find((l) => l.unit === 'S07' && l.field === 'Đất đai' && l.rank === 1);
    expect(old?.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    const code = (old?.code ?? '').replace(/-/g, '');
    const flip = (c: string) => (c === '0' ? '1' : '0');
    const typo = `${code.slice(0, 3)}${flip(code[3] as string)}${code.slice(4)}`;
    const mistyped = await fetch(`${baseUrl()}/ma-phieu?code=${typo}`, { redirect: 'manual' });
    expect(mistyped.status).toBe(400);
    expect(mistyped.headers.get('x-error-code')).toBe('PAPER_CODE_MISTYPED');
    expect((await fetch(`${baseUrl()}/ma-phieu?code=${code}`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${baseUrl()}/f/${old?.token}`, { redirect: 'manual' })).status).toBe(200);

    const sub = await api('POST', `/api/rounds/${roundId}/samples/${current}/substitutions`, {
      body: { unitCode: 'S07', fieldCode: 'dat-dai', rank: 1, reason: 'DECEASED', note: 'báo của UBND xã' },
    });
    expect(sub.status).toBe(200);
    expect(sub.json.activated).toEqual({ list: 'reserve', rank: 1, status: 'active' });
    // The replaced person's link and code stop working: 410 on the form, the submission API and /ma-phieu.
    expect((await fetch(`${baseUrl()}/f/${old?.token}`, { redirect: 'manual' })).status).toBe(410);
    const submitted = await api('POST', '/api/submissions', {
      token: null,
      body: { token: old?.token, answers: {} },
    });
    expect(submitted.status).toBe(410);
    expect(submitted.json.error.code).toBe('TOKEN_REVOKED');
    expect((await fetch(`${baseUrl()}/ma-phieu?code=${code}`, { redirect: 'manual' })).status).toBe(410);
    // The first reserve of that stratum now opens.
    const reserve = linksOf(
      (await api('GET', `/api/rounds/${roundId}/samples/${current}/reserve.csv`)).text,
    ).find((l) => l.unit === 'S07' && l.field === 'Đất đai' && l.rank === 1);
    expect((await fetch(`${baseUrl()}/f/${reserve?.token}`, { redirect: 'manual' })).status).toBe(200);
  });
});
