/** Sampling use cases over in-memory fakes of the samples store and the respondents reader. */
import { describe, expect, it } from 'vitest';
import { ListsBlindError, requireListsVisible } from '../../../services/sampling/blind-lists.ts';
import { exportList } from '../../../services/sampling/export-list.ts';
import { planQuotas } from '../../../services/sampling/plan-quotas.ts';
import { requestSample } from '../../../services/sampling/request-sample.ts';
import { paperCodeOf } from '../../../services/sampling/run-draw.ts';
import type { DrawResult } from '../../../services/sampling/store.ts';
import { stratumHistory, substitute } from '../../../services/sampling/substitute.ts';
import type { DrawMessage } from '../../../shared/contracts/sampling-requests.ts';
import { formatPaperCode } from '../../../shared/domain/index.ts';
import { encryptPii, formToken, hashToken } from '../../../shared/platform/crypto.ts';
import type { DossierRecord, PersonRecord } from '../../../shared/tables/respondents.ts';
import { type Assignment, type SampleManifest, tokenAssignment } from '../../../shared/tables/samples.ts';
import { admin, keys, operatorOf, sipasRound } from '../support/fixtures.ts';
import { memoryDrawStore, memoryRespondents, runFannedOutDraw } from './memory-draw.ts';

const request = { seed: 'public-draw-2026', officialPerStratum: 2, reservePerStratum: 1 };

const memorySamples = () => {
  const manifests = new Map<string, SampleManifest>();
  const assignments: Assignment[] = [];
  const completed: DrawResult[] = [];
  return {
    manifests,
    assignments,
    completed,
    store: {
      getManifest: async (_roundId: string, sampleId: string) => manifests.get(sampleId) ?? null,
      listManifests: async (_roundId: string) => [...manifests.values()],
      supersede: async (_roundId: string, oldId: string, newId: string, by: { at: string }) => {
        const m = manifests.get(oldId);
        if (m) manifests.set(oldId, { ...m, supersededBy: newId, supersededAt: by.at });
      },
      createManifest: async (m: SampleManifest) => {
        if (manifests.has(m.sampleId)) return false;
        manifests.set(m.sampleId, m);
        return true;
      },
      putAssignments: async (list: readonly Assignment[]) => {
        assignments.push(...list);
      },
      completeManifest: async (_roundId: string, sampleId: string, result: DrawResult) => {
        completed.push(result);
        const m = manifests.get(sampleId);
        if (m) manifests.set(sampleId, { ...m, ...result, status: 'completed' });
      },
    },
  };
};

const dossiers: DossierRecord[] = [
  ...Array.from({ length: 4 }, (_, i) => ({
    dossierId: `A${i}`,
    personKey: `pa${i}`,
    unitCode: 'U1',
    fieldCode: 'tu-phap',
    completedOn: '2026-01-10',
    importId: 'imp',
    row: i + 2,
  })),
  {
    dossierId: 'B0',
    personKey: 'pb0',
    unitCode: 'U2',
    fieldCode: 'dat-dai',
    completedOn: '2026-01-11',
    importId: 'imp',
    row: 9,
  },
];

