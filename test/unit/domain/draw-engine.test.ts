import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
// The reference implementation (sha256-rank-v1); it moves to shared/domain/draw.ts on main.
import { drawSample, type EligibleDossier, rankKey, rosterHash } from '../../../shared/domain/draw.ts';
import {
  closeDrawWorkers,
  createRosterHasher,
  DRAW_WORKER_SOURCE,
  type DrawDossier,
  drawDossiers,
  drawRankKey,
  drawStrata,
  drawStrataSync,
  groupPersonsByStratum,
  rankKernel,
  rosterHashOf,
  SamplingInputError,
} from '../../../shared/domain/index.ts';

afterAll(closeDrawWorkers);

/** Dossiers of one field F, person i in unit `unitOf(i)`, and the strata of `units` in that order. */
const oneFieldRoster = (
  people: readonly string[],
  unitOf: (i: number) => string,
  units: readonly string[],
  completedOn = '2026-01-01',
) => ({
  dossiers: people.map((personKey, i) => ({
    dossierId: `D${i}`,
    personKey,
    unitCode: unitOf(i),
    fieldCode: 'F',
    completedOn,
    row: i,
  })),
  strata: units.map((unitCode) => ({ unitCode, fieldCode: 'F' })),
});

const code = fc.stringMatching(/^[A-Z0-9]{1,4}$/);
// Person keys: mostly HMAC-like ASCII, sometimes Vietnamese or astral characters (UTF-8 > 1 byte).
const personKey = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
  fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }),
  fc.constantFrom('Nguyễn', 'Trần', 'Lê', '😀', 'đ'),
);

/** A roster with repeated persons across strata and repeated dossiers, as rule 15 has to resolve. */
const roster = fc
  .record({
    units: fc.uniqueArray(code, { minLength: 1, maxLength: 4 }),
    fields: fc.uniqueArray(code, { minLength: 1, maxLength: 3 }),
    people: fc.uniqueArray(personKey, { minLength: 0, maxLength: 60 }),
    rows: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 5 }), fc.nat(3)), {
      maxLength: 150,
    }),
  })
  .map(({ units, fields, people, rows }) => {
    const dossiers: EligibleDossier[] =
      people.length === 0
        ? []
        : rows.map(([u, f, p, day, rowJitter], i) => ({
            dossierId: `D${(i * 7) % 13}-${i}`,
            personKey: people[p % people.length] as string,
            unitCode: units[u % units.length] as string,
            fieldCode: fields[f % fields.length] as string,
            completedOn: `2026-01-0${day}`,
            row: Math.floor(i / 2) + rowJitter,
          }));
    const strata = units.flatMap((unitCode) => fields.map((fieldCode) => ({ unitCode, fieldCode })));
    return { dossiers, strata };
  });

const request = fc.record({
  seed: fc.string({ maxLength: 10 }),
  roundId: fc.string({ minLength: 1, maxLength: 8 }),
  officialPerStratum: fc.nat(8),
  reservePerStratum: fc.nat(8),
});

