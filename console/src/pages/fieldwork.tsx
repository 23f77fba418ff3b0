/**
 * Field work: per unit × field, forms issued (the active assignments of the latest draw) against forms
 * returned, from the submission service's progress view; the cumulative response rate per day as
 * lines, the sortable table, the call list of those who have not answered (with its CSV) and the
 * integrity signals (recorded and shown, never refusing a form).
 */
import { useMemo, useState } from 'preact/hooks';
import { download, get } from '../api.ts';
import { can, seesUnit, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { type Line, LineChart } from '../components/line-chart.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDate, formatNumber, formatPercent } from '../format.ts';
import { useLoad } from '../hooks.ts';
import type {
  FieldworkProgress,
  IntegritySignals,
  NonResponder,
  NonResponders,
  Round,
  SignalKind,
} from '../types.ts';

type Cell = FieldworkProgress['cells'][number];
type Signal = IntegritySignals['signals'][number];

export const SIGNAL_LABEL: Record<SignalKind, string> = {
  BURST: 'Nhiều phiếu liên tiếp từ cùng một thiết bị',
  FAST_COMPLETION: 'Hoàn thành phiếu quá nhanh',
  IDENTICAL_ANSWERS: 'Nhiều phiếu có câu trả lời giống hệt nhau',
};

const DAY_MS = 86_400_000;
const MAX_DAYS = 120;
/** The day (yyyy-mm-dd) an instant falls on in Việt Nam (UTC+7, no daylight saving). */
const vietnamDayOf = (iso: string) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);
const vietnamToday = () => vietnamDayOf(new Date().toISOString());
/** Every day from `from` to `to` (yyyy-mm-dd), at most the last MAX_DAYS. */
const daysBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out.slice(-MAX_DAYS);
};
const dayLabel = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

