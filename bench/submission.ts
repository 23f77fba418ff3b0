/**
 * bench/submission (issue 10): `POST /api/submissions` under load on loopback, beside two peers
 * measured in the same run at the same concurrency:
 *   (a) a bare node:http server answering the same JSON (the floor of any HTTP path);
 *   (b) plain conditional PutItem calls on the same DynamoDB Local (the engine's own ceiling);
 *   (c) for reading the figures: a GetItem of the token's lookup item then the put, per call — the
 *       engine work the path cannot avoid (not a goal).
 * Goal at every concurrency: submission req/s ≥ 0.5 × (b) and submission p99 ≤ 2 × (b)'s p99.
 *
 * Set-up goes through the public API only: a SIPAS round, a roster, a draw with a large official
 * quota, the tokens from official.csv in a shuffled order (forms come back in no unit's order).
 * Every request carries its own token (nothing is a replay).
 *
 *   npm run bench:submission -- [--connections 10,50] [--requests 2000] [--rows 10000]
 *     [--units 20] [--fields 10] [--bare-seconds 5] [--max-seconds 120] [--verbose]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_TEMPLATE_IDS } from '../shared/domain/index.ts';
import { hashToken } from '../shared/platform/crypto.ts';
import { shuffled } from '../shared/platform/prng.ts';
import { tokenKey } from '../shared/tables/samples.ts';
import { benchApi } from './lib/api.ts';
import {
  type ConditionalPutOptions,
  conditionalPutPeer,
  createPeerTable,
  sampleItem,
  varyKeys,
} from './lib/ddb-peers.ts';
import {
  catalogue,
  createRound,
  drawSample,
  importDone,
  officialTokens,
  rosterCsv,
  uploadRosterBody,
  validAnswers,
} from './lib/fixtures.ts';
import { runLoad, startBareHttpPeer, statusSummary } from './lib/http-peers.ts';
import { createPrinter, fmt, machineFigure, ratioLine } from './lib/print.ts';
import { cpuMeter, formatKb, readProcMemory } from './lib/rss.ts';
import { startBenchRuntime } from './lib/runtime.ts';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '10,50' },
    requests: { type: 'string', default: '2000' },
    rows: { type: 'string', default: '10000' },
    units: { type: 'string', default: '20' },
    fields: { type: 'string', default: '10' },
    'bare-seconds': { type: 'string', default: '5' },
    'max-seconds': { type: 'string', default: '120' },
    warmup: { type: 'string', default: '30' },
    verbose: { type: 'boolean', default: false },
  },
});
const levels = args.connections
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 500);
const requested = Number(args.requests);
const rows = Number(args.rows);
const units = Number(args.units);
const fields = Number(args.fields);
const bareSeconds = Number(args['bare-seconds']);
const maxSeconds = Number(args['max-seconds']);
const warmup = Number(args.warmup);

const out = createPrinter('bench/submission');
const loadAtStart = os.loadavg()[0] ?? 0;
const runtime = await startBenchRuntime({ verbose: args.verbose });
const peerTables: Array<{ drop(): Promise<void> }> = [];
const bare = await startBareHttpPeer();
try {
  out.note(`local runtime up in ${fmt.s(runtime.startupMs)} (handlers in pid ${runtime.pid})`);
  const api = benchApi(runtime.baseUrl, runtime.devToken);

  // Enough official tokens for every level (autocannon builds one request ahead per connection).
  const strata = units * fields;
  const tokensNeeded = warmup + levels.reduce((n, c) => n + requested + c, 0);
  const perStratum = Math.min(Math.floor(rows / strata), Math.ceil((tokensNeeded * 1.05) / strata));
  const cat = catalogue(units, fields);
  const { roundId, templateId } = await createRound(api, cat, { name: 'bench submission' });
  let t0 = performance.now();
  const importId = await uploadRosterBody(
    api,
    roundId,
    rosterCsv({ rows, units, fields, address: false }, cat),
    'bench-submission.csv',
  );
  await api.poll(`/api/rounds/${roundId}/rosters/${importId}`, importDone, { timeoutMs: 300_000 });
  out.note(`roster of ${fmt.int(rows)} rows imported in ${fmt.s(performance.now() - t0)}`);
  t0 = performance.now();
  const sampleId = await drawSample(api, roundId, { officialPerStratum: perStratum, reservePerStratum: 0 });
  out.figure({
    name: `set-up: draw ${strata} strata × ${perStratum} from ${fmt.int(rows)} dossiers`,
    value: fmt.ms(performance.now() - t0),
  });
  t0 = performance.now();
  // official.csv lists tokens unit by unit; respondents answer in no such order, so neither do we.
  const tokens = shuffled(await officialTokens(api, roundId, sampleId), 20261202);
  out.figure({
    name: 'set-up: export official.csv (decrypt + re-derive tokens)',
    value: `${fmt.ms(performance.now() - t0)} · ${fmt.int(tokens.length)} rows`,
  });

  const template = templateId ?? DEFAULT_TEMPLATE_IDS.SIPAS;
  // A few answer sets, so bodies differ between requests as real ones do.
  const bodies = Array.from({ length: 5 }, (_, v) => validAnswers(template, v));
  let cursor = 0;
  const nextSubmission = () => {
    const token = tokens[cursor];
    if (token === undefined) throw new Error(`ran out of tokens after ${cursor}`);
    return JSON.stringify({ token, answers: bodies[cursor++ % bodies.length] });
  };
  const fakeSubmission = (i: number) =>
    JSON.stringify({ token: `bare${String(i).padStart(20, '0')}`, answers: bodies[i % bodies.length] });
  const perLevel = Math.min(
    requested,
    Math.floor((tokens.length - warmup) / levels.length) - Math.max(...levels),
  );
  if (perLevel < requested) out.note(`only ${tokens.length} tokens: ${perLevel} requests per level`);
  if (perLevel < 100) throw new Error(`too few tokens (${tokens.length}) for a meaningful run`);

  // Warm-up: loads every handler module and opens the SDK connections, for the system and peers.
  const warm = await runLoad({
    url: runtime.baseUrl,
    connections: 5,
    amount: warmup,
    build: () => ({ path: '/api/submissions', body: nextSubmission() }),
  });
  if (warm.non2xx > 0 || warm.errors > 0) {
    throw new Error(`warm-up submissions failed: ${statusSummary(warm.statusCounts)}, ${warm.errors} errors`);
  }
  await runLoad({ url: bare.url, connections: 5, amount: 200, build: (i) => ({ body: fakeSubmission(i) }) });

  // The peer writes items of the stored submission's own shape into a copy of its table.
  const submissionsTable = runtime.table('submissions');
  const stored = await sampleItem(runtime.endpoints.dynamodb, submissionsTable, (item) =>
    String(item.pk).startsWith('TOKEN#'),
  );
  if (!stored) throw new Error('no stored submission found after the warm-up');
  const peerTable = await createPeerTable(runtime.endpoints.dynamodb, { like: submissionsTable });
  peerTables.push(peerTable);
  const vary = (s: Record<string, unknown>, i: number) => varyKeys(s, i, ['pk', 'gsi1sk']);
  await conditionalPutPeer({
    endpoint: runtime.endpoints.dynamodb,
    table: peerTable.name,
    sample: { ...stored, pk: `${stored.pk}#warm` },
    concurrency: 5,
    calls: 50,
    vary,
  });

  const cpu = cpuMeter({ handlers: runtime.pid, dynamodb: runtime.dynamodbPid, fauxqs: runtime.fauxqsPid });
  const perCall = (ms: number | undefined, calls: number) => fmt.ms((ms ?? Number.NaN) / Math.max(1, calls));
  for (const c of levels) {
    cpu.start();
    const sub = await runLoad({
      url: runtime.baseUrl,
      connections: c,
      amount: perLevel,
      maxSeconds,
      build: () => ({ path: '/api/submissions', body: nextSubmission() }),
    });
    // The scoring-events consumer's work for these submissions is part of their cost.
    await runtime.waitForQueuesIdle(30_000);
    const subCpu = cpu.stop();
    const bareRun = await runLoad({
      url: bare.url,
      connections: c,
      durationSeconds: bareSeconds,
      build: (i) => ({ path: '/api/submissions', body: fakeSubmission(i) }),
    });
    /** A peer run at this level, with DynamoDB Local's CPU over it; `tag` keeps its keys apart. */
    const peerRun = async (tag: string, readFirst?: ConditionalPutOptions['readFirst']) => {
      cpu.start();
      const result = await conditionalPutPeer({
        endpoint: runtime.endpoints.dynamodb,
        table: peerTable.name,
        sample: { ...stored, pk: `${stored.pk}#${tag}${c}` },
        concurrency: c,
        calls: perLevel,
        seconds: maxSeconds,
        vary,
        ...(readFirst ? { readFirst } : {}),
      });
      return [result, cpu.stop()] as const;
    };
    const [put, putCpu] = await peerRun('c');
    // (c) the engine work the path cannot avoid: the token's lookup item read, then the put.
    const [getPut, getPutCpu] = await peerRun('g', {
      table: runtime.table('samples'),
      key: (i) => tokenKey(hashToken(tokens[i % tokens.length]!)),
    });
    const putValue = `${fmt.perSec(put.callsPerSec, 'puts/s')} · p50 ${fmt.ms(put.p50Ms)} · p99 ${fmt.ms(put.p99Ms)}`;
    out.figure({
      name: `submission POST /api/submissions, ${c} connections`,
      value: `${fmt.perSec(sub.reqPerSec)} · p50 ${fmt.ms(sub.p50Ms)} · p99 ${fmt.ms(sub.p99Ms)}`,
      peer: { name: '(b) conditional PutItem', value: putValue },
      ratio: ratioLine(sub.reqPerSec, put.callsPerSec, { better: 'higher', limit: 0.5, label: '(b) req/s' }),
    });
    out.figure({
      name: `submission p99, ${c} connections`,
      value: fmt.ms(sub.p99Ms),
      peer: { name: '(b) p99', value: fmt.ms(put.p99Ms) },
      ratio: ratioLine(sub.p99Ms, put.p99Ms, { better: 'lower', limit: 2, label: '(b) p99' }),
    });
    out.figure({
      name: `  responses ${fmt.int(sub.responses)} in ${fmt.s(sub.durationMs)}, ${c} connections`,
      value: `${statusSummary(sub.statusCounts) || 'none'} · errors ${sub.errors}${sub.cutShort ? ' · CUT SHORT' : ''}`,
    });
    out.figure({
      name: `  CPU per submission, ${c} connections`,
      value: `DynamoDB Local ${perCall(subCpu.dynamodb, sub.responses)} · handlers ${perCall(subCpu.handlers, sub.responses)} · fauxqs ${perCall(subCpu.fauxqs, sub.responses)}`,
      peer: { name: '(b) DynamoDB Local per put', value: perCall(putCpu.dynamodb, put.calls) },
      ratio: `${((subCpu.dynamodb ?? 0) / Math.max(1, sub.responses) / ((putCpu.dynamodb ?? 1) / Math.max(1, put.calls))).toFixed(2)}× (b)'s engine CPU`,
    });
    out.figure({
      name: `(c) token GetItem + conditional PutItem, ${c} callers`,
      value: `${fmt.perSec(getPut.callsPerSec, 'calls/s')} · p50 ${fmt.ms(getPut.p50Ms)} · p99 ${fmt.ms(getPut.p99Ms)}`,
      ratio: `DynamoDB Local ${perCall(getPutCpu.dynamodb, getPut.calls)} per call · errors ${getPut.errors + getPut.conditionFailures}`,
    });
    out.figure({
      name: `(a) bare node:http, same JSON, ${c} connections`,
      value: `${fmt.perSec(bareRun.reqPerSec)} · p50 ${fmt.ms(bareRun.p50Ms)} · p99 ${fmt.ms(bareRun.p99Ms)}`,
      ratio: `submission = ${(sub.reqPerSec / bareRun.reqPerSec).toFixed(3)}× its req/s`,
    });
    out.figure({
      name: `(b) conditional PutItem, ${c} callers, ${fmt.int(put.calls)} calls`,
      value: putValue,
      ratio: `errors ${put.errors + put.conditionFailures}`,
    });
  }
  const mem = readProcMemory(runtime.pid);
  if (mem) {
    out.figure({ name: 'gateway + handlers process, peak RSS (VmHWM)', value: formatKb(mem.peakKb) });
  }
  out.figure(machineFigure(loadAtStart));
  out.summary();
} finally {
  for (const t of peerTables) await t.drop().catch(() => {});
  await bare.stop();
  await runtime.stop();
}