describe('requestSample', () => {
  it('creates the manifest once and queues the draw; the same request maps to the same sample', async () => {
    const samples = memorySamples();
    const sent: DrawMessage[] = [];
    const deps = {
      store: samples.store,
      importsInProgress: async () => 0,
      send: async (m: DrawMessage) => {
        sent.push(m);
      },
      now: () => new Date('2026-02-01T00:00:00.000Z'),
    };
    const first = await requestSample(sipasRound(), request, admin, deps);
    const again = await requestSample(sipasRound(), request, admin, deps);
    expect(first.created).toBe(true);
    expect(again).toEqual({ sampleId: first.sampleId, created: false });
    expect(samples.manifests.get(first.sampleId)).toMatchObject({
      status: 'pending',
      seed: request.seed,
      algorithm: 'sha256-rank-v1',
      requestedBy: 'admin-1',
      requestedAt: '2026-02-01T00:00:00.000Z',
    });
    expect(sent).toEqual([
      { kind: 'draw', roundId: 'r1', sampleId: first.sampleId },
      { kind: 'draw', roundId: 'r1', sampleId: first.sampleId },
    ]);
    await expect(
      requestSample(sipasRound(), { ...request, seed: 'another' }, admin, deps),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'SAMPLE_EXISTS',
    });
    const other = await requestSample(
      sipasRound(),
      { ...request, seed: 'another', reason: 'biên bản số 7: hạt giống cũ nhập sai' },
      admin,
      deps,
    );
    expect(other.sampleId).not.toBe(first.sampleId);
    expect(samples.manifests.get(first.sampleId)?.supersededBy).toBe(other.sampleId);
    expect(samples.manifests.get(other.sampleId)).toMatchObject({
      supersedes: first.sampleId,
      reason: 'biên bản số 7: hạt giống cũ nhập sai',
    });
  });

  it('a fixed seed refuses any other (409 SEED_FIXED naming the source) and may be omitted', async () => {
    const samples = memorySamples();
    const round = {
      ...sipasRound(),
      seed: { value: 'xs-2026-03-02', source: 'XSKT 02/03/2026', fixedAt: 't', fixedBy: 'admin-1' },
      quota: { kind: 'fixed' as const, official: 3, reserve: 2 },
    };
    const deps = { store: samples.store, importsInProgress: async () => 0, send: async () => {} };
    const refused = requestSample(round, { seed: 'other' }, admin, deps);
    await expect(refused).rejects.toMatchObject({ statusCode: 409, code: 'SEED_FIXED' });
    await expect(requestSample(round, { seed: 'other' }, admin, deps)).rejects.toThrow('XSKT 02/03/2026');
    const { sampleId } = await requestSample(round, {}, admin, deps);
    expect(samples.manifests.get(sampleId)).toMatchObject({
      seed: 'xs-2026-03-02',
      seedSource: 'round: XSKT 02/03/2026',
      officialPerStratum: 3,
      reservePerStratum: 2,
    });
    expect((await requestSample(round, { seed: 'xs-2026-03-02' }, admin, deps)).sampleId).toBe(sampleId);
  });

  it('without a fixed seed or quota the request must give them', async () => {
    const deps = { store: memorySamples().store, importsInProgress: async () => 0, send: async () => {} };
    await expect(
      requestSample(sipasRound(), { officialPerStratum: 1, reservePerStratum: 0 }, admin, deps),
    ).rejects.toMatchObject({ code: 'SEED_REQUIRED' });
    await expect(requestSample(sipasRound(), { seed: 's' }, admin, deps)).rejects.toMatchObject({
      code: 'QUOTA_REQUIRED',
    });
  });

  it('waits for imports in progress (409) and sends nothing for a completed sample', async () => {
    const samples = memorySamples();
    const sent: DrawMessage[] = [];
    const send = async (m: DrawMessage) => {
      sent.push(m);
    };
    await expect(
      requestSample(sipasRound(), request, admin, {
        store: samples.store,
        importsInProgress: async () => 1,
        send,
      }),
    ).rejects.toMatchObject({ statusCode: 409, code: 'IMPORT_IN_PROGRESS' });
    expect(samples.manifests.size).toBe(0);
    const { sampleId } = await requestSample(sipasRound(), request, admin, {
      store: samples.store,
      importsInProgress: async () => 0,
      send,
    });
    const m = samples.manifests.get(sampleId);
    if (m) samples.manifests.set(sampleId, { ...m, status: 'completed' });
    sent.length = 0;
    expect(
      await requestSample(sipasRound(), request, admin, {
        store: samples.store,
        importsInProgress: async () => 1,
        send,
      }),
    ).toEqual({ sampleId, created: false });
    expect(sent).toEqual([]);
  });
});

