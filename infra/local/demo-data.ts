/**
 * Demo data for `npm start`: a SIPAS round in the style of Long Biên 2020 [seed 004] (a
 * district and three wards, 30 forms per field in the real plan; fewer here), a generated
 * roster, a drawn sample and a few answered forms. Everything goes through the public
 * HTTP API, and every step is idempotent, so a restart re-seeds nothing.
 */
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { mulberry32 } from '../../shared/platform/prng.ts';

export interface DemoInfo {
  roundId: string;
  sampleId: string;
  openFormLinks: string[];
}

const UNITS = [
  { code: 'LB', name: 'UBND quận Long Biên', type: 'district' },
  { code: 'LB-TT', name: 'UBND phường Thượng Thanh', parentCode: 'LB', type: 'ward' },
  { code: 'LB-VH', name: 'UBND phường Việt Hưng', parentCode: 'LB', type: 'ward' },
  { code: 'LB-PL', name: 'UBND phường Phúc Lợi', parentCode: 'LB', type: 'ward' },
];
const FIELDS = [
  { code: 'dat-dai', name: 'Đất đai' },
  { code: 'tu-phap', name: 'Tư pháp – Hộ tịch' },
  { code: 'ldtbxh', name: 'Lao động – Thương binh và Xã hội' },
];
const STRATA: Array<[string, string]> = [
  ['LB', 'dat-dai'],
  ['LB-TT', 'tu-phap'],
  ['LB-TT', 'ldtbxh'],
  ['LB-VH', 'tu-phap'],
  ['LB-PL', 'ldtbxh'],
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Đức', 'Ngọc', 'Hữu', 'Thanh'];
const GIVEN = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Hà',
  'Hùng',
  'Lan',
  'Lân',
  'Mai',
  'Nam',
  'Phương',
  'Quân',
  'Sơn',
  'Trang',
  'Tuấn',
  'Yến',
];

export const demoRosterCsv = (perStratum = 24): string => {
  const rand = mulberry32(2020);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines = ['STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày hoàn thành;Ghi chú'];
  let n = 0;
  for (const [unit, field] of STRATA) {
    for (let i = 0; i < perStratum; i++) {
      n++;
      const phone = `09${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
      const day = 1 + Math.floor(rand() * 28);
      const month = 1 + Math.floor(rand() * 7);
      lines.push(
        [
          n,
          `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
          phone,
          `HS-2020-${String(n).padStart(5, '0')}`,
          FIELDS.find((f) => f.code === field)!.name,
          unit,
          `${day}/${month}/2020`,
          '',
        ].join(';'),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
};

const until = async <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`demo seed: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

export const seedDemo = async ({ baseUrl, token }: { baseUrl: string; token: string }): Promise<DemoInfo> => {
  const call = async (
    method: string,
    path: string,
    body?: string,
    type = 'application/json',
    extra: Record<string, string> = {},
  ) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': type } : {}), ...extra },
      body,
    });
    const text = await res.text();
    if (res.status >= 400)
      throw new Error(`demo seed: ${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  const created = await call(
    'POST',
    '/api/rounds',
    JSON.stringify({
      name: 'SIPAS quận Long Biên 2020 (dữ liệu mẫu)',
      year: 2020,
      kind: 'SIPAS',
      units: UNITS,
      fields: FIELDS,
    }),
    'application/json',
    { 'idempotency-key': 'demo-long-bien-2020' },
  );
  const roundId = String(created.json().roundId);
  const upload = await call(
    'POST',
    `/api/rounds/${roundId}/rosters?filename=demo.csv`,
    demoRosterCsv(),
    'text/csv',
  );
  const importId = String(upload.json().importId);
  await until('roster import', async () => {
    const r = (await call('GET', `/api/rounds/${roundId}/rosters/${importId}`)).json();
    return r.status === 'completed' ? r : undefined;
  });
  const sample = await call(
    'POST',
    `/api/rounds/${roundId}/samples`,
    JSON.stringify({ seed: 'long-bien-2020', officialPerStratum: 10, reservePerStratum: 5 }),
  );
  const sampleId = String(sample.json().sampleId);
  await until('sample draw', async () => {
    const m = (await call('GET', `/api/rounds/${roundId}/samples/${sampleId}`)).json();
    return m.status === 'completed' ? m : undefined;
  });
  const csv = (await call('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`)).text;
  const links = [...csv.matchAll(/https?:\/\/[^,\r\n"]+\/f\/([A-Za-z0-9_-]+)/g)].map((m) => ({
    url: m[0],
    token: m[1]!,
  }));

  // Answer about 60 % of the forms, the same way every time.
  const template = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS);
  const rand = mulberry32(7);
  const open: string[] = [];
  for (const [i, link] of links.entries()) {
    if (i % 5 >= 3) {
      open.push(link.url);
      continue;
    }
    const answers: Record<string, unknown> = {};
    for (const q of template.sections.flatMap((s) => s.questions)) {
      if (q.type === 'scale') answers[q.id] = 2 + Math.floor(rand() * 4);
      else if (q.type === 'single' && q.options?.[0])
        answers[q.id] = q.options[Math.floor(rand() * q.options.length)]!.value;
      else if (q.type === 'multi' && q.options?.[0]) answers[q.id] = [q.options[0].value];
    }
    const res = await fetch(`${baseUrl}/api/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: link.token, answers }),
    });
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`demo seed: submission → ${res.status} ${await res.text()}`);
  }
  await call('POST', `/api/rounds/${roundId}/scoring`);
  return { roundId, sampleId, openFormLinks: open.slice(0, 3) };
};
