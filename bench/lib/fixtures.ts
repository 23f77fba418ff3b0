/**
 * Bench data built through the public API only: a round's catalogue, generated rosters (in memory
 * or streamed to a file, the shape of a Sở's dossier list with addresses), a sample, its official
 * tokens and a valid answer set for the round's template.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import {
  type AnswerValue,
  allQuestions,
  DEFAULT_TEMPLATE_IDS,
  getTemplate,
  type QuestionnaireTemplate,
  validateAnswers,
} from '../../shared/domain/index.ts';
import { type BenchApi, expectStatus } from './api.ts';

export interface Catalogue {
  units: Array<{ code: string; name: string }>;
  fields: Array<{ code: string; name: string }>;
}

export const catalogue = (units: number, fields: number): Catalogue => ({
  units: Array.from({ length: units }, (_, i) => ({
    code: `U${String(i + 1).padStart(4, '0')}`,
    name: `UBND xã ${i + 1}`,
  })),
  fields: Array.from({ length: fields }, (_, i) => ({ code: `F${i + 1}`, name: `Lĩnh vực ${i + 1}` })),
});

export interface RosterLayout {
  rows: number;
  units: number;
  fields: number;
  /** Adds the `Địa chỉ` column (quoted, with commas, as clerks' exports have it). */
  address: boolean;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Ngọc', 'Thanh', 'Quốc'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Hà',
  'Hạnh',
  'Hùng',
  'Lan',
  'Linh',
  'Mai',
  'Nam',
  'Phương',
  'Quân',
  'Thảo',
  'Trang',
  'Tuấn',
  'Yến',
];
const STREETS = ['Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Trãi', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Điện Biên Phủ'];

export const rosterHeader = (layout: Pick<RosterLayout, 'address'>): string =>
  `Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành${layout.address ? ',Địa chỉ' : ''}`;

/** Rows are grouped by unit (as each unit sends its own list), fields cycle within a unit. */
export const unitOfRow = (i: number, layout: RosterLayout): number =>
  Math.min(layout.units - 1, Math.floor(i / Math.ceil(layout.rows / layout.units)));

export const rosterLine = (i: number, layout: RosterLayout, cat: Catalogue): string => {
  const unit = cat.units[unitOfRow(i, layout)]!.code;
  const field = cat.fields[i % layout.fields]!.name;
  const name = `${FAMILY[i % 12]} ${MIDDLE[(i >> 2) % 8]} ${GIVEN[(i >> 5) % 17]}`;
  const date = `${String(1 + (i % 28)).padStart(2, '0')}/${String(1 + (i % 9)).padStart(2, '0')}/2026`;
  let line = `${name},09${String(i).padStart(8, '0')},HS-2026-${i},${field},${unit},${date}`;
  if (layout.address) {
    line += `,"Số ${1 + (i % 300)}, đường ${STREETS[i % 6]}, tổ ${1 + (i % 40)}, xã ${unitOfRow(i, layout) + 1}, tỉnh Hải Dương"`;
  }
  return line;
};

export const rosterCsv = (layout: RosterLayout, cat: Catalogue, from = 0, to = layout.rows): string => {
  const lines = [rosterHeader(layout)];
  for (let i = from; i < to; i++) lines.push(rosterLine(i, layout, cat));
  return `${lines.join('\n')}\n`;
};

/** Streams the roster to `path` (bounded memory whatever the row count); returns its size. */
export const writeRosterFile = async (
  path: string,
  layout: RosterLayout,
  cat: Catalogue,
): Promise<number> => {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`${rosterHeader(layout)}\n`);
  let batch: string[] = [];
  for (let i = 0; i < layout.rows; i++) {
    batch.push(rosterLine(i, layout, cat));
    if (batch.length === 2000) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return bytes;
};

export const createRound = async (
  api: BenchApi,
  cat: Catalogue,
  options: { name?: string; kind?: 'SIPAS' | 'PAR' } = {},
): Promise<{ roundId: string; templateId: string }> => {
  const kind = options.kind ?? 'SIPAS';
  const created = expectStatus(
    await api.call('POST', '/api/rounds', {
      body: JSON.stringify({
        name: options.name ?? `bench ${new Date().toISOString()}`,
        year: 2026,
        kind,
        units: cat.units,
        fields: cat.fields,
      }),
    }),
    [200, 201],
    'create round',
  ).json<{ roundId: string; round?: { templateId?: string } }>();
  return { roundId: created.roundId, templateId: created.round?.templateId ?? DEFAULT_TEMPLATE_IDS[kind] };
};

/** Body-path upload (today's API: one request, 5 MB cap). Returns the import id. */
export const uploadRosterBody = async (
  api: BenchApi,
  roundId: string,
  csv: string,
  filename = 'roster.csv',
): Promise<string> =>
  expectStatus(
    await api.call('POST', `/api/rounds/${roundId}/rosters?filename=${encodeURIComponent(filename)}`, {
      body: csv,
      type: 'text/csv',
    }),
    [200, 201, 202],
    'upload roster',
  ).json<{ importId: string }>().importId;

export const importDone = (j: Record<string, unknown>): boolean => {
  if (j.status === 'failed') throw new Error(`import failed: ${JSON.stringify(j).slice(0, 400)}`);
  return j.status === 'completed';
};

export const drawSample = async (
  api: BenchApi,
  roundId: string,
  quota: { seed?: string; officialPerStratum: number; reservePerStratum: number },
  timeoutMs = 300_000,
): Promise<string> => {
  const { sampleId } = expectStatus(
    await api.call('POST', `/api/rounds/${roundId}/samples`, {
      body: JSON.stringify({ seed: quota.seed ?? 'bench', ...quota }),
    }),
    [200, 201, 202],
    'request sample',
  ).json<{ sampleId: string }>();
  await api.poll(
    `/api/rounds/${roundId}/samples/${sampleId}`,
    (j) => {
      if (j.status === 'failed') throw new Error(`draw failed: ${JSON.stringify(j).slice(0, 400)}`);
      return j.status === 'completed';
    },
    { timeoutMs, intervalMs: 200 },
  );
  return sampleId;
};

/** The form tokens of the official list, read from the links in `official.csv`. */
export const officialTokens = async (api: BenchApi, roundId: string, sampleId: string): Promise<string[]> => {
  const csv = expectStatus(
    await api.call('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`),
    [200],
    'official.csv',
  ).text;
  return [...new Set([...csv.matchAll(/\/f\/([A-Za-z0-9_-]{16,64})/g)].map((m) => m[1]!))];
};

/**
 * A complete, valid answer set for the template: every scale item answered (values spread over
 * the scale by `variant`), the first option of choice questions, a short text where text is
 * required. Checked with the domain's own validator so a template change cannot make it invalid
 * silently.
 */
export const validAnswers = (
  template: QuestionnaireTemplate | string,
  variant = 0,
): Record<string, AnswerValue> => {
  const t = typeof template === 'string' ? getTemplate(template) : template;
  const answers: Record<string, AnswerValue> = {};
  allQuestions(t).forEach((q, k) => {
    const options = (q.options ?? []).map((o) => o.value);
    switch (q.type) {
      case 'scale':
        answers[q.id] = t.scale.min + ((variant + k) % (t.scale.max - t.scale.min + 1));
        break;
      case 'single':
        if (options[0] !== undefined) answers[q.id] = options[(variant + k) % options.length]!;
        break;
      case 'multi':
        if (options[0] !== undefined) answers[q.id] = [options[(variant + k) % options.length]!];
        break;
      case 'text':
        if (q.required) answers[q.id] = 'Thủ tục nhanh, cán bộ hướng dẫn tận tình.';
        break;
    }
  });
  const checked = validateAnswers(t, answers);
  if (!checked.ok) {
    throw new Error(`bench answers invalid for ${t.id}: ${checked.issues.map((i) => i.message).join('; ')}`);
  }
  return answers;
};