describe('runDraw (planner + parts)', () => {
  const drawn = async () => {
    const samples = memoryDrawStore();
    const { sampleId } = await requestSample(sipasRound(), request, admin, {
      store: samples.store,
      importsInProgress: async () => 0,
      send: async () => {},
    });
    const deps = {
      store: samples.store,
      respondents: memoryRespondents(dossiers),
      keys,
      limits: { dossiers: 100, units: 1 },
    };
    await runFannedOutDraw({ roundId: 'r1', sampleId }, deps);
    return { samples, sampleId, deps };
  };

  it('draws per stratum, stores assignments with hashed tokens, and completes the manifest', async () => {
    const { samples, sampleId } = await drawn();
    expect(samples.plans.get(sampleId)).toHaveLength(2);
    const lists = [...samples.assignments.values()].map(
      (a) => `${a.unitCode}/${a.fieldCode}/${a.list}/${a.rank}`,
    );
    expect(lists.sort()).toEqual([
      'U1/tu-phap/official/1',
      'U1/tu-phap/official/2',
      'U1/tu-phap/reserve/1',
      'U2/dat-dai/official/1',
    ]);
    for (const a of samples.assignments.values()) {
      expect(a.tokenHash).toBe(hashToken(formToken(keys, tokenAssignment(a))));
      expect(a.sampleId).toBe(sampleId);
    }
    expect(samples.completed[0]).toMatchObject({
      dossiers: 5,
      parts: 2,
      totals: { official: 3, reserve: 1, shortfall: 1 },
      completedAt: '2026-02-02T00:00:00.000Z',
    });
    expect(samples.manifests.get(sampleId)?.status).toBe('completed');
  });

  it('a redelivered message for a completed sample draws nothing', async () => {
    const { samples, sampleId, deps } = await drawn();
    const before = samples.assignments.size;
    expect(await runFannedOutDraw({ roundId: 'r1', sampleId }, deps)).toBe(0);
    expect(samples.assignments.size).toBe(before);
    await expect(runFannedOutDraw({ roundId: 'r1', sampleId: 'nope' }, deps)).rejects.toThrow(/no manifest/);
  });
});

describe('exportList', () => {
  const person = (key: string, name: string, address?: string): PersonRecord => ({
    personKey: key,
    nameEnc: encryptPii(keys, name),
    phoneEnc: encryptPii(keys, '+84912000001'),
    phoneKind: 'mobile',
    ...(address ? { addressEnc: encryptPii(keys, address) } : {}),
  });
  const assignments: Assignment[] = [
    {
      sampleId: 's1',
      roundId: 'r1',
      unitCode: 'U1',
      fieldCode: 'tu-phap',
      list: 'official',
      rank: 1,
      personKey: 'p1',
      tokenHash: 'h1',
    },
    {
      sampleId: 's1',
      roundId: 'r1',
      unitCode: 'U1',
      fieldCode: 'tu-phap',
      list: 'reserve',
      rank: 1,
      personKey: 'p2',
      tokenHash: 'h2',
    },
    {
      sampleId: 's1',
      roundId: 'r1',
      unitCode: 'U2',
      fieldCode: 'dat-dai',
      list: 'official',
      rank: 1,
      personKey: 'p3',
      tokenHash: 'h3',
    },
  ];
  const asked: string[][] = [];
  const ctx = (principal = admin) => ({
    principal,
    baseUrl: 'https://dieutra.test',
    keys,
    samples: { listAssignments: async () => assignments },
    respondents: {
      getPersons: async (_roundId: string, personKeys: readonly string[]) => {
        asked.push([...personKeys]);
        return [person('p1', '=Lê Thị Lan', 'Số 1 phố Huế'), person('p3', 'Trần Văn Nam')];
      },
    },
  });

  it('writes the list with decrypted names, phones, addresses and form links, formula-safe', async () => {
    const csv = await exportList(sipasRound(), 's1', 'official', ctx());
    const lines = csv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'STT,Mã đơn vị,Đơn vị,Lĩnh vực,Danh sách,Thứ tự,Họ và tên,Số điện thoại,Địa chỉ,Mã phiếu giấy,Liên kết phiếu',
    );
    const token = formToken(keys, tokenAssignment(assignments[0] as Assignment));
    expect(lines[1]).toBe(
      `1,U1,UBND phường Một,Tư pháp,Chính thức,1,'=Lê Thị Lan,+84912000001,Số 1 phố Huế,${formatPaperCode(paperCodeOf(keys, assignments[0] as Assignment))},https://dieutra.test/f/${token}`,
    );
    expect(lines).toHaveLength(3);
    // Only the listed persons are fetched, never the whole roster.
    expect(asked.at(-1)).toEqual(['p1', 'p3']);
  });

  it('a unit focal point exports only its own units', async () => {
    const csv = await exportList(sipasRound(), 's1', 'official', ctx(operatorOf('U2')));
    const rows = csv.trim().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',')[1])).toEqual(['U2']);
  });
});

