/**
 * Results as tables for `results.csv` / `results.xlsx` (docs/results.md, "Exports"): one table per level
 * — round, unit, field, unit × field, aspect, element, item — with Vietnamese headers. The input is the
 * results exactly as the API returns them to the caller (already scoped to its units and with small
 * cells suppressed below admin, scope-results.ts), so an export never shows more than the API.
 */
import type { Cell } from './spreadsheet.ts';

type Row = Record<string, unknown>;

export const LEVELS = ['round', 'unit', 'field', 'unitField', 'aspect', 'element', 'item'] as const;
export type ExportLevel = (typeof LEVELS)[number];

export const LEVEL_TITLES: Record<ExportLevel, string> = {
  round: 'Toàn đợt',
  unit: 'Đơn vị',
  field: 'Lĩnh vực',
  unitField: 'Đơn vị × lĩnh vực',
  aspect: 'Khía cạnh',
  element: 'Yếu tố',
  item: 'Câu hỏi',
};

export interface Table {
  level: ExportLevel;
  title: string;
  header: string[];
  rows: Cell[][];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Row => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Row) : {});
const arr = (v: unknown): Row[] => (Array.isArray(v) ? (v as Row[]) : []);
const yesNo = (v: unknown): string | null => (v === true ? 'có' : v === false ? 'không' : null);

const COUNT_HEADER = ['Phát ra', 'Thu về', 'Hợp lệ', 'Không hợp lệ', 'Tỷ lệ phản hồi (%)'];
const INDEX_HEADER = ['Chỉ số (%)', 'Khoảng tin cậy 95% – dưới', 'Khoảng tin cậy 95% – trên'];
const counts = (r: Row): Cell[] => {
  const c = obj(r.counts);
  return [num(c.issued), num(c.returned), num(c.valid), num(c.invalid), num(r.responseRate)];
};
const index = (r: Row): Cell[] => {
  const ci = obj(r.ci);
  return [num(r.index), num(ci.lower), num(ci.upper)];
};

/** The PAR columns of a unit row (composed index, grade, rank, components). */
const parUnit = (r: Row): Cell[] => {
  const comp = obj(r.components);
  const part = (k: string) => num(obj(comp[k]).achieved);
  return [
    num(r.achieved),
    num(r.applicableMax),
    num(r.index),
    str(obj(r.grade).name) ?? str(obj(r.grade).code),
    num(r.rank),
    part('appraisal'),
    part('survey'),
    part('formula'),
    str(obj(r.assessment).status),
  ];
};
const PAR_UNIT_HEADER = [
  'Điểm đạt',
  'Điểm tối đa áp dụng',
  'Chỉ số (%)',
  'Xếp loại',
  'Xếp hạng',
  'Điểm thẩm định',
  'Điểm điều tra XHH',
  'Điểm tính từ số liệu',
  'Trạng thái thẩm định',
];

interface Group {
  level: string;
  unitCode: string | null;
  unitName: string | null;
  fieldCode: string | null;
  row: Row;
}

