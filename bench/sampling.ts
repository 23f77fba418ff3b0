/**
 * bench/sampling (issue 9 "Scale"): a roster of 1,000,000 dossier rows, about 3,000 units × 8 fields,
 * loaded straight into the respondents table of the local runtime's DynamoDB Local in its contract's
 * shape (dossier items, unit versions, one completed import report — the load is not the figure),
 * then drawn with official 30 + reserve 30 per stratum. Prints, in one run:
 *   - the single-core hash floor: crypto.hash('sha256', …) once per person on the draw's own inputs;
 *   - the draw itself, rows in memory: the engine on 2 threads (and 1), persons already grouped by
 *     stratum, beside that floor; rule 15 (person → stratum) separately;
 *   - end to end on the runtime: POST …/samples → manifest completed (planner, scan, resolve and
 *     draw parts through the queues, assignments written), rows/s;
 *   - peak RSS of this process (the in-memory draw) and of the runtime's handlers.
 * Peers measured elsewhere on this machine (issue 9): R base ≈ 0.5 s, pandas ≈ 0.8 s for this shape.
 *
 *   npm run bench:sampling -- [--rows 1000000] [--units N] [--fields 8] [--runs 3]
 *     [--official 30] [--reserve 30] [--no-e2e] [--timeout-seconds 1800] [--verbose]
 */
import { createHash, hash } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/clients.ts';
import {
  closeDrawWorkers,
  type DrawDossier,
  drawStrata,
  drawStrataSync,
  groupPersonsByStratum,
  strataOf,
} from '../shared/domain/index.ts';
import { mulberry32 } from '../shared/platform/prng.ts';
import {
  dossierKey,
  dossierPersonIndexKey,
  importKey,
  respondentsPk,
  unitVersionKey,
} from '../shared/tables/respondents.ts';
import { benchApi, expectStatus } from './lib/api.ts';
import { catalogue, createRound } from './lib/fixtures.ts';
import { createPrinter, fmt, goalLine, machineFigure, ratioLine } from './lib/print.ts';
import { formatKb, watchPeakRss } from './lib/rss.ts';
import { startBenchRuntime } from './lib/runtime.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    units: { type: 'string' },
    fields: { type: 'string', default: '8' },
    runs: { type: 'string', default: '3' },
    official: { type: 'string', default: '30' },
    reserve: { type: 'string', default: '30' },
    'no-e2e': { type: 'boolean', default: false },
    'timeout-seconds': { type: 'string', default: '1800' },
    verbose: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const UNITS = Number(args.units ?? Math.min(3250, Math.max(10, Math.round(ROWS / 308))));
const FIELDS = Number(args.fields);
const RUNS = Number(args.runs);
const OFFICIAL = Number(args.official);
const RESERVE = Number(args.reserve);
const loadAtStart = os.loadavg()[0] ?? 0;
const out = createPrinter(
  `bench:sampling — ${ROWS.toLocaleString('en')} rows, ${UNITS} units × ${FIELDS} fields`,
);

// ---- the roster (deterministic) ----
const random = mulberry32(0x9e3779b9);
const cat = catalogue(UNITS, FIELDS);
const unitCode = (u: number) => cat.units[u]?.code as string;
const fieldCode = (f: number) => (cat.fields[f]?.code ?? `f${f}`) as string;
// Person keys as the intake makes them: 32 hex characters of an HMAC. Encoded from the first 16
// bytes rather than sliced from the 64-char hex: `.slice` makes V8 sliced strings that pin their
// parent and are slower to read, while the service's keys come from DynamoDB's JSON, flat.
const keyOf = (i: number) =>
  createHash('sha256').update(`person-${i}`).digest().subarray(0, 16).toString('hex');
