/**
 * `npm run bench:scoring` (issue 11), in one run:
 *   1. the scoring core on generated columns (bench/scoring-core.ts, run as a child): (a) the core,
 *      (b) a plain typed-array reference, (c) pandas when `python3 -c 'import pandas'` works — seconds of
 *      each and a check that they agree;
 *   2. end to end on the local runtime (DynamoDB Local + fauxqs, in memory): `POST …/scoring` on a round
 *      with N stored submissions → the run `completed`, through the fan-out (plan → parts → finalise),
 *      beside a peer measured in the same run: one plain paged Query of the same submissions.
 *
 *   npm run bench:scoring -- [--forms 1000000] [--stored 100000] [--units 500] [--fields 10] [--skip-core]
 * Quick sizes: `--forms 200000 --stored 20000`.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getTemplate, satisfactionItems, Xoshiro128 } from '../shared/domain/index.ts';
import { resultsPk } from '../shared/tables/results.ts';
import { submissionIndexKey, submissionKey } from '../shared/tables/submissions.ts';
import { benchApi, expectStatus } from './lib/api.ts';
import { peerClient } from './lib/ddb-peers.ts';
import { catalogue, createRound } from './lib/fixtures.ts';
import { createPrinter, fmt, goalLine, machineFigure, ratioLine } from './lib/print.ts';
import { startBenchRuntime } from './lib/runtime.ts';

const { values: args } = parseArgs({
  options: {
    forms: { type: 'string', default: '1000000' },
    stored: { type: 'string', default: '100000' },
    units: { type: 'string', default: '500' },
    fields: { type: 'string', default: '10' },
    'skip-core': { type: 'boolean', default: false },
  },
});
const FORMS = Number(args.forms);
const STORED = Number(args.stored);
const UNITS = Number(args.units);
const FIELDS = Number(args.fields);
const loadAtStart = os.loadavg()[0] ?? 0;
const printer = createPrinter('bench:scoring');

// ---- 1. the core, its reference and pandas (same data, one child process) ----------------------
if (!args['skip-core']) {
  const lines = await new Promise<string[]>((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'bench/scoring-core.ts', String(FORMS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`scoring-core exited with ${code}`)),
    );
  });
  for (const line of lines) {
    printer.figure({ name: line.slice(0, 58).trimEnd(), value: line.slice(58).trim() });
  }
}

// ---- 2. end to end: recompute STORED submissions through the fan-out --------------------------
const template = getTemplate('sipas-2024-v1');
const items = satisfactionItems(template);
const rt = await startBenchRuntime({ startTimeoutMs: 300_000 });
try {
  const raw = benchApi(rt.baseUrl, rt.devToken);
  // A kept-alive socket idle through a long set-up step can be reset by the gateway: retry such calls.
  const api = {
    ...raw,
    call: async (...a: Parameters<typeof raw.call>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await raw.call(...a);
        } catch (error) {
          if (attempt >= 3 || !(error instanceof TypeError)) throw error;
        }
      }
    },
  };
  const cat = catalogue(UNITS, FIELDS);
  const { roundId } = await createRound(api, cat, { name: 'bench scoring' });
  const db = peerClient(rt.endpoints.dynamodb, 32);
  const table = rt.table('submissions');

  // Stored forms: per unit × field its own satisfaction propensity; ~3 % blanks, ~1 % nearly empty.
  const rng = new Xoshiro128(20_261_202);
  const G = UNITS * FIELDS;
  const propensity = Float64Array.from({ length: G }, () => 0.55 + 0.4 * rng.next());
  const answered = new Float64Array(items.length);
  const satisfied = new Float64Array(items.length);
  let validForms = 0;
  const submittedAt = new Date(Date.now() - 3600_000).toISOString();
  const itemOf = (n: number) => {
    const g = rng.below(G);
    const unit = cat.units[Math.floor(g / FIELDS)]!.code;
    const field = cat.fields[g % FIELDS]!.code!;
    const empty = rng.next() < 0.01;
    const answers: Record<string, number> = {};
    const levels: number[] = [];
    for (const q of items) {
      const r = rng.next();
      const level =
        empty || r < 0.03 ? 0 : r < 0.03 + (1 - propensity[g]!) * 0.97 ? 1 + rng.below(3) : 4 + rng.below(2);
      levels.push(level);
      if (level > 0) answers[q.id] = level;
    }
    if (levels.filter((l) => l > 0).length / items.length >= 0.5) {
      validForms++;
      levels.forEach((l, i) => {
        if (l === 0) return;
        answered[i]! += 1;
        if (l >= 4) satisfied[i]! += 1;
      });
    }
    const s = {
      tokenHash: `bench${String(n).padStart(8, '0')}`,
      roundId,
      sampleId: 'bench',
      unitCode: unit,
      fieldCode: field,
      templateId: template.id,
      answers,
      bodyHash: `b${n}`,
      receiptId: `rcp_${n}`,
      channel: 'web',
      submittedAt,
    };
    return { ...submissionKey(s.tokenHash), ...submissionIndexKey(s), ...s };
  };
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < STORED) {
        const start = next;
        next = Math.min(STORED, start + 25);
        let pending = Array.from({ length: next - start }, (_, k) => ({
          PutRequest: { Item: itemOf(start + k) },
        }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 10) throw new Error('DynamoDB Local kept returning UnprocessedItems');
          if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
          const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
  const seedMs = performance.now() - t0;
  printer.figure({
    name: `e2e set-up: ${fmt.int(STORED)} submissions written (BatchWrite ×16)`,
    value: `${fmt.s(seedMs)} (${fmt.perSec((STORED * 1000) / seedMs, 'items/s')})`,
  });

  // Peer: read the same submissions once with a plain paged Query of the scoring index.
  const q0 = performance.now();
  let read = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `ROUND#${roundId}` },
        ExclusiveStartKey: startKey,
      }),
    );
    read += out.Items?.length ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  const queryMs = performance.now() - q0;
  if (read !== STORED) throw new Error(`peer query read ${read} of ${STORED}`);

  // The recompute: request → completed, through plan → parts → finalise.
  const r0 = performance.now();
  const run = expectStatus(
    await api.call('POST', `/api/rounds/${roundId}/scoring`),
    [202],
    'request run',
  ).json<{
    runId: string;
  }>();
  let status = '';
  let partsTotal = 0;
  for (;;) {
    const r = (await api.call('GET', `/api/rounds/${roundId}/scoring/runs`)).json<{
      runs: Array<{ runId: string; status: string; partsTotal?: number; reason?: unknown }>;
    }>();
    const mine = r.runs.find((x) => x.runId === run.runId);
    status = mine?.status ?? '';
    partsTotal = mine?.partsTotal ?? 0;
    if (status === 'failed') throw new Error(`run failed: ${JSON.stringify(mine?.reason)}`);
    if (status === 'completed') break;
    if (performance.now() - r0 > 900_000) throw new Error('run did not complete within 15 minutes');
    await new Promise((res) => setTimeout(res, 250));
  }
  const runMs = performance.now() - r0;
  printer.figure({
    name: `e2e recompute of ${fmt.int(STORED)} stored submissions (${fmt.int(G)} groups)`,
    value: `${fmt.s(runMs)} in ${partsTotal} parts`,
    peer: { name: 'one paged Query of them', value: fmt.s(queryMs) },
    ratio: `${goalLine(runMs < 60_000, '< 60 s')}; ${ratioLine(runMs, queryMs, { better: 'lower', limit: 20, label: 'query' })}`,
  });

  // Check: the round's counts and overall index against a plain float computation of the same forms.
  const roundPart = (
    await db.send(
      new GetCommand({
        TableName: rt.table('results'),
        Key: { pk: resultsPk(roundId), sk: `RUNPART#${run.runId}#ROUND` },
      }),
    )
  ).Item as { counts: { returned: number; valid: number }; index: number };
  const el = template.elements.map((e) => {
    const pcts = items.flatMap((q, i) =>
      q.elementCode === e.code && answered[i]! > 0 ? [(100 * satisfied[i]!) / answered[i]!] : [],
    );
    return pcts.reduce((a, b) => a + b, 0) / pcts.length;
  });
  const aspects = (template.aspects ?? []).map((a) => {
    const xs = template.elements.flatMap((e, k) => (e.aspectCode === a.code ? [el[k]!] : []));
    return xs.reduce((x, y) => x + y, 0) / xs.length;
  });
  const overall = aspects.reduce((a, b) => a + b, 0) / aspects.length;
  const ok =
    roundPart.counts.returned === STORED &&
    roundPart.counts.valid === validForms &&
    Math.abs(roundPart.index - overall) <= 0.005 + 1e-9;
  if (!ok) {
    throw new Error(
      `e2e check failed: ${JSON.stringify(roundPart.counts)} index ${roundPart.index} vs ${validForms} valid, ${overall}`,
    );
  }
  printer.figure({
    name: '    e2e check: round returned / valid / overall index',
    value: `${fmt.int(STORED)} / ${fmt.int(validForms)} / ${roundPart.index} ✓`,
    peer: { name: 'plain float recount', value: overall.toFixed(4) },
  });
  printer.figure({ name: 'handlers process peak RSS', value: fmt.mb((await rt.maxRssKb()) * 1024) });
} finally {
  await rt.stop();
}
printer.figure(machineFigure(loadAtStart));
printer.summary();
