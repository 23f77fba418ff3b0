/**
 * SIPAS results over HTTP on the local runtime, through the recompute fan-out (scoring-parts queue):
 * a round with known answers → the exact counts, response rates, indexes and intervals per item,
 * element, aspect, unit × field, unit, field and round, every expected value computed here from the
 * answers (support/sipas-expected.ts), not by the scoring code. Also: issued = active assignments (a
 * substitution counts once), small-cell suppression below admin, a recompute after more forms makes a
 * new run and keeps the old one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getTemplate, satisfactionItems } from '../../shared/domain/index.ts';
import { api, baseUrl, eventually, liveCountsReach, unique } from './support/api.ts';
import { listLinks } from './support/drawn.ts';
import {
  bootstrapUnit,
  compose,
  type EntityIntervals,
  isValidForm,
  type Levels,
  linearised,
  round2,
  type Structure,
  tokenHashOf,
  totalsOf,
  unitSeed,
  wilson,
} from './support/sipas-expected.ts';

const template = getTemplate('sipas-2024-v1');
const items = satisfactionItems(template);
const structure: Structure = {
  itemIds: items.map((q) => q.id),
  itemElement: items.map((q) => template.elements.findIndex((e) => e.code === q.elementCode)),
  elementAspect: template.elements.map((e) =>
    (template.aspects ?? []).findIndex((a) => a.code === e.aspectCode),
  ),
  elements: template.elements.length,
  aspects: (template.aspects ?? []).length,
};
const SEED = 20221110;
const K = 3; // the round's minCellSize

const FIELDS = [
  { code: 'tp', name: 'Tư pháp' },
  { code: 'dd', name: 'Đất đai' },
];
const UNITS = [
  { code: 'U1', name: 'UBND phường Một' },
  { code: 'U2', name: 'UBND xã Hai' },
  { code: 'U3', name: 'UBND xã Ba' },
];
/** Roster persons per unit × field (N_h). */
const PERSONS: Record<string, number> = { 'U1|tp': 8, 'U1|dd': 6, 'U2|tp': 7, 'U2|dd': 5, 'U3|tp': 4 };

/** Deterministic, varied answers; `sparse` answers only 10 of 29 items (an invalid form). */
const levelsFor = (u: number, f: number, j: number, sparse = false): Levels =>
  items.map((_, i) => {
    if (sparse) return i < 10 ? 5 : 0;
    if ((j * 3 + i + u) % 11 === 0) return 0;
    return 1 + ((j * 7 + i * 3 + u * 5 + f * 2 + ((i * j) % 3)) % 5);
  });
const answersOf = (levels: Levels) =>
  Object.fromEntries(levels.flatMap((l, i) => (l > 0 ? [[items[i]!.id, l]] : [])));

interface Listed {
  unit: string;
  field: string;
  rank: number;
  token: string;
}
const parseList = (csv: string): Listed[] =>
  listLinks(csv).map((l) => ({
    unit: l.unit,
    field: FIELDS.find((f) => f.name === l.field)!.code,
    rank: l.rank,
    token: l.token,
  }));

