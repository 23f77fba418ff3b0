/**
 * The draw itself on a national-scale roster, rows in memory (issue 9 "Scale"):
 * 1,000,000 dossier rows, 3,250 units × 8 fields (26,000 strata), official 30 + reserve 30.
 * Prints, in one run, the single-core SHA-256 floor beside the reference `drawSample` and the lean
 * engine on 1 and 2 threads, with rows/s and peak RSS. `npx tsx bench/sampling-draw.ts`
 * (`--runs=N` repeats each timing, best and median printed; default 3).
 * Peers measured elsewhere on this machine (issue 9): R base ≈ 0.5 s, pandas ≈ 0.8 s for this shape.
 */
import { createHash, hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { drawSample, type EligibleDossier } from '../shared/domain/draw.ts';
import {
  closeDrawWorkers,
  drawDossiers,
  drawStrata,
  drawStrataSync,
  groupPersonsByStratum,
} from '../shared/domain/index.ts';
import { mulberry32 } from '../shared/platform/prng.ts';

const ROWS = 1_000_000;
const UNITS = 3_250;
const FIELDS = 8;
const OFFICIAL = 30;
const RESERVE = 30;
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);

// Deterministic PRNG (mulberry32) so every run draws the same roster.
const random = mulberry32(0x9e3779b9);

const line = (name: string, value: string) => console.log(`${name.padEnd(58)} ${value}`);
const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const rate = (ms: number) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en')} rows/s`;

const time = async (fn: () => unknown | Promise<unknown>): Promise<{ best: number; median: number }> => {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { best: ms[0] as number, median: ms[Math.floor(ms.length / 2)] as number };
};
const report = (name: string, t: { best: number; median: number }) =>
  line(name, `best ${fmt(t.best)} · median ${fmt(t.median)} · ${rate(t.best)}`);

// Roster: 95 % of rows are a person's only dossier, 5 % a second dossier of an earlier person
// (possibly in another stratum, so rule 15 has to choose). Unit sizes are uneven (squared uniform).
const personKey = (i: number) => createHash('sha256').update(`person-${i}`).digest('base64url');
const dossiers: EligibleDossier[] = new Array(ROWS);
let persons = 0;
for (let i = 0; i < ROWS; i++) {
  const repeat = i > 1000 && random() < 0.05;
  const p = repeat ? Math.floor(random() * persons) : persons++;
  const u = Math.floor(random() * random() * UNITS);
  dossiers[i] = {
    dossierId: `HS-${i}`,
    personKey: personKey(p),
    unitCode: `U${String(u).padStart(4, '0')}`,
    fieldCode: `F${Math.floor(random() * FIELDS)}`,
    completedOn: `2026-0${1 + Math.floor(random() * 9)}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
    row: i + 2,
  };
}
const strata = Array.from({ length: UNITS * FIELDS }, (_, s) => ({
  unitCode: `U${String(Math.floor(s / FIELDS)).padStart(4, '0')}`,
  fieldCode: `F${s % FIELDS}`,
}));
const request = {
  seed: '2026-12-01-xsmb-83512',
  roundId: '01JDRAWROUNDSIPAS2026HCM01',
  officialPerStratum: OFFICIAL,
  reservePerStratum: RESERVE,
};

const grouped = groupPersonsByStratum(dossiers, strata);
const nonEmpty = grouped.filter((s) => s.personKeys.length > 0).length;
line(
  'roster',
  `${ROWS.toLocaleString('en')} rows · ${persons.toLocaleString('en')} persons · ${UNITS} units × ${FIELDS} fields · ${nonEmpty.toLocaleString('en')} non-empty strata · ${OFFICIAL} + ${RESERVE} per stratum`,
);

// 1. The floor: one one-shot SHA-256 per row on inputs of the draw's length, one core.
const sample = grouped.find((s) => s.personKeys.length > 0) as (typeof grouped)[number];
const inputLength = Buffer.byteLength(
  [request.seed, request.roundId, `${sample.unitCode}#${sample.fieldCode}`, sample.personKeys[0]].join(
    '\u001f',
  ),
);
const floorInput = Buffer.alloc(inputLength, 0x41);
const floor = await time(() => {
  for (let i = 0; i < ROWS; i++) {
    floorInput[i % inputLength] = i & 0xff;
    hash('sha256', floorInput, 'buffer');
  }
});
report(`hash floor: 1M crypto.hash('sha256', ${inputLength} B, 'buffer'), 1 core`, floor);
// The engine asks for 'binary' (latin1) output: a short string instead of a Buffer per call.
const floorBinary = await time(() => {
  for (let i = 0; i < ROWS; i++) {
    floorInput[i % inputLength] = i & 0xff;
    hash('sha256', floorInput, 'binary');
  }
});
report(`hash floor: 1M crypto.hash('sha256', ${inputLength} B, 'binary'), 1 core`, floorBinary);

// 2. The reference implementation (rows in, picks out).
let referenceResult: ReturnType<typeof drawSample> | undefined;
const reference = await time(() => {
  referenceResult = drawSample(dossiers, request, strata);
});
report('reference drawSample (rule 15 + draw), 1 thread', reference);

// 3. The engine. Rule 15 (person → stratum) separately, then the draw on grouped strata.
const quota = { official: OFFICIAL, reserve: RESERVE };
const input = { seed: request.seed, roundId: request.roundId, strata: grouped, quotaOf: () => quota };
report(
  'engine groupPersonsByStratum (rule 15 only)',
  await time(() => groupPersonsByStratum(dossiers, strata)),
);
report('engine drawStrataSync (draw only), 1 thread', await time(() => drawStrataSync(input)));
const cold = performance.now();
await drawStrata(input, { threads: 2 });
line('engine drawStrata, 2 threads, first call (starts the worker)', fmt(performance.now() - cold));
report('engine drawStrata (draw only), 2 threads, warm', await time(() => drawStrata(input, { threads: 2 })));
let engineResult: Awaited<ReturnType<typeof drawDossiers>> | undefined;
report(
  'engine drawDossiers (rule 15 + draw), 2 threads',
  await time(async () => {
    engineResult = await drawDossiers(dossiers, request, strata, { threads: 2 });
  }),
);
const same = JSON.stringify(engineResult) === JSON.stringify(referenceResult);
line(
  'engine result identical to reference',
  `${same ? 'yes' : 'NO'} (${engineResult?.picks.length.toLocaleString('en')} picks)`,
);
line('peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
line('peers, same shape, this machine (issue 9)', 'R base ≈ 0.5 s · pandas ≈ 0.8 s (plain PRNG, no hash)');
await closeDrawWorkers();
if (!same) process.exitCode = 1;
