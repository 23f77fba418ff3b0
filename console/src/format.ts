/** Vietnamese presentation: dates in Asia/Ho_Chi_Minh as dd/mm/yyyy, numbers with vi-VN separators (85,78). */
const TZ = 'Asia/Ho_Chi_Minh';

const dateParts = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const parts = (iso: string): Record<string, string> | null => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(dateParts.formatToParts(d).map((p) => [p.type, p.value]));
};

/** 01/12/2026 — built from parts so the order never depends on the locale data. */
export const formatDate = (iso: string | undefined): string => {
  const p = iso ? parts(iso) : null;
  return p ? `${p.day}/${p.month}/${p.year}` : '—';
};

/** 01/12/2026 04:05 (Vietnam time). */
export const formatDateTime = (iso: string | undefined): string => {
  const p = iso ? parts(iso) : null;
  return p ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` : '—';
};

const numberFormats = new Map<number, Intl.NumberFormat>();
/** 85,78 · 1.234 — at most `digits` decimals. */
export const formatNumber = (value: number | null | undefined, digits = 2): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  let f = numberFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits });
    numberFormats.set(digits, f);
  }
  return f.format(value);
};

/** Share as a percentage with one decimal: 62,5 %. */
export const formatPercent = (part: number, whole: number): string =>
  whole > 0 ? `${formatNumber((part / whole) * 100, 1)} %` : '—';

const ROUND_STATUS: Record<string, string> = {
  PLANNED: 'Đang nhận danh sách',
  DRAFT: 'Bản nháp',
  ROSTERS_OPEN: 'Đang nhận danh sách',
  ROSTERS_CLOSED: 'Đã khóa danh sách',
  SAMPLED: 'Đã chọn mẫu',
  IN_FIELD: 'Đang khảo sát',
  CLOSED: 'Đã kết thúc khảo sát',
  SCORED: 'Đã tính điểm',
  PUBLISHED: 'Đã công bố',
};
export const roundStatusLabel = (status: string): string =>
  ROUND_STATUS[status.toUpperCase().replace(/-/g, '_')] ?? status;

export const kindLabel = (kind: string): string =>
  kind === 'PAR' ? 'Chỉ số CCHC (PAR Index)' : kind === 'SIPAS' ? 'SIPAS (mức độ hài lòng)' : kind;

export const structureLabel = (s: string | undefined): string =>
  s === 'two-tier' ? 'Hai cấp (từ 01/07/2025)' : s === 'three-tier' ? 'Ba cấp' : '—';

export const ROUND_LIFECYCLE = [
  'DRAFT',
  'ROSTERS_OPEN',
  'ROSTERS_CLOSED',
  'SAMPLED',
  'IN_FIELD',
  'CLOSED',
  'SCORED',
  'PUBLISHED',
] as const;

/** A date picked in the form (yyyy-mm-dd) as the end of that day in Vietnam (23:59:59+07:00). */
export const endOfVietnamDay = (date: string): string => `${date}T23:59:59+07:00`;

export const quotaLabel = (q: import('./types.ts').RoundQuota | undefined): string => {
  if (!q) return 'Theo yêu cầu khi chọn mẫu';
  if (q.kind === 'fixed') return `Cố định: ${q.official} chính thức + ${q.reserve} dự phòng mỗi tầng`;
  if (q.kind === 'proportional')
    return `Tỷ lệ: tổng ${formatNumber(q.total, 0)}, tối thiểu ${q.minPerStratum} mỗi tầng, dự phòng ×${formatNumber(q.reserveRatio)}`;
  return `Công thức n = N/(1+N·e²), e = ${formatNumber(q.marginOfError, 3)}, dự phòng ×${formatNumber(q.reserveRatio)}`;
};
