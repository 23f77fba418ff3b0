/** Sampling use cases over in-memory fakes of the samples store and the respondents reader. */
import { describe, expect, it } from 'vitest';
import { exportList } from '../../../services/sampling/export-list.ts';
import { planQuotas } from '../../../services/sampling/plan-quotas.ts';
import { requestSample } from '../../../services/sampling/request-sample.ts';
import { type RunDrawDeps, runDraw } from '../../../services/sampling/run-draw.ts';
import type { DrawResult } from '../../../services/sampling/store.ts';
import type { DrawMessage } from '../../../shared/contracts/sampling-requests.ts';
import { encryptPii, formToken, hashToken } from '../../../shared/platform/crypto.ts';
import type { DossierRecord, PersonRecord } from '../../../shared/tables/respondents.ts';
import { type Assignment, type SampleManifest, tokenAssignment } from '../../../shared/tables/samples.ts';
import { admin, keys, operatorOf, sipasRound } from '../support/fixtures.ts';

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
    const other = await requestSample(sipasRound(), { ...request, seed: 'another' }, admin, deps);
    expect(other.sampleId).not.toBe(first.sampleId);
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

describe('runDraw', () => {
  const drawn = async () => {
    const samples = memorySamples();
    const { sampleId } = await requestSample(sipasRound(), request, admin, {
      store: samples.store,
      importsInProgress: async () => 0,
      send: async () => {},
    });
    const deps: RunDrawDeps = {
      samples: samples.store,
      respondents: { listDossiers: async () => dossiers },
      keys,
      now: () => new Date('2026-02-02T00:00:00.000Z'),
    };
    await runDraw({ kind: 'draw', roundId: 'r1', sampleId }, deps);
    return { samples, sampleId, deps };
  };

  it('draws per stratum, stores assignments with hashed tokens, and completes the manifest', async () => {
    const { samples, sampleId } = await drawn();
    const lists = samples.assignments.map((a) => `${a.unitCode}/${a.fieldCode}/${a.list}/${a.rank}`);
    expect(lists).toEqual([
      'U1/tu-phap/official/1',
      'U1/tu-phap/official/2',
      'U1/tu-phap/reserve/1',
      'U2/dat-dai/official/1',
    ]);
    for (const a of samples.assignments) {
      expect(a.tokenHash).toBe(hashToken(formToken(keys, tokenAssignment(a))));
      expect(a.sampleId).toBe(sampleId);
    }
    expect(samples.completed[0]).toMatchObject({
      dossiers: 5,
      totals: { official: 3, reserve: 1, shortfall: 1 },
      completedAt: '2026-02-02T00:00:00.000Z',
    });
    expect(samples.manifests.get(sampleId)?.status).toBe('completed');
  });

  it('a redelivered message for a completed sample draws nothing', async () => {
    const { samples, sampleId, deps } = await drawn();
    const before = samples.assignments.length;
    await runDraw({ kind: 'draw', roundId: 'r1', sampleId }, deps);
    expect(samples.assignments).toHaveLength(before);
    await expect(runDraw({ kind: 'draw', roundId: 'r1', sampleId: 'nope' }, deps)).rejects.toThrow(
      /no manifest/,
    );
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
      'STT,Mã đơn vị,Đơn vị,Lĩnh vực,Danh sách,Thứ tự,Họ và tên,Số điện thoại,Địa chỉ,Liên kết phiếu',
    );
    const token = formToken(keys, tokenAssignment(assignments[0] as Assignment));
    expect(lines[1]).toBe(
      `1,U1,UBND phường Một,Tư pháp,Chính thức,1,'=Lê Thị Lan,+84912000001,Số 1 phố Huế,https://dieutra.test/f/${token}`,
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