export function FieldworkTab({ round, user }: { round: Round; user: User }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}`;
  const [unit, setUnit] = useState('');
  const unitQuery = unit ? `?unit=${encodeURIComponent(unit)}` : '';
  const { data, error, loading } = useLoad(
    (signal) => get<FieldworkProgress>(`${path}/fieldwork-progress`, signal),
    [path],
  );
  const callList = useLoad(
    (signal) => get<NonResponders>(`${path}/non-responders${unitQuery}`, signal),
    [path, unitQuery],
  );
  const integrity = useLoad(
    (signal) =>
      can.readIntegritySignals(user)
        ? get<IntegritySignals>(`${path}/integrity-signals`, signal)
        : Promise.resolve(null),
    [path],
  );
  const [csvBusy, setCsvBusy] = useState(false);
  const [csvError, setCsvError] = useState<unknown>(null);
  const downloadCallList = async () => {
    setCsvBusy(true);
    setCsvError(null);
    try {
      await download(`${path}/non-responders.csv${unitQuery}`, `${round.id}-chua-tra-loi.csv`);
    } catch (e) {
      setCsvError(e);
    } finally {
      setCsvBusy(false);
    }
  };

  const unitName = (code: string) => round.units.find((u) => u.code === code)?.name ?? code;
  const fieldName = (code: string) => round.fields.find((f) => f.code === code)?.name ?? code;
  const visibleUnits = round.units.filter((u) => seesUnit(user, u.code));
  const rows = (data?.cells ?? []).filter(
    (c) => seesUnit(user, c.unitCode) && (!unit || c.unitCode === unit),
  );
  const total = rows.reduce((t, c) => ({ issued: t.issued + c.issued, returned: t.returned + c.returned }), {
    issued: 0,
    returned: 0,
  });

  // Cumulative response rate per day: one line per unit (all units), or per field of the chosen unit.
  const chart = useMemo(() => {
    if (!data) return null;
    const days = data.days.filter((d) => seesUnit(user, d.unitCode) && (!unit || d.unitCode === unit));
    if (days.length === 0) return null;
    const firstReturn = days[0]!.day;
    const last = days.reduce((m, d) => (d.day > m ? d.day : m), firstReturn);
    const today = vietnamToday();
    // From the distribution date (or the day before the first return: nothing returned yet) on.
    const distributed = round.schedule?.distributionDate
      ? vietnamDayOf(round.schedule.distributionDate)
      : undefined;
    const dayBefore = vietnamDayOf(
      new Date(Date.parse(`${firstReturn}T12:00:00+07:00`) - DAY_MS).toISOString(),
    );
    const first = distributed && distributed < dayBefore ? distributed : dayBefore;
    const axis = daysBetween(first, round.status === 'IN_FIELD' && today > last ? today : last);
    const groupOf = (c: { unitCode: string; fieldCode: string }) => (unit ? c.fieldCode : c.unitCode);
    const nameOf = (key: string) => (unit ? fieldName(key) : unitName(key));
    const issued = new Map<string, number>();
    for (const c of rows) issued.set(groupOf(c), (issued.get(groupOf(c)) ?? 0) + c.issued);
    const perDay = new Map<string, Map<string, number>>();
    for (const d of days) {
      const g = perDay.get(groupOf(d)) ?? new Map<string, number>();
      g.set(d.day, (g.get(d.day) ?? 0) + d.returned);
      perDay.set(groupOf(d), g);
    }
    const cumulative = (counts: (day: string) => number, of: number): Array<number | null> => {
      let sum = 0;
      return axis.map((day) => {
        sum += counts(day);
        return of > 0 ? (sum / of) * 100 : null;
      });
    };
    const lines: Line[] = [...issued.keys()]
      .filter((k) => (issued.get(k) ?? 0) > 0)
      .sort((a, b) => nameOf(a).localeCompare(nameOf(b), 'vi'))
      .map((k) => ({
        label: nameOf(k),
        values: cumulative((day) => perDay.get(k)?.get(day) ?? 0, issued.get(k) ?? 0),
      }));
    if (lines.length > 1) {
      lines.unshift({
        label: unit ? `Cả đơn vị ${unitName(unit)}` : 'Toàn đợt',
        values: cumulative(
          (day) => days.filter((d) => d.day === day).reduce((n, d) => n + d.returned, 0),
          total.issued,
        ),
      });
    }
    return { labels: axis.map(dayLabel), lines };
  }, [data, unit, round]);

  return (
    <section aria-labelledby="fw-h">
      <h2 id="fw-h">Tiến độ thu phiếu</h2>
      <fieldset class="filters">
        <legend>Lọc</legend>
        <div class="field inline">
          <label for="fw-unit">Đơn vị</label>
          <select id="fw-unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
            <option value="">Tất cả đơn vị</option>
            {visibleUnits.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      {loading && !data ? <Progress label="Đang tải tiến độ" /> : null}
      <ErrorBox error={error} action="Tải tiến độ thu phiếu" />
      {data && !data.sampleId ? (
        <p class="notice">Đợt này chưa có mẫu đã chọn xong: chưa có phiếu nào được phát ra.</p>
      ) : null}
      {data ? (
        <>
          <dl class="counts">
            <div>
              <dt>Phiếu phát ra</dt>
              <dd>{formatNumber(total.issued, 0)}</dd>
            </div>
            <div>
              <dt>Phiếu thu về</dt>
              <dd>{formatNumber(total.returned, 0)}</dd>
            </div>
            <div>
              <dt>Tỷ lệ phản hồi</dt>
              <dd>{formatPercent(total.returned, total.issued)}</dd>
            </div>
          </dl>
          {chart && chart.lines.length > 0 ? (
            <LineChart
              title={
                unit
                  ? `Tỷ lệ phản hồi cộng dồn theo ngày, từng lĩnh vực của ${unitName(unit)} (%)`
                  : 'Tỷ lệ phản hồi cộng dồn theo ngày, từng đơn vị (%)'
              }
              labels={chart.labels}
              lines={chart.lines}
            />
          ) : (
            <p class="hint">Chưa có phiếu nào được thu về.</p>
          )}
          <DataTable<Cell>
            caption="Tiến độ theo đơn vị và lĩnh vực"
            rows={rows}
            rowKey={(c) => `${c.unitCode}|${c.fieldCode}`}
            initialSort={{ key: 'rate', dir: 'asc' }}
            columns={[
              { key: 'unit', label: 'Đơn vị', value: (c) => unitName(c.unitCode) },
              { key: 'field', label: 'Lĩnh vực', value: (c) => fieldName(c.fieldCode) },
              { key: 'issued', label: 'Phát ra', value: (c) => c.issued, numeric: true },
              { key: 'returned', label: 'Thu về', value: (c) => c.returned, numeric: true },
              {
                key: 'rate',
                label: 'Tỷ lệ phản hồi',
                value: (c) => (c.issued > 0 ? c.returned / c.issued : null),
                numeric: true,
                render: (c) => formatPercent(c.returned, c.issued),
              },
            ]}
          />
        </>
      ) : null}

      <section aria-labelledby="fw-calls-h">
        <h3 id="fw-calls-h">Người chưa trả lời (danh sách gọi điện)</h3>
        <p class="hint">
          Người được phát phiếu (chính thức hoặc dự phòng đã thay thế) mà chưa có phiếu trả lời
          {unit ? ` — ${unitName(unit)}` : ''}.
          {can.seeCallListPersonalData(user)
            ? ' Họ tên và số điện thoại chỉ dùng để gọi nhắc; không sao chép ra ngoài hệ thống.'
            : ' Vai trò của bạn không xem được họ tên và số điện thoại.'}
        </p>
        {can.seeCallListPersonalData(user) ? (
          <div class="actions">
            <button type="button" onClick={() => void downloadCallList()} disabled={csvBusy}>
              Tải danh sách gọi điện (CSV)
            </button>
          </div>
        ) : null}
        {csvBusy ? <Progress label="Đang tải danh sách gọi điện" /> : null}
        <ErrorBox error={csvError} action="Tải danh sách gọi điện" />
        {callList.loading && !callList.data ? <Progress label="Đang tải danh sách chưa trả lời" /> : null}
        <ErrorBox error={callList.error} action="Tải danh sách chưa trả lời" />
        {callList.data ? (
          <DataTable<NonResponder>
            caption={`Người chưa trả lời (${formatNumber(callList.data.total, 0)})`}
            rows={callList.data.items}
            rowKey={(r) => `${r.sampleId}|${r.unitCode}|${r.fieldCode}|${r.list}|${r.rank}`}
            initialSort={{ key: 'unit', dir: 'asc' }}
            empty="Mọi người được phát phiếu đã trả lời."
            columns={[
              { key: 'unit', label: 'Đơn vị', value: (r) => r.unitName || unitName(r.unitCode) },
              { key: 'field', label: 'Lĩnh vực', value: (r) => r.fieldName },
              {
                key: 'list',
                label: 'Danh sách',
                value: (r) => (r.list === 'official' ? 'Chính thức' : 'Dự phòng'),
              },
              { key: 'rank', label: 'Thứ tự', value: (r) => r.rank, numeric: true },
              ...(callList.data.withPersonalData
                ? [
                    { key: 'name', label: 'Họ và tên', value: (r: NonResponder) => r.name },
                    { key: 'phone', label: 'Số điện thoại', value: (r: NonResponder) => r.phone },
                    { key: 'code', label: 'Mã phiếu giấy', value: (r: NonResponder) => r.paperCode },
                  ]
                : []),
              { key: 'reminders', label: 'Số lần đã nhắc', value: (r) => r.reminders, numeric: true },
              {
                key: 'last',
                label: 'Lần nhắc gần nhất',
                value: (r) => r.lastReminder ?? null,
                render: (r) => (r.lastReminder ? formatDate(`${r.lastReminder}T12:00:00+07:00`) : '—'),
              },
            ]}
          />
        ) : null}
      </section>

      {can.readIntegritySignals(user) ? (
        <section aria-labelledby="fw-int-h">
          <h3 id="fw-int-h">Tín hiệu bất thường</h3>
          <p class="hint">
            Các dấu hiệu cần xem xét — chỉ để ghi nhận và kiểm tra, không tự động loại phiếu nào.
          </p>
          {integrity.loading && !integrity.data ? <Progress label="Đang tải tín hiệu bất thường" /> : null}
          <ErrorBox error={integrity.error} action="Tải tín hiệu bất thường" />
          {integrity.data ? (
            <>
              <ul class="signal-counts">
                {(Object.keys(SIGNAL_LABEL) as SignalKind[]).map((k) => (
                  <li key={k}>
                    {SIGNAL_LABEL[k]}: <strong>{formatNumber(integrity.data!.counts[k] ?? 0, 0)}</strong>
                  </li>
                ))}
                <li>
                  Ngưỡng hoàn thành quá nhanh:{' '}
                  <strong>{formatNumber(integrity.data.settings.fastCompletionSeconds, 0)} giây</strong> ·{' '}
                  {formatNumber(integrity.data.withOpenedAt, 0)}/{formatNumber(integrity.data.submissions, 0)}{' '}
                  phiếu có thời điểm mở phiếu
                </li>
              </ul>
              <DataTable<Signal>
                caption="Tín hiệu bất thường theo đơn vị"
                rows={integrity.data.signals.filter((s) => !unit || s.unitCode === unit)}
                rowKey={(s) => `${s.kind}|${s.unitCode}|${s.receiptIds[0] ?? ''}`}
                initialSort={{ key: 'unit', dir: 'asc' }}
                empty="Không có tín hiệu bất thường."
                columns={[
                  { key: 'kind', label: 'Loại tín hiệu', value: (s) => SIGNAL_LABEL[s.kind] ?? s.kind },
                  { key: 'unit', label: 'Đơn vị', value: (s) => unitName(s.unitCode) },
                  { key: 'forms', label: 'Số phiếu', value: (s) => s.receiptIds.length, numeric: true },
                  { key: 'detail', label: 'Chi tiết', value: (s) => s.detail },
                  {
                    key: 'receipts',
                    label: 'Mã biên nhận',
                    value: (s) => s.receiptIds.join(', '),
                    render: (s) => <span class="receipts">{s.receiptIds.join(', ')}</span>,
                  },
                ]}
              />
            </>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
