/**
 * bench/roster-intake (issue 8): a generated roster (default 1,000,000 rows, the shape of a Sở's
 * dossier list with addresses) uploaded on the local runtime and imported end to end, beside the
 * plain BatchWriteItem ceiling of the same DynamoDB Local, same item shapes (a stored dossier item
 * and a stored person item read back — what a row writes), measured in the same run. Goals: intake
 * rows/s ≥ 0.5 × the ceiling's rows/s (its items/s ÷ the items the intake wrote per row); peak RSS
 * of the process that parses < 512 MB.
 *
 * Two upload paths:
 *   default      the large-file path: `POST …/rosters {"upload":true,"filename"}` answers
 *                `{ uploadId, url, method: "PUT", expiresAt }`, the file is PUT there as a stream
 *                (the local gateway streams it to fauxqs's S3 and delivers the S3 event), and the
 *                upload is polled (`GET …/rosters/{uploadId}`) until its import is complete;
 *   --body       the body path (10 MB cap), so the file is sent in pieces at unit boundaries (each
 *                piece a unit's whole list), `--piece-rows` rows at most.
 *
 * The ceiling runs at the write path's own concurrency: BatchWriteItem calls in flight per chunk
 * (WRITE_PARALLELISM) × chunk batches the local poller runs at once (`--concurrency` overrides).
 *
 *   npm run bench:intake -- [--rows 1000000] [--body] [--units N] [--fields 8]
 *     [--piece-rows 1000] [--concurrency C] [--peer-items 200000] [--no-address]
 *     [--timeout-seconds 3600] [--heap-mb 256] [--keep-file] [--verbose]
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ALL_FUNCTIONS } from '../services/manifests.ts';
import { WRITE_PARALLELISM } from '../services/roster-intake/store.ts';
import { respondentsPk } from '../shared/tables/respondents.ts';
import { type BenchApi, benchApi, expectStatus } from './lib/api.ts';
import { batchWriteCeiling, createPeerTable, sampleItem } from './lib/ddb-peers.ts';
import {
  type Catalogue,
  catalogue,
  createRound,
  importDone,
  type RosterLayout,
  rosterCsv,
  unitOfRow,
  uploadRosterBody,
  writeRosterFile,
} from './lib/fixtures.ts';
import { createPrinter, fmt, goalLine, machineFigure, ratioLine } from './lib/print.ts';
import { formatKb, resetPeakRss, watchPeakRss } from './lib/rss.ts';
import { startBenchRuntime } from './lib/runtime.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    units: { type: 'string' },
    fields: { type: 'string', default: '8' },
    body: { type: 'boolean', default: false },
    'piece-rows': { type: 'string', default: '1000' },
    concurrency: { type: 'string' },
    'peer-items': { type: 'string', default: '200000' },
    // The handlers' process runs with a Lambda-sized heap: a parser whose memory grew with the file
    // would fail here. Without the cap V8 lets garbage pile up to GBs before a full GC.
    'heap-mb': { type: 'string', default: '256' },
    'no-address': { type: 'boolean', default: false },
    'timeout-seconds': { type: 'string', default: '3600' },
    'keep-file': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
// About 330 dossiers a unit, as a province's year (3,000 units × 8 fields for 1M rows).
const units = Number(args.units ?? Math.min(3000, Math.max(20, Math.round(rows / 333))));
const layout: RosterLayout = { rows, units, fields: Number(args.fields), address: !args['no-address'] };
const pieceRows = Number(args['piece-rows']);
const chunkTrigger = ALL_FUNCTIONS.find((f) => f.name === 'roster-intake-chunk')?.trigger;
const localLoops = (chunkTrigger?.kind === 'queue' ? chunkTrigger.localConcurrency : undefined) ?? 1;
const concurrency = Number(args.concurrency ?? WRITE_PARALLELISM * localLoops);
const presigned = !args.body;
const peerItems = Math.min(rows, Number(args['peer-items']));
const timeoutMs = Number(args['timeout-seconds']) * 1000;
if (!Number.isInteger(rows) || rows < 1 || rows > 20_000_000) throw new Error(`--rows ${args.rows}?`);

const out = createPrinter('bench/roster-intake');
const loadAtStart = os.loadavg()[0] ?? 0;

/** Piece boundaries at unit boundaries: whole units merged while ≤ `max` rows (a bigger unit goes alone). */
const pieces = (l: RosterLayout, max: number): Array<[number, number]> => {
  const merged: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= l.rows; i++) {
    if (i < l.rows && unitOfRow(i, l) === unitOfRow(i - 1, l)) continue;
    const last = merged.at(-1);
    if (last && i - last[0] <= max) last[1] = i;
    else merged.push([start, i]);
    start = i;
  }
  return merged;
};