const devLogin = async (user: string): Promise<string> => {
  const res = await fetch(`${baseUrl()}/ops/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  return ((await res.json()) as { token: string }).token;
};

const runCompleted = (roundId: string, runId: string) =>
  eventually(
    `run ${runId} completed`,
    async () => {
      const r = await api('GET', `/api/rounds/${roundId}/scoring/runs/${runId}`);
      if (r.json?.run?.status === 'failed')
        throw new Error(`run failed: ${JSON.stringify(r.json.run.reason)}`);
      return r.json?.run?.status === 'completed' ? r.json : undefined;
    },
    90_000,
  );

/** |published − expected| within half a unit of the second decimal (the published value is rounded). */
const near = (published: number | null | undefined, expected: number, what: string) => {
  expect(published, what).not.toBeNull();
  expect(
    Math.abs((published as number) - expected),
    `${what}: ${published} vs ${expected}`,
  ).toBeLessThanOrEqual(0.005 + 1e-9);
};
const nearCi = (
  published: { lower: number; upper: number } | null,
  expected: { lower: number; upper: number } | null,
  what: string,
) => {
  if (expected === null) {
    expect(published, what).toBeNull();
    return;
  }
  near(published?.lower, expected.lower, `${what} lower`);
  near(published?.upper, expected.upper, `${what} upper`);
};
const idx = (x: number) => (Number.isNaN(x) ? null : round2(x));

describe('SIPAS results over HTTP, through the fan-out', () => {
  let roundId = '';
  let sampleId = '';
  /** Submitted forms per stratum, each with its token hash (the order forms have in a stratum). */
  const forms = new Map<string, Array<{ hash: string; levels: Levels }>>();
  let lastForm: { token: string; levels: Levels; key: string } | null = null;
  let firstRunId = '';

  const submit = async (token: string, levels: Levels, key: string) => {
    const res = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: answersOf(levels) },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    forms.set(key, [...(forms.get(key) ?? []), { hash: tokenHashOf(token), levels }]);
  };

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('sipas-ket-qua'),
        year: 2026,
        kind: 'SIPAS',
        units: UNITS,
        fields: FIELDS,
        settings: { minCellSize: K },
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    roundId = created.json.roundId;
    let n = 0;
    const rows = Object.entries(PERSONS).flatMap(([key, count]) => {
      const [unit, field] = key.split('|');
      const name = FIELDS.find((f) => f.code === field)!.name;
      return Array.from({ length: count }, () => {
        n++;
        return `${n};Người Dân ${n};09${String(2000000 + n).padStart(8, '0')};H-${n};${name};${unit};01/03/2026`;
      });
    });
    const roster = ['STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả', ...rows].join(
      '\r\n',
    );
    const imported = await api('POST', `/api/rounds/${roundId}/rosters?filename=ds.csv`, { raw: roster });
    expect(imported.status).toBe(202);
    await eventually('roster imported', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${imported.json.importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
    const drawn = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { seed: 'ket-qua-2026', officialPerStratum: 4, reservePerStratum: 2 },
    });
    sampleId = drawn.json.sampleId;
    await eventually('sample drawn', async () => {
      const m = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
      return m.json?.status === 'completed' ? m.json : undefined;
    });
    // U2 × tp: official rank 1 unreachable → reserve rank 1 takes over (still 4 issued).
    const sub = await api('POST', `/api/rounds/${roundId}/samples/${sampleId}/substitutions`, {
      body: { unitCode: 'U2', fieldCode: 'tp', rank: 1, reason: 'UNREACHABLE' },
    });
    expect(sub.status).toBe(200);
    const official = parseList(
      (await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`)).text,
    );
    const reserve = parseList(
      (await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/reserve.csv`)).text,
    );
    const of = (unit: string, field: string) => official.filter((l) => l.unit === unit && l.field === field);
    // Who answers: U1×tp all 4 (one sparse = invalid), U1×dd 3 now + 1 later, U2×tp ranks 2–3 and the
    // reserve, U2×dd all 4, U3×tp 2 (below k).
    const plan: Array<[string, string, string[]]> = [
      ['U1', 'tp', of('U1', 'tp').map((l) => l.token)],
      [
        'U1',
        'dd',
        of('U1', 'dd')
          .slice(0, 3)
          .map((l) => l.token),
      ],
      [
        'U2',
        'tp',
        [
          ...of('U2', 'tp')
            .filter((l) => l.rank === 2 || l.rank === 3)
            .map((l) => l.token),
          reserve.find((l) => l.unit === 'U2' && l.field === 'tp' && l.rank === 1)!.token,
        ],
      ],
      ['U2', 'dd', of('U2', 'dd').map((l) => l.token)],
      [
        'U3',
        'tp',
        of('U3', 'tp')
          .slice(0, 2)
          .map((l) => l.token),
      ],
    ];
    for (const [unit, field, tokens] of plan) {
      const u = UNITS.findIndex((x) => x.code === unit);
      const f = FIELDS.findIndex((x) => x.code === field);
      for (const [j, token] of tokens.entries()) {
        await submit(
          token,
          levelsFor(u, f, j, unit === 'U1' && field === 'tp' && j === 3),
          `${unit}|${field}`,
        );
      }
    }
    lastForm = { token: of('U1', 'dd')[3]!.token, levels: levelsFor(0, 1, 3), key: 'U1|dd' };
    await liveCountsReach(roundId, 16);
  }, 240_000);

  it('a recompute request records the run and answers 202 at once; asking again returns the same run', async () => {
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(run.status).toBe(202);
    expect(run.json.status).toBe('requested');
    firstRunId = run.json.runId;
    const again = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(again.json).toMatchObject({ runId: firstRunId, reused: true });
    const done = await runCompleted(roundId, firstRunId);
    expect(done.run).toMatchObject({
      status: 'completed',
      partsTotal: 1,
      partsDone: 1,
      snapshot: { source: 'read', sampleId, submissions: { count: 16 } },
    });
    const u1dd = done.parts.find(
      (p: { level: string; unitCode?: string; fieldCode?: string }) =>
        p.level === 'unitField' && p.unitCode === 'U1' && p.fieldCode === 'dd',
    );
    expect(u1dd.counts).toEqual({ issued: 4, returned: 3, valid: 3, invalid: 0 });
  }, 120_000);

  it('after one more form, a recompute is a new run; the old one is kept as it was', async () => {
    await submit(lastForm!.token, lastForm!.levels, lastForm!.key);
    await eventually('live counter of the new form', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      const c = (r.json?.live ?? []).find(
        (x: { unitCode: string; fieldCode: string }) => x.unitCode === 'U1' && x.fieldCode === 'dd',
      );
      return c?.returned === 4 ? true : undefined;
    });
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(run.status).toBe(202);
    expect(run.json.runId).not.toBe(firstRunId);
    await runCompleted(roundId, run.json.runId);
    const runs = (await api('GET', `/api/rounds/${roundId}/scoring/runs`)).json.runs;
    expect(runs.map((r: { runId: string; status: string }) => [r.runId, r.status])).toEqual([
      [firstRunId, 'completed'],
      [run.json.runId, 'completed'],
    ]);
    const old = (await api('GET', `/api/rounds/${roundId}/scoring/runs/${firstRunId}`)).json;
    const oldRound = old.parts.find((p: { level: string }) => p.level === 'round');
    expect(oldRound.counts).toMatchObject({ returned: 16 });
    const latest = (await api('GET', `/api/rounds/${roundId}/results`)).json.latest;
    expect(latest.runId).toBe(run.json.runId);
    expect(latest.round.counts).toEqual({ issued: 20, returned: 17, valid: 16, invalid: 1 });
  }, 150_000);

  it('gives the exact counts, response rates, indexes and intervals at every level (admin)', async () => {
    const latest = (await api('GET', `/api/rounds/${roundId}/results`)).json.latest;
    const validOf = (key: string) => (forms.get(key) ?? []).filter((f) => isValidForm(f.levels));
    const sortedValid = (key: string) =>
      validOf(key)
        .sort((a, b) => (a.hash < b.hash ? -1 : 1))
        .map((f) => f.levels);
    const issued: Record<string, number> = { 'U1|tp': 4, 'U1|dd': 4, 'U2|tp': 4, 'U2|dd': 4, 'U3|tp': 4 };
    const boot = new Map<string, { strata: EntityIntervals[]; unit: EntityIntervals; keys: string[] }>();
    for (const u of UNITS) {
      const keys = FIELDS.map((f) => `${u.code}|${f.code}`)
        .filter((k) => PERSONS[k] !== undefined)
        .sort();
      boot.set(u.code, {
        keys,
        ...bootstrapUnit(
          structure,
          keys.map((k) => ({ forms: sortedValid(k), population: PERSONS[k]! })),
          unitSeed(SEED, u.code),
        ),
      });
    }
    // biome-ignore lint/suspicious/noExplicitAny: published JSON
    const checkRow = (row: any, keys: string[], ci: EntityIntervals, what: string) => {
      const all = keys.flatMap((k) => forms.get(k) ?? []);
      const valid = keys.flatMap((k) => validOf(k).map((f) => f.levels));
      const iss = keys.reduce((a, k) => a + issued[k]!, 0);
      const population = keys.reduce((a, k) => a + PERSONS[k]!, 0);
      expect(row.counts, what).toEqual({
        issued: iss,
        returned: all.length,
        valid: valid.length,
        invalid: all.length - valid.length,
      });
      expect(row.responseRate, what).toBe(round2((100 * all.length) / iss));
      const { answered, satisfied } = totalsOf(structure, valid);
      const c = compose(structure, answered, satisfied);
      expect([row.items.length, row.elements.length, row.aspects.length], what).toEqual([29, 9, 2]);
      expect(row.index, `${what} index`).toBe(idx(c.overall));
      nearCi(row.ci, ci.overall, `${what} overall`);
      row.aspects.forEach((a: { index: number | null; ci: Ends }, k: number) => {
        expect(a.index, `${what} aspect ${k}`).toBe(idx(c.aspects[k]!));
        nearCi(a.ci, ci.aspects[k]!, `${what} aspect ${k}`);
      });
      row.elements.forEach((e: { index: number | null; ci: Ends }, k: number) => {
        expect(e.index, `${what} element ${k}`).toBe(idx(c.elements[k]!));
        nearCi(e.ci, ci.elements[k]!, `${what} element ${k}`);
      });
      row.items.forEach(
        (it: { valid: number; satisfied: number; index: number | null; ci: Ends | null }, i: number) => {
          expect([it.valid, it.satisfied], `${what} item ${i}`).toEqual([answered[i], satisfied[i]]);
          expect(it.index, `${what} item ${i}`).toBe(idx(c.item[i]!));
          nearCi(
            it.ci,
            answered[i]! > 0 ? wilson(satisfied[i]!, answered[i]!, population) : null,
            `${what} item ${i}`,
          );
        },
      );
    };
    type Ends = { lower: number; upper: number };
    for (const [unit, b] of boot) {
      b.keys.forEach((key, h) => {
        const [, field] = key.split('|');
        const row = latest.unitFields.find(
          (r: { unitCode: string; fieldCode: string }) => r.unitCode === unit && r.fieldCode === field,
        );
        checkRow(row, [key], b.strata[h]!, `unit × field ${key}`);
      });
      checkRow(
        latest.units.find((r: { unitCode: string }) => r.unitCode === unit),
        b.keys,
        b.unit,
        `unit ${unit}`,
      );
    }
    for (const f of FIELDS) {
      const keys = Object.keys(PERSONS).filter((k) => k.endsWith(`|${f.code}`));
      const row = latest.fields.find((r: { fieldCode: string }) => r.fieldCode === f.code);
      checkRow(
        row,
        keys,
        linearised(
          structure,
          keys.map((k) => ({ forms: sortedValid(k), population: PERSONS[k]! })),
        ),
        `field ${f.code}`,
      );
    }
    const keys = Object.keys(PERSONS);
    checkRow(
      latest.round,
      keys,
      linearised(
        structure,
        keys.map((k) => ({ forms: sortedValid(k), population: PERSONS[k]! })),
      ),
      'round',
    );
    // Ranks: by index, deterministic; tie groups from the intervals.
    const ranked = [...latest.units]
      .sort((a, b) => a.rank - b.rank)
      .map((u: { unitCode: string; index: number }) => u.index);
    expect(ranked).toEqual([...ranked].sort((a, b) => b - a));
    expect(latest.units.every((u: { tieGroup: number | null }) => typeof u.tieGroup === 'number')).toBe(true);
  });

  it('hides small cells (fewer than k valid forms) from a viewer and an operator, not from an admin', async () => {
    for (const user of ['lanh-dao-xem', 'so-noi-vu-nghiep-vu']) {
      const token = await devLogin(user);
      const latest = (await api('GET', `/api/rounds/${roundId}/results`, { token })).json.latest;
      const small = latest.unitFields.find((r: { unitCode: string }) => r.unitCode === 'U3');
      expect(small.counts.valid).toBe(2);
      expect(small).toMatchObject({ suppressed: true, index: null, ci: null });
      expect(
        small.items.every((i: { index: null; satisfied: null }) => i.index === null && i.satisfied === null),
      ).toBe(true);
      expect(small.elements.every((e: { index: null }) => e.index === null)).toBe(true);
      const unit = latest.units.find((r: { unitCode: string }) => r.unitCode === 'U3');
      expect(unit).toMatchObject({ suppressed: true, index: null });
      const big = latest.unitFields.find(
        (r: { unitCode: string; fieldCode: string }) => r.unitCode === 'U2' && r.fieldCode === 'dd',
      );
      expect(big.suppressed).toBe(false);
      expect(big.index).not.toBeNull();
      const run = (await api('GET', `/api/rounds/${roundId}/scoring/runs/${latest.runId}`, { token })).json;
      const part = run.parts.find(
        (p: { level: string; unitCode?: string }) => p.level === 'unitField' && p.unitCode === 'U3',
      );
      expect(part).toMatchObject({ suppressed: true, index: null });
    }
    const admin = (await api('GET', `/api/rounds/${roundId}/results`)).json.latest;
    const small = admin.unitFields.find((r: { unitCode: string }) => r.unitCode === 'U3');
    expect(small.suppressed).toBeUndefined();
    expect(small.index).not.toBeNull();
  });
});