describe('draw engine = reference sha256-rank-v1', () => {
  it('drawRankKey is the reference rankKey', () => {
    expect(drawRankKey('s', 'r', 'U1#F1', 'p1')).toBe(rankKey('s', 'r', 'U1#F1', 'p1'));
  });

  it('property: same picks and counts as drawSample, on 1 and 2 threads', async () => {
    await fc.assert(
      fc.asyncProperty(roster, request, async ({ dossiers, strata }, req) => {
        const reference = drawSample(dossiers, req, strata);
        const one = await drawDossiers(dossiers, req, strata, { threads: 1 });
        const two = await drawDossiers(dossiers, req, strata, { threads: 2 });
        expect(one).toEqual(reference);
        expect(two).toEqual(reference);
      }),
      { numRuns: 150 },
    );
  });

  it('property: strata with many persons and small quotas (the bounded heap replaces its top) match the reference', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-f0-9]{4,16}$/), { minLength: 50, maxLength: 400 }),
        fc.nat(10),
        fc.nat(10),
        fc.string({ maxLength: 6 }),
        (people, n, m, seed) => {
          const { dossiers, strata } = oneFieldRoster(
            people,
            (i) => (i % 3 === 0 ? 'A' : 'B'),
            ['A', 'B'],
            '2026-02-01',
          );
          const req = { seed, roundId: 'R', officialPerStratum: n, reservePerStratum: m };
          const ref = drawSample(dossiers, req, strata);
          const engine = drawStrataSync({
            seed,
            roundId: 'R',
            strata: groupPersonsByStratum(dossiers, strata),
            quotaOf: () => ({ official: n, reserve: m }),
          });
          expect(engine).toEqual(ref);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('property: the row order of the roster and of each stratum changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(roster, request, fc.nat(), async ({ dossiers, strata }, req, salt) => {
        const shuffled = dossiers
          .map((d, i) => ({ d, k: rankKey(String(salt), '', '', String(i)) }))
          .sort((a, b) => (a.k < b.k ? -1 : 1))
          .map((x) => x.d);
        expect(await drawDossiers(shuffled, req, strata, { threads: 2 })).toEqual(
          await drawDossiers(dossiers, req, strata),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('quotaOf sets each stratum its own quota; shortfall is official quota − persons', () => {
    const strata = [
      { unitCode: 'U1', fieldCode: 'F1', personKeys: ['a', 'b', 'c', 'd', 'e'] },
      { unitCode: 'U2', fieldCode: 'F1', personKeys: ['x', 'y'] },
      { unitCode: 'U3', fieldCode: 'F1', personKeys: [] },
    ];
    const quotas: Record<string, { official: number; reserve: number }> = {
      U1: { official: 2, reserve: 2 },
      U2: { official: 3, reserve: 1 },
      U3: { official: 1, reserve: 1 },
    };
    const { picks, counts } = drawStrataSync({
      seed: 'seed',
      roundId: 'R1',
      strata,
      quotaOf: (s, persons) => {
        expect(persons).toBe(s.personKeys.length);
        return quotas[s.unitCode] as { official: number; reserve: number };
      },
    });
    expect(counts).toEqual([
      { unitCode: 'U1', fieldCode: 'F1', persons: 5, official: 2, reserve: 2, shortfall: 0 },
      { unitCode: 'U2', fieldCode: 'F1', persons: 2, official: 2, reserve: 0, shortfall: 1 },
      { unitCode: 'U3', fieldCode: 'F1', persons: 0, official: 0, reserve: 0, shortfall: 1 },
    ]);
    const u1 = ['a', 'b', 'c', 'd', 'e'].sort((p, q) =>
      rankKey('seed', 'R1', 'U1#F1', p) < rankKey('seed', 'R1', 'U1#F1', q) ? -1 : 1,
    );
    expect(picks.filter((p) => p.unitCode === 'U1').map((p) => [p.list, p.rank, p.personKey])).toEqual([
      ['official', 1, u1[0]],
      ['official', 2, u1[1]],
      ['reserve', 1, u1[2]],
      ['reserve', 2, u1[3]],
    ]);
    expect(picks.filter((p) => p.unitCode === 'U2').map((p) => p.list)).toEqual(['official', 'official']);
  });

  it('threads = 1, 2 and 3 give identical results on a few thousand strata', async () => {
    const strata = Array.from({ length: 2000 }, (_, s) => ({
      unitCode: `U${s % 250}`,
      fieldCode: `F${Math.floor(s / 250)}`,
      personKeys: Array.from({ length: (s * 37) % 41 }, (_, i) => `k${s}-${i}`),
    }));
    const input = { seed: '12345', roundId: 'R', strata, quotaOf: () => ({ official: 5, reserve: 3 }) };
    const one = drawStrataSync(input);
    expect(await drawStrata(input, { threads: 2 })).toEqual(one);
    expect(await drawStrata(input, { threads: 3 })).toEqual(one);
    expect(one.picks.length).toBe(one.counts.reduce((a, c) => a + c.official + c.reserve, 0));
  });

  it('refuses a person given twice when it would reach the lists, and bad quotas or thread counts', async () => {
    const twice = {
      seed: 's',
      roundId: 'r',
      strata: [{ unitCode: 'U', fieldCode: 'F', personKeys: ['a', 'b', 'a'] }],
      quotaOf: () => ({ official: 3, reserve: 0 }),
    };
    expect(() => drawStrataSync(twice)).toThrow(SamplingInputError);
    await expect(drawStrata(twice, { threads: 2 })).rejects.toThrow('một người xuất hiện hai lần');
    expect(() => drawStrataSync({ ...twice, quotaOf: () => ({ official: -1, reserve: 0 }) })).toThrow(
      'số phiếu chính thức = -1 phải là số nguyên không âm',
    );
    expect(() => drawStrataSync({ ...twice, quotaOf: () => ({ official: 1, reserve: 0.5 }) })).toThrow(
      'số phiếu dự phòng = 0.5',
    );
    await expect(drawStrata(twice, { threads: 0 })).rejects.toThrow('số luồng = 0 phải là số nguyên dương');
    expect(() =>
      groupPersonsByStratum(
        [],
        [
          { unitCode: 'U', fieldCode: 'F' },
          { unitCode: 'U', fieldCode: 'F' },
        ],
      ),
    ).toThrow('tầng U#F được liệt kê hai lần');
  });

  it('a tie on the first 8 digest bytes falls back to the full digest, then the key', () => {
    // Kernel-level check with a fake hash whose first 8 bytes are always equal.
    const fakeCrypto = {
      // latin1 digest: 31 zero bytes, then the key's last byte
      hash: (_alg: string, v: Uint8Array) =>
        '\u0000'.repeat(31) + String.fromCharCode(v[v.length - 1] as number),
    } as unknown as typeof import('node:crypto');
    const keys = Buffer.from('xcxaxbyb');
    const job = {
      keys: new Uint8Array(keys),
      keyEnds: Int32Array.from([2, 4, 6, 8]),
      prefixes: new Uint8Array(Buffer.from('p')),
      prefixEnds: Int32Array.from([1]),
      personEnds: Int32Array.from([4]),
      take: Int32Array.from([3]),
    };
    // xc, xa, xb, yb → by last byte a < b (xb vs yb tie → key order xb < yb) < c
    expect(Array.from(rankKernel(fakeCrypto, job))).toEqual([1, 2, 3]);
  });

  it('long seeds and keys and many multi-byte keys (buffers grow) still match the reference', async () => {
    const seed = 'xổ số kiến thiết '.repeat(20);
    const people = [
      ...Array.from({ length: 300 }, (_, i) => `người-đặc-biệt-ữ-${i}-${'ệ'.repeat(i % 40)}`),
      `k${'x'.repeat(700)}`,
      `😀${'ừ'.repeat(300)}`,
    ];
    const { dossiers, strata } = oneFieldRoster(people, (i) => `U${i % 2}`, ['U0', 'U1']);
    const req = { seed, roundId: 'R', officialPerStratum: 40, reservePerStratum: 200 };
    const ref = drawSample(dossiers, req, strata);
    expect(await drawDossiers(dossiers, req, strata, { threads: 2 })).toEqual(ref);
    expect(await drawDossiers(dossiers, req, strata)).toEqual(ref);
  });

  it('ASCII keys with one multi-byte key last (or first) in the group still match the reference', async () => {
    for (const odd of ['aaaé', 'é', `${'z'.repeat(9)}😀`, '\ud800x']) {
      for (const at of ['first', 'last'] as const) {
        const ascii = Array.from({ length: 50 }, (_, i) => `k${i}`);
        const people = at === 'last' ? [...ascii, odd] : [odd, ...ascii];
        const { dossiers, strata } = oneFieldRoster(people, (i) => (i < 30 ? 'U0' : 'U1'), ['U0', 'U1']);
        const req = { seed: 's', roundId: 'R', officialPerStratum: 5, reservePerStratum: 5 };
        const ref = drawSample(dossiers, req, strata);
        expect(await drawDossiers(dossiers, req, strata, { threads: 2 })).toEqual(ref);
        expect(await drawDossiers(dossiers, req, strata)).toEqual(ref);
      }
    }
  });

  it('concurrent draws on pooled buffers each get their own lists, draw after draw', async () => {
    const inputOf = (n: number) => ({
      seed: `seed-${n}`,
      roundId: 'R',
      strata: Array.from({ length: 40 }, (_, s) => ({
        unitCode: `U${s}`,
        fieldCode: 'F',
        personKeys: Array.from({ length: 20 + ((s * 7 + n) % 50) }, (_, i) => `p${n}-${s}-${i}`),
      })),
      quotaOf: () => ({ official: 5 + n, reserve: 3 }),
    });
    for (let round = 0; round < 3; round++) {
      const inputs = Array.from({ length: 6 }, (_, n) => inputOf(n + round));
      const results = await Promise.all(inputs.map((input) => drawStrata(input, { threads: 2 })));
      results.forEach((r, n) => {
        expect(r).toEqual(drawStrataSync(inputs[n] as (typeof inputs)[number]));
      });
    }
  });

  it('without crypto.hash (Node < 21.7) the kernel falls back to createHash with the same ranks', async () => {
    const { createHash } = await import('node:crypto');
    const job = () => ({
      keys: new Uint8Array(Buffer.from('alicebobcarol')),
      keyEnds: Int32Array.from([5, 8, 13]),
      prefixes: new Uint8Array(Buffer.from('s\u001fr\u001fU#F\u001f')),
      prefixEnds: Int32Array.from([8]),
      personEnds: Int32Array.from([3]),
      take: Int32Array.from([2]),
    });
    const viaCreateHash = rankKernel({ createHash } as unknown as typeof import('node:crypto'), job());
    const expected = ['alice', 'bob', 'carol']
      .map((k, i) => ({ i, r: rankKey('s', 'r', 'U#F', k) }))
      .sort((a, b) => (a.r < b.r ? -1 : 1))
      .slice(0, 2)
      .map((x) => x.i);
    expect(Array.from(viaCreateHash)).toEqual(expected);
  });

  it('the worker source is self-contained: it runs from an esbuild bundle (minified, keepNames) as in the Lambda', async () => {
    expect(DRAW_WORKER_SOURCE).toContain('rankKernel');
    const dir = mkdtempSync(join(tmpdir(), 'draw-bundle-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        `import { drawStrata } from ${JSON.stringify(resolve('shared/domain/draw-engine.ts'))};
import { closeDrawWorkers } from ${JSON.stringify(resolve('shared/domain/draw-worker.ts'))};
const strata = Array.from({ length: 300 }, (_, s) => ({ unitCode: 'U' + s, fieldCode: 'F', personKeys: Array.from({ length: 20 }, (_, i) => 'p' + s + '-' + i) }));
const r = await drawStrata({ seed: 'b', roundId: 'R', strata, quotaOf: () => ({ official: 3, reserve: 2 }) }, { threads: 2 });
console.log(JSON.stringify(r));
await closeDrawWorkers();`,
      );
      const out = join(dir, 'bundle.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        minify: true,
        keepNames: true,
        outfile: out,
        logLevel: 'silent',
      });
      const printed = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8' }));
      const dossiers: DrawDossier[] = Array.from({ length: 300 * 20 }, (_, i) => ({
        dossierId: `D${i}`,
        personKey: `p${Math.floor(i / 20)}-${i % 20}`,
        unitCode: `U${Math.floor(i / 20)}`,
        fieldCode: 'F',
        completedOn: '2026-01-01',
        row: i,
      }));
      const strata = Array.from({ length: 300 }, (_, s) => ({ unitCode: `U${s}`, fieldCode: 'F' }));
      expect(printed).toEqual(
        drawSample(
          dossiers,
          { seed: 'b', roundId: 'R', officialPerStratum: 3, reservePerStratum: 2 },
          strata,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('roster hash', () => {
  it('property: createRosterHasher / rosterHashOf equal the reference rosterHash, whatever the order of adding', () => {
    fc.assert(
      fc.property(roster, ({ dossiers }) => {
        const hasher = createRosterHasher();
        const reversed = [...dossiers].reverse();
        for (const d of reversed) hasher.add(d);
        const expected = rosterHash(dossiers);
        expect(hasher.digest()).toBe(expected);
        expect(rosterHashOf(dossiers)).toBe(expected);
      }),
      { numRuns: 80 },
    );
  });

  it('crosses its 4,096-line chunks without changing the hash', () => {
    const rows: EligibleDossier[] = Array.from({ length: 9000 }, (_, i) => ({
      dossierId: `D${i}`,
      personKey: `p${i % 7000}`,
      unitCode: `U${i % 13}`,
      fieldCode: `F${i % 5}`,
      completedOn: '2026-03-01',
      row: i,
    }));
    expect(rosterHashOf(rows)).toBe(rosterHash(rows));
  });
});