describe('planQuotas (domain allocation from the round quota)', () => {
  it('fixed quotas per stratum, reserve ratios for the other kinds', () => {
    expect(planQuotas({ kind: 'fixed', official: 3, reserve: 1 }, dossiers)).toEqual([
      { key: 'U1#tu-phap', population: 4, official: 3, reserve: 1, shortfall: 0 },
      { key: 'U2#dat-dai', population: 1, official: 1, reserve: 1, shortfall: 2 },
    ]);
    const proportional = planQuotas(
      { kind: 'proportional', total: 5, minPerStratum: 1, reserveRatio: 0.5 },
      dossiers,
    );
    expect(proportional.map((q) => [q.key, q.official, q.reserve])).toEqual([
      // 1 each, then the other 3 by population 4 : 1 (largest remainder): 3 and 2, capped by the frame.
      ['U1#tu-phap', 3, 2],
      ['U2#dat-dai', 1, 1],
    ]);
  });
});

describe('blind lists', () => {
  const round = { schedule: { distributionDate: '2026-03-09T17:00:00.000Z' } };
  it('a unit focal point gets 403 with the date in Vietnam time before distribution, province staff never', () => {
    const before = new Date('2026-03-09T16:59:59.000Z');
    expect(() => requireListsVisible(round, operatorOf('U1'), before)).toThrow(ListsBlindError);
    expect(() => requireListsVisible(round, operatorOf('U1'), before)).toThrow('10/03/2026');
    try {
      requireListsVisible(round, operatorOf('U1'), before);
    } catch (e) {
      expect(e).toMatchObject({ statusCode: 403, code: 'LISTS_BLIND_UNTIL_DISTRIBUTION' });
    }
    expect(() => requireListsVisible({}, operatorOf('U1'), before)).toThrow(ListsBlindError);
    expect(() => requireListsVisible(round, admin, before)).not.toThrow();
    expect(() =>
      requireListsVisible(round, operatorOf('U1'), new Date('2026-03-09T17:00:00.000Z')),
    ).not.toThrow();
  });
});