export const resultTables = (latest: Row, unitNames: ReadonlyMap<string, string>): Table[] => {
  const kind = latest.kind;
  const round = obj(latest.round);
  const units = arr(latest.units);
  const fields = arr(latest.fields);
  const unitFields = arr(latest.unitFields);
  const name = (u: unknown) => (typeof u === 'string' ? (unitNames.get(u) ?? null) : null);
  const groups: Group[] = [
    { level: LEVEL_TITLES.round, unitCode: null, unitName: null, fieldCode: null, row: round },
    ...units.map((r) => ({
      level: LEVEL_TITLES.unit,
      unitCode: str(r.unitCode),
      unitName: name(r.unitCode),
      fieldCode: null,
      row: r,
    })),
    ...fields.map((r) => ({
      level: LEVEL_TITLES.field,
      unitCode: null,
      unitName: null,
      fieldCode: str(r.fieldCode),
      row: r,
    })),
    ...unitFields.map((r) => ({
      level: LEVEL_TITLES.unitField,
      unitCode: str(r.unitCode),
      unitName: name(r.unitCode),
      fieldCode: str(r.fieldCode),
      row: r,
    })),
  ];
  const where = (g: Group): Cell[] => [g.level, g.unitCode, g.unitName, g.fieldCode];
  const WHERE = ['Cấp', 'Mã đơn vị', 'Tên đơn vị', 'Mã lĩnh vực'];
  const suppressed = (r: Row) => yesNo(r.suppressed);
  const rank = (r: Row): Cell[] => [num(r.rank), num(r.tieGroup), arr(r.tiedWith).join(', ') || null];
  const RANK = ['Xếp hạng', 'Nhóm đồng hạng', 'Đồng hạng thống kê với'];

  if (kind === 'PAR') {
    return [
      {
        level: 'round',
        title: LEVEL_TITLES.round,
        header: ['Phát ra', 'Thu về'],
        rows: [[num(obj(round.counts).issued), num(obj(round.counts).returned)]],
      },
      {
        level: 'unit',
        title: LEVEL_TITLES.unit,
        header: ['Mã đơn vị', 'Tên đơn vị', 'Phát ra', 'Thu về', ...PAR_UNIT_HEADER],
        rows: units.map((r) => [
          str(r.unitCode),
          name(r.unitCode),
          num(obj(r.counts).issued),
          num(obj(r.counts).returned),
          ...parUnit(r),
        ]),
      },
      {
        level: 'element',
        title: 'Tiêu chí',
        header: [
          'Mã đơn vị',
          'Tên đơn vị',
          'Mã tiêu chí',
          'Lĩnh vực',
          'Phương pháp',
          'Điểm tối đa',
          'Điểm tự đánh giá',
          'Điểm thẩm định',
          'Điểm tính',
        ],
        rows: units.flatMap((r) =>
          arr(r.leaves).map((l) => [
            str(r.unitCode),
            name(r.unitCode),
            str(l.code),
            str(l.fieldCode),
            str(l.method),
            num(l.maxPoints),
            num(l.selfScore),
            num(l.appraisedScore),
            num(l.points),
          ]),
        ),
      },
    ];
  }

  const sub = (key: 'aspects' | 'elements' | 'items') =>
    groups.flatMap((g) => arr(g.row[key]).map((x) => ({ g, x })));
  return [
    {
      level: 'round',
      title: LEVEL_TITLES.round,
      header: [...COUNT_HEADER, ...INDEX_HEADER, 'Bị ẩn (ít phiếu)'],
      rows: [[...counts(round), ...index(round), suppressed(round)]],
    },
    {
      level: 'unit',
      title: LEVEL_TITLES.unit,
      header: ['Mã đơn vị', 'Tên đơn vị', ...COUNT_HEADER, ...INDEX_HEADER, ...RANK, 'Bị ẩn (ít phiếu)'],
      rows: units.map((r) => [
        str(r.unitCode),
        name(r.unitCode),
        ...counts(r),
        ...index(r),
        ...rank(r),
        suppressed(r),
      ]),
    },
    {
      level: 'field',
      title: LEVEL_TITLES.field,
      header: ['Mã lĩnh vực', ...COUNT_HEADER, ...INDEX_HEADER, ...RANK, 'Bị ẩn (ít phiếu)'],
      rows: fields.map((r) => [str(r.fieldCode), ...counts(r), ...index(r), ...rank(r), suppressed(r)]),
    },
    {
      level: 'unitField',
      title: LEVEL_TITLES.unitField,
      header: [
        'Mã đơn vị',
        'Tên đơn vị',
        'Mã lĩnh vực',
        ...COUNT_HEADER,
        ...INDEX_HEADER,
        'Bị ẩn (ít phiếu)',
      ],
      rows: unitFields.map((r) => [
        str(r.unitCode),
        name(r.unitCode),
        str(r.fieldCode),
        ...counts(r),
        ...index(r),
        suppressed(r),
      ]),
    },
    {
      level: 'aspect',
      title: LEVEL_TITLES.aspect,
      header: [...WHERE, 'Mã khía cạnh', ...INDEX_HEADER, 'Bị ẩn (ít phiếu)'],
      rows: sub('aspects').map(({ g, x }) => [...where(g), str(x.code), ...index(x), suppressed(g.row)]),
    },
    {
      level: 'element',
      title: LEVEL_TITLES.element,
      header: [...WHERE, 'Mã yếu tố', 'Mã khía cạnh', ...INDEX_HEADER, 'Bị ẩn (ít phiếu)'],
      rows: sub('elements').map(({ g, x }) => [
        ...where(g),
        str(x.code),
        str(x.aspectCode),
        ...index(x),
        suppressed(g.row),
      ]),
    },
    {
      level: 'item',
      title: LEVEL_TITLES.item,
      header: [
        ...WHERE,
        'Mã câu hỏi',
        'Mã yếu tố',
        'Số trả lời hợp lệ',
        'Số hài lòng (mức 4–5)',
        ...INDEX_HEADER,
        'Bị ẩn (ít phiếu)',
      ],
      rows: sub('items').map(({ g, x }) => [
        ...where(g),
        str(x.questionId),
        str(x.elementCode),
        num(x.valid),
        num(x.satisfied),
        ...index(x),
        suppressed(g.row),
      ]),
    },
  ];
};
