/**
 * Benchmarks that print their figures (`npm run bench`). Not part of `npm test`: speed goals
 * are checked here, on this 2-core machine, not by timed tests.
 *   1. roster parsing (pure): rows/s and MB/s for a 100,000-row CSV, heap growth
 *   2. the hash-rank draw (pure): 100,000 dossiers in 200 strata
 *   3. end to end on the real engines (in-memory DynamoDB Local + fauxqs): upload 10,000 rows,
 *      wait for the import, draw, export; then 200 submissions at concurrency 20
 */
import { performance } from 'node:perf_hooks';
import { quietLogger } from '../infra/local/log.ts';
import { startLocalRuntime } from '../infra/local/runtime.ts';
import { parseRoster } from '../services/roster-intake/parse-roster.ts';
import { drawSample, type EligibleDossier } from '../shared/domain/draw.ts';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../shared/domain/index.ts';

const figures: Array<[string, string]> = [];
const record = (name: string, value: string) => {
  figures.push([name, value]);
  console.log(`${name.padEnd(52)} ${value}`);
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const rosterCsv = (rows: number, units = 20, fields = 10): string => {
  const lines = ['Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `Nguyễn Văn Người ${i},09${String(i).padStart(8, '0')},HS-${i},F${i % fields},U${i % units},${1 + (i % 28)}/0${1 + (i % 9)}/2026`,
    );
  }
  return `${lines.join('\n')}\n`;
};

const benchParse = () => {
  const bytes = Buffer.from(rosterCsv(100_000));
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const out = parseRoster(bytes);
  const ms = performance.now() - t0;
  const heapAfter = process.memoryUsage().heapUsed;
  record(
    'parse 100,000-row roster',
    `${ms.toFixed(0)} ms · ${Math.round(out.rows.length / (ms / 1000)).toLocaleString('en')} rows/s · ${(bytes.length / 1024 / 1024 / (ms / 1000)).toFixed(1)} MB/s`,
  );
  record('  file size / heap growth while parsing', `${mb(bytes.length)} / ${mb(heapAfter - heapBefore)}`);
};

const benchDraw = () => {
  const dossiers: EligibleDossier[] = Array.from({ length: 100_000 }, (_, i) => ({
    dossierId: `D${i}`,
    personKey: `p${i % 90_000}`,
    unitCode: `U${i % 20}`,
    fieldCode: `F${i % 10}`,
    completedOn: `2026-0${1 + (i % 9)}-1${i % 10}`,
    row: i + 2,
  }));
  const strata = Array.from({ length: 200 }, (_, i) => ({
    unitCode: `U${i % 20}`,
    fieldCode: `F${Math.floor(i / 20)}`,
  }));
  const t0 = performance.now();
  const { picks } = drawSample(
    dossiers,
    { seed: 'bench', roundId: 'r', officialPerStratum: 30, reservePerStratum: 10 },
    strata,
  );
  record(
    'draw 100,000 dossiers / 200 strata (30 + 10 each)',
    `${(performance.now() - t0).toFixed(0)} ms · ${picks.length} picks`,
  );
};

const benchEndToEnd = async () => {
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    seed: false,
    schedules: false,
    log: quietLogger,
  });
  try {
    const call = async (method: string, path: string, body?: string, type = 'application/json') => {
      const res = await fetch(`${runtime.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${runtime.devToken}`, ...(body ? { 'content-type': type } : {}) },
        body,
      });
      return { status: res.status, text: await res.text() };
    };
    const poll = async (path: string, done: (j: Record<string, unknown>) => boolean) => {
      for (;;) {
        const j = JSON.parse((await call('GET', path)).text);
        if (done(j)) return j;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const units = Array.from({ length: 20 }, (_, i) => ({ code: `U${i}`, name: `Đơn vị ${i}` }));
    const fields = Array.from({ length: 10 }, (_, i) => ({ code: `F${i}`, name: `Lĩnh vực ${i}` }));
    const round = JSON.parse(
      (
        await call(
          'POST',
          '/api/rounds',
          JSON.stringify({ name: 'bench', year: 2026, kind: 'SIPAS', units, fields }),
        )
      ).text,
    );
    const roundId = round.roundId as string;

    let t0 = performance.now();
    const up = JSON.parse(
      (await call('POST', `/api/rounds/${roundId}/rosters`, rosterCsv(10_000), 'text/csv')).text,
    );
    const accepted = performance.now() - t0;
    await poll(`/api/rounds/${roundId}/rosters/${up.importId}`, (j) => j.status === 'completed');
    const imported = performance.now() - t0;
    record('import 10,000 rows: upload accepted (202)', `${accepted.toFixed(0)} ms`);
    record(
      'import 10,000 rows: all stored in DynamoDB Local',
      `${imported.toFixed(0)} ms · ${Math.round(10_000 / (imported / 1000))} rows/s`,
    );

    t0 = performance.now();
    const s = JSON.parse(
      (
        await call(
          'POST',
          `/api/rounds/${roundId}/samples`,
          JSON.stringify({ seed: 'b', officialPerStratum: 30, reservePerStratum: 10 }),
        )
      ).text,
    );
    await poll(`/api/rounds/${roundId}/samples/${s.sampleId}`, (j) => j.status === 'completed');
    record('draw 200 strata × (30 + 10) from 10,000 dossiers', `${(performance.now() - t0).toFixed(0)} ms`);
    t0 = performance.now();
    const csv = (await call('GET', `/api/rounds/${roundId}/samples/${s.sampleId}/official.csv`)).text;
    const tokens = [...csv.matchAll(/\/f\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]!);
    record(
      'export official.csv (decrypt + re-derive tokens)',
      `${(performance.now() - t0).toFixed(0)} ms · ${tokens.length} rows`,
    );

    const template = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS);
    const answers = Object.fromEntries(
      template.sections
        .flatMap((x) => x.questions)
        .filter((q) => q.type === 'scale')
        .map((q) => [q.id, 4]),
    );
    const latencies: number[] = [];
    const queue = tokens.slice(0, 200);
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let token = queue.shift(); token; token = queue.shift()) {
          const t = performance.now();
          const res = await fetch(`${runtime.baseUrl}/api/submissions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token, answers }),
          });
          await res.text();
          if (res.status !== 201) throw new Error(`submission → ${res.status}`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const total = performance.now() - t0;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(0);
    record(
      '200 submissions, concurrency 20',
      `${Math.round(200 / (total / 1000))} req/s · p50 ${pct(50)} ms · p95 ${pct(95)} ms · p99 ${pct(99)} ms`,
    );
    record(
      'process RSS after the run (gateway + handlers; Java not included)',
      mb(process.memoryUsage().rss),
    );
  } finally {
    await runtime.stop();
  }
};

console.log(`dieutra benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
benchParse();
benchDraw();
await benchEndToEnd();