describe('substitute', () => {
  const base = { sampleId: 's1', roundId: 'r1', unitCode: 'U1', fieldCode: 'tu-phap', tokenHash: 't' };
  const setup = () => {
    let rows: Assignment[] = [
      { ...base, list: 'official', rank: 1, personKey: 'pk-o1', status: 'active' },
      { ...base, list: 'official', rank: 2, personKey: 'pk-o2', status: 'active' },
      { ...base, list: 'reserve', rank: 1, personKey: 'pk-r1', status: 'inactive' },
      { ...base, list: 'reserve', rank: 2, personKey: 'pk-r2', status: 'inactive' },
    ];
    const audits: unknown[] = [];
    const store = {
      listAssignments: async () => rows,
      substitute: async (x: {
        replaced: Assignment;
        reserve: Assignment;
        at: string;
        reason: string;
        audit: unknown;
      }) => {
        audits.push(x.audit);
        rows = rows.map((a) =>
          a.personKey === x.replaced.personKey
            ? {
                ...a,
                status: 'revoked',
                revokedAt: x.at,
                replacedBy: `A#U1#tu-phap#R#${String(x.reserve.rank).padStart(5, '0')}`,
              }
            : a.personKey === x.reserve.personKey
              ? { ...a, status: 'active', activatedAt: x.at }
              : a,
        );
      },
    };
    const manifest = {
      ...base,
      seed: 's',
      officialPerStratum: 2,
      reservePerStratum: 2,
      algorithm: 'a',
      status: 'completed',
      requestedAt: 't',
      requestedBy: 'x',
    } as SampleManifest;
    return { store, manifest, audits, rows: () => rows };
  };
  it('walks the reserve in rank order, follows the chain of a slot, then 409 RESERVE_EXHAUSTED', async () => {
    const { store, manifest, audits, rows } = setup();
    const req = { unitCode: 'U1', fieldCode: 'tu-phap', rank: 2, reason: 'UNREACHABLE' as const };
    const first = await substitute(manifest, req, admin, { store });
    expect([first.replaced.personKey, first.activated.personKey]).toEqual(['pk-o2', 'pk-r1']);
    // Rank 2's slot is now held by reserve 1: replacing "rank 2" again replaces r1 by r2.
    const second = await substitute(manifest, { ...req, reason: 'REFUSED' }, admin, { store });
    expect([second.replaced.personKey, second.activated.personKey]).toEqual(['pk-r1', 'pk-r2']);
    await expect(substitute(manifest, { ...req, rank: 1 }, admin, { store })).rejects.toMatchObject({
      statusCode: 409,
      code: 'RESERVE_EXHAUSTED',
    });
    expect(rows().map((a) => a.status)).toEqual(['active', 'revoked', 'revoked', 'active']);
    expect(JSON.stringify(audits)).not.toContain('pk-');
    expect(audits).toHaveLength(2);
    const history = await stratumHistory(manifest, 'U1', 'tu-phap', admin, { store });
    expect(history.entries.map((e) => `${e.list}${e.rank}:${e.status}`)).toEqual([
      'official1:active',
      'official2:revoked',
      'reserve1:revoked',
      'reserve2:active',
    ]);
  });
  it('an operator of another unit cannot substitute', async () => {
    const { store, manifest } = setup();
    await expect(
      substitute(
        manifest,
        { unitCode: 'U1', fieldCode: 'tu-phap', rank: 1, reason: 'MOVED' },
        operatorOf('U2'),
        { store },
      ),
    ).rejects.toMatchObject({ statusCode: 403 });
  });
});

describe('requestSample and the round lifecycle', () => {
  it('refuses a draw while rosters are open before the deadline, with the guard code; allows it after', async () => {
    const samples = memorySamples();
    const round = {
      ...sipasRound(),
      status: 'ROSTERS_OPEN' as const,
      schedule: { rostersDeadline: '2026-09-22' },
    };
    const deps = (at: string) => ({
      store: samples.store,
      importsInProgress: async () => 0,
      send: async () => {},
      now: () => new Date(at),
    });
    await expect(requestSample(round, request, admin, deps('2026-09-20T00:00:00Z'))).rejects.toMatchObject({
      code: 'ROSTERS_STILL_OPEN',
      message: expect.stringContaining('Đợt còn nhận danh sách đến 00:00 ngày 23/09/2026'),
    });
    expect(samples.manifests.size).toBe(0);
    await expect(
      requestSample({ ...round, status: 'IN_FIELD' }, request, admin, deps('2026-10-01T00:00:00Z')),
    ).rejects.toMatchObject({ code: 'WRONG_STATE' });
    expect(await requestSample(round, request, admin, deps('2026-09-23T00:00:00Z'))).toMatchObject({
      created: true,
    });
  });
});