const IMPORT_ID = 'imp-bench-sampling';
const dossiers: DrawDossier[] = new Array(ROWS);
let persons = 0;
for (let i = 0; i < ROWS; i++) {
  // 5 % of rows are a second dossier of an earlier person (maybe another unit: rule 15 decides).
  const repeat = i > 1000 && random() < 0.05;
  const p = repeat ? Math.floor(random() * persons) : persons++;
  const u = Math.floor(random() * random() * UNITS);
  dossiers[i] = {
    dossierId: `HS-${i}`,
    personKey: keyOf(p),
    unitCode: unitCode(u),
    fieldCode: fieldCode(Math.floor(random() * FIELDS)),
    completedOn: `2026-0${1 + Math.floor(random() * 9)}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
    row: i + 2,
  };
}
const seed = '2026-12-01-xsmb-83512';

const time = async (fn: () => unknown): Promise<{ best: number; median: number }> => {
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { best: ms[0] as number, median: ms[Math.floor(ms.length / 2)] as number };
};
const timing = (t: { best: number; median: number }) =>
  `best ${fmt.s(t.best)} · median ${fmt.s(t.median)} · ${fmt.perSec(ROWS / (t.best / 1000), 'rows/s')}`;

// ---- 1. in memory: the floor and the draw itself ----
const strata = strataOf(dossiers);
const t15 = performance.now();
const grouped = groupPersonsByStratum(dossiers, strata);
const rule15Ms = performance.now() - t15;
out.note(
  `roster: ${ROWS.toLocaleString('en')} rows · ${persons.toLocaleString('en')} persons · ${grouped.filter((s) => s.personKeys.length > 0).length.toLocaleString('en')} non-empty strata · ${OFFICIAL} + ${RESERVE} per stratum`,
);
const roundIdForMemory = '01JBENCHSAMPLINGROUND000001';
// The floor hashes the draw's own inputs (seed␟round␟stratum␟personKey), prepared beforehand.
const inputs: Uint8Array[] = [];
for (const s of grouped) {
  const prefix = `${seed}\u001f${roundIdForMemory}\u001f${s.unitCode}#${s.fieldCode}\u001f`;
  for (const k of s.personKeys) inputs.push(Buffer.from(prefix + k));
}
const floor = await time(() => {
  for (let i = 0; i < inputs.length; i++) hash('sha256', inputs[i] as Uint8Array, 'binary');
});
const floorPerRow = floor.best / inputs.length;
const floorFor = (n: number) => floorPerRow * n;
out.figure({
  name: `hash floor: ${inputs.length.toLocaleString('en')} × crypto.hash('sha256'), 1 core`,
  value: `${fmt.s(floor.best)} (${Math.round(floorPerRow * 1e6)} ns/row)`,
});
inputs.length = 0;
const input = {
  seed,
  roundId: roundIdForMemory,
  strata: grouped,
  quotaOf: () => ({ official: OFFICIAL, reserve: RESERVE }),
};
const sync = await time(() => drawStrataSync(input));
out.figure({
  name: 'draw itself, rows in memory, 1 thread',
  value: timing(sync),
  peer: { name: 'hash floor', value: fmt.s(floorFor(persons)) },
  ratio: ratioLine(sync.best, floorFor(persons), { better: 'lower', limit: 1.5, label: 'floor' }),
});
await drawStrata(input, { threads: 2 }); // starts the worker
const two = await time(() => drawStrata(input, { threads: 2 }));
out.figure({
  name: 'draw itself, rows in memory, 2 threads',
  value: timing(two),
  peer: { name: 'R base ≈ 0.50 s · pandas ≈ 0.80 s · floor', value: fmt.s(floorFor(persons)) },
  ratio:
    ROWS >= 1_000_000
      ? `${goalLine(two.best <= 500, '≤ 0.5 s (R)')} · ${goalLine(two.best <= 800, '≤ 0.8 s (pandas)')}`
      : 'goals (≤ 0.5 s R, ≤ 0.8 s pandas) apply at 1,000,000 rows',
});
out.figure({ name: 'rule 15 (person → stratum), rows in memory, 1 thread', value: fmt.s(rule15Ms) });
out.figure({
  name: 'peak RSS, this process (roster + draw in memory)',
  value: formatKb(process.resourceUsage().maxRSS),
});
await closeDrawWorkers();

// ---- 2. end to end on the local runtime ----
if (!args['no-e2e']) {
  const runtime = await startBenchRuntime({ verbose: args.verbose });
  try {
    const api = benchApi(runtime.baseUrl, runtime.devToken);
    const { roundId } = await createRound(api, cat, { name: 'bench sampling' });
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: runtime.endpoints.dynamodb,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const table = runtime.table('respondents');
    const usedUnits = [...new Set(dossiers.map((d) => d.unitCode))].sort();
    const items: Record<string, unknown>[] = [
      {
        ...importKey(roundId, IMPORT_ID),
        importId: IMPORT_ID,
        roundId,
        status: 'completed',
        filename: 'bench.csv',
        fileHash: 'bench',
        createdAt: new Date().toISOString(),
        createdBy: 'bench',
        dataRows: ROWS,
        units: usedUnits,
        valid: ROWS,
        rejected: 0,
        warnings: 0,
        chunkCount: 1,
        errors: [],
        errorsTruncated: false,
        stored: ROWS,
        duplicates: 0,
      },
      ...usedUnits.map((u) => ({
        ...unitVersionKey(roundId, u),
        unitCode: u,
        importId: IMPORT_ID,
        since: new Date().toISOString(),
      })),
    ];
    const tLoad = performance.now();
    const put = async (batch: Record<string, unknown>[]) => {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const res = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (res.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    };
    const all = (function* () {
      for (const item of items) yield item;
      for (const d of dossiers) {
        yield {
          ...dossierKey(roundId, d.unitCode, IMPORT_ID, d.dossierId),
          ...dossierPersonIndexKey(roundId, d.personKey, d.dossierId),
          ...d,
          importId: IMPORT_ID,
        };
      }
    })();
    const lanes = Array.from({ length: 8 }, async () => {
      for (;;) {
        const batch: Record<string, unknown>[] = [];
        for (let i = 0; i < 25; i++) {
          const next = all.next();
          if (next.done) break;
          batch.push(next.value);
        }
        if (batch.length === 0) return;
        await put(batch);
      }
    });
    await Promise.all(lanes);
    const loadMs = performance.now() - tLoad;
    // The load is itself the engine's write ceiling, measured in this run: BatchWriteItem, 8 lanes of
    // 25 items, items with a GSI (as the assignments have). The end to end writes 3 items per pick.
    const ceilingPerSec = (items.length + ROWS) / (loadMs / 1000);
    out.note(
      `loaded ${ROWS.toLocaleString('en')} dossier items into ${respondentsPk(roundId)} in ${fmt.s(loadMs)} (${fmt.perSec(ceilingPerSec, 'items/s')})`,
    );

    const rss = watchPeakRss(runtime.pid);
    const t0 = performance.now();
    const sample = expectStatus(
      await api.call('POST', `/api/rounds/${roundId}/samples`, {
        body: JSON.stringify({ seed, officialPerStratum: OFFICIAL, reservePerStratum: RESERVE }),
      }),
      [202],
      'request sample',
    ).json<{ sampleId: string }>();
    const manifest = await api.poll(
      `/api/rounds/${roundId}/samples/${sample.sampleId}`,
      (j) => j.status === 'completed',
      { timeoutMs: Number(args['timeout-seconds']) * 1000, intervalMs: 1000 },
    );
    const e2eMs = performance.now() - t0;
    const handlersPeak = rss.stop();
    const m = manifest as { parts?: number; totals?: { official: number; reserve: number } };
    out.figure({
      name: `end to end: request → manifest complete (${m.parts ?? '?'} parts)`,
      value: `${fmt.s(e2eMs)} · ${fmt.perSec(ROWS / (e2eMs / 1000), 'rows/s')}`,
      ratio: ROWS >= 1_000_000 ? goalLine(e2eMs < 60_000, '< 60 s') : 'goal < 60 s applies at 1,000,000 rows',
    });
    const picks = (m.totals?.official ?? 0) + (m.totals?.reserve ?? 0);
    // The floor of any end to end on this engine: writing the picks' items at the ceiling above
    // (the reads of the roster and the draw not counted).
    const floorMs = ((picks * 3) / ceilingPerSec) * 1000;
    out.figure({
      name: 'assignments written (official + reserve)',
      value: `${fmt.int(picks)} (3 items each: assignment, token, code)`,
      peer: {
        name: `their ${fmt.int(picks * 3)} items at this run's BatchWriteItem rate (${fmt.perSec(ceilingPerSec, 'items/s')})`,
        value: fmt.s(floorMs),
      },
      ratio: `end to end = ${(e2eMs / floorMs).toFixed(2)}× that write floor`,
    });
    out.figure({ name: 'peak RSS, runtime handlers (VmHWM)', value: formatKb(handlersPeak) });
  } finally {
    await runtime.stop();
  }
}
out.figure(machineFigure(loadAtStart));
out.summary();