/** Progress of the running import(s), at most one line every 10 s whatever the number of pieces. */
let lastProgress = Date.now();
const progressNote = (label: string) => (j: Record<string, unknown>) => {
  if (Date.now() - lastProgress < 10_000) return;
  lastProgress = Date.now();
  const { status, stored, dataRows, progress } = j;
  out.note(`${label}: ${JSON.stringify({ status, stored, dataRows, ...(progress ? { progress } : {}) })}`);
};

const uploadThroughBody = async (api: BenchApi, roundId: string, cat: Catalogue): Promise<string[]> => {
  const parts = pieces(layout, pieceRows);
  out.note(`body path: ${parts.length} uploads of ≤ ${pieceRows} rows, each a whole unit's list`);
  const importIds: string[] = [];
  for (const [k, [from, to]] of parts.entries()) {
    importIds.push(await uploadRosterBody(api, roundId, rosterCsv(layout, cat, from, to), `piece-${k}.csv`));
  }
  return importIds;
};

const uploadPresigned = async (api: BenchApi, roundId: string, file: string): Promise<string[]> => {
  const ticket = expectStatus(
    await api.call('POST', `/api/rounds/${roundId}/rosters`, {
      body: JSON.stringify({ upload: true, filename: 'bench-roster.csv' }),
    }),
    [201],
    'request upload URL',
  ).json<{ uploadId?: string; url?: string; method?: string }>();
  if (!ticket.url || !ticket.uploadId || ticket.method !== 'PUT') {
    throw new Error(
      `presigned path: expected { uploadId, url, method: "PUT" }, got ${JSON.stringify(ticket)}`,
    );
  }
  const url = new URL(ticket.url);
  if (!/^(127\.0\.0\.1|localhost)$/.test(url.hostname)) throw new Error(`loopback only: ${url.hostname}`);
  const size = (await stat(file)).size;
  const res = await fetch(ticket.url, {
    method: 'PUT',
    headers: { 'content-length': String(size), 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (!res.ok)
    throw new Error(`PUT to the upload URL: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  await res.arrayBuffer();
  // The upload's id answers for the import its bytes resolve to.
  return [ticket.uploadId];
};

const heapMb = Number(args['heap-mb']);
const runtime = await startBenchRuntime({ verbose: args.verbose, ...(heapMb > 0 ? { heapMb } : {}) });
const file = join(tmpdir(), `dieutra-bench-roster-${rows}-${process.pid}.csv`);
const dropTables: Array<() => Promise<void>> = [];
try {
  const api = benchApi(runtime.baseUrl, runtime.devToken);
  const cat = catalogue(units, layout.fields);
  const { roundId } = await createRound(api, cat, { name: 'bench roster intake' });

  let t0 = performance.now();
  const bytes = await writeRosterFile(file, layout, cat);
  out.note(
    `generated ${fmt.int(rows)} rows (${units} units × ${layout.fields} fields${layout.address ? ', with addresses' : ''}), ${fmt.mb(bytes)}, in ${fmt.s(performance.now() - t0)}`,
  );

  const peakReset = resetPeakRss(runtime.pid);
  const rss = watchPeakRss(runtime.pid);
  t0 = performance.now();
  const importIds = presigned
    ? await uploadPresigned(api, roundId, file)
    : await uploadThroughBody(api, roundId, cat);
  const uploadedMs = performance.now() - t0;
  const deadline = Date.now() + timeoutMs;
  let stored = 0;
  let rejected = 0;
  let merged = 0;
  let checksMs = 0;
  let cutShort = false;
  for (const [k, importId] of importIds.entries()) {
    const path = `/api/rounds/${roundId}/rosters/${importId}`;
    try {
      // End to end includes the quality checks (their own message, after the last chunk).
      const done = await api.poll(path, (j) => importDone(j) && typeof j.qualityCheckedAt === 'string', {
        timeoutMs: Math.max(1_000, deadline - Date.now()),
        intervalMs: importIds.length > 1 ? 100 : 500,
        onTick: progressNote(`import ${k + 1}/${importIds.length}`),
      });
      stored += Number(done.stored ?? done.accepted ?? 0);
      rejected += Number(done.rejected ?? 0);
      merged += Number(done.merged ?? 0);
      checksMs += Date.parse(String(done.qualityCheckedAt)) - Date.parse(String(done.completedAt));
    } catch (error) {
      // --timeout-seconds reached: report what was written so far, marked CUT SHORT.
      const last = (await api.call('GET', path)).json<Record<string, unknown>>();
      out.note(`cut short at --timeout-seconds: ${String(error).slice(0, 200)}`);
      stored += Number(last.stored ?? 0);
      rejected += Number(last.rejected ?? 0);
      cutShort = true;
      break;
    }
  }
  const totalMs = performance.now() - t0;
  const peakKb = rss.stop();
  // A cut-short run counts the rows written so far (parsing, which comes first, is complete).
  const rowsPerSec = (cutShort ? stored : rows) / (totalMs / 1000);

  // The ceiling writes what the intake writes per row, raw: a dossier item and a person item of the
  // stored items' own shapes (read back), into a copy of their table — nothing parsed, checked or read.
  const respondents = runtime.table('respondents');
  const shapeOf = async (what: string, skPrefix: string) => {
    const item = await sampleItem(runtime.endpoints.dynamodb, respondents, {
      pk: respondentsPk(roundId),
      skPrefix,
    });
    if (!item) throw new Error(`no stored ${what} item found to copy the shape of`);
    return item;
  };
  const dossier = await shapeOf('dossier', 'DOSSIER#');
  const person = await shapeOf('person', 'PERSON#');
  // Rows merged into an earlier row's person write no person item of their own.
  const persons = Math.max(0, stored - merged);
  const itemsPerRow = stored > 0 ? (stored + persons) / stored : 2;
  const peerTable = await createPeerTable(runtime.endpoints.dynamodb, { like: respondents });
  dropTables.push(() => peerTable.drop());
  const ceiling = await batchWriteCeiling({
    endpoint: runtime.endpoints.dynamodb,
    table: peerTable.name,
    samples: [dossier, person],
    items: peerItems * 2,
    concurrency,
    maxSeconds: cutShort ? 120 : 600,
  });
  const ceilingRowsPerSec = ceiling.itemsPerSec / itemsPerRow;

  const path = presigned ? 'presigned PUT' : `body, ${importIds.length} pieces`;
  out.figure({
    name: `intake ${fmt.int(rows)} rows end to end (${path})${cutShort ? ` CUT SHORT: ${fmt.int(stored)} written` : ''}`,
    value: `${fmt.s(totalMs)} · ${fmt.perSec(rowsPerSec, 'rows/s')}`,
    peer: {
      name: `BatchWriteItem ceiling, same items, c=${concurrency}`,
      value: fmt.perSec(ceilingRowsPerSec, 'rows/s'),
    },
    ratio: ratioLine(rowsPerSec, ceilingRowsPerSec, { better: 'higher', limit: 0.5, label: 'ceiling' }),
  });
  out.figure({
    name: '  items written by the intake',
    value: `${fmt.int(stored)} dossiers + ${fmt.int(persons)} persons = ${itemsPerRow.toFixed(2)} items a row`,
    ratio: `intake ${fmt.perSec(rowsPerSec * itemsPerRow, 'items/s')} = ${((rowsPerSec * itemsPerRow) / ceiling.itemsPerSec).toFixed(2)}× the ceiling's items/s`,
  });
  out.figure({
    name: '  of which quality checks (import completed → checked)',
    value: fmt.s(checksMs),
  });
  out.figure({
    name: '  upload accepted (all pieces / the PUT)',
    value: `${fmt.s(uploadedMs)} · stored ${fmt.int(stored)} · rejected ${fmt.int(rejected)}`,
  });
  out.figure({
    name: `  peak RSS, process that parses (pid ${runtime.pid}${heapMb > 0 ? `, heap cap ${heapMb} MB` : ''})${peakReset ? '' : ' incl. start-up'}`,
    value: formatKb(peakKb),
    ratio: goalLine(peakKb < 512 * 1024, '< 512 MB'),
  });
  out.figure({
    name: `BatchWriteItem ceiling: ${fmt.int(ceiling.items)} items (dossier + person), c=${concurrency}`,
    value: `${fmt.perSec(ceiling.itemsPerSec, 'items/s')} · batch p50 ${fmt.ms(ceiling.p50BatchMs)} · p99 ${fmt.ms(ceiling.p99BatchMs)}`,
    ratio: `retries ${ceiling.retries}${ceiling.cutShort ? ' · CUT SHORT' : ''}`,
  });
  out.figure(machineFigure(loadAtStart));
  out.summary();
} finally {
  for (const drop of dropTables) await drop().catch(() => {});
  await runtime.stop();
  if (!args['keep-file']) await rm(file, { force: true });
}
