/**
 * Results: run scoring (admin of every unit) with progress, then the latest run's indices per unit as
 * labelled bars, the ranking table, per unit × field and the live return counts. Prints as an A4 report.
 */
import { useState } from 'preact/hooks';
import { download, get, poll, request } from '../api.ts';
import { can, seesUnit, type User } from '../auth.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../format.ts';
import { useLoad } from '../hooks.ts';
import type { Results, Round, UnitResult } from '../types.ts';

export function ResultsTab({ round, user }: { round: Round; user: User }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}`;
  const { data, error, loading, reload } = useLoad(
    (signal) => get<Results>(`${path}/results`, signal),
    [path],
  );
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const fetchExport = async (file: string) => {
    setExportError(null);
    try {
      await download(`${path}/${file}`, `${round.id}-${file}`);
    } catch (e) {
      setExportError(e);
    }
  };

  const run = async () => {
    setRunning(true);
    setRunError(null);
    const startedAt = new Date().toISOString();
    try {
      const { runId } = await request<{ runId: string }>('POST', `${path}/scoring`);
      await poll(async () => {
        const r = await get<Results>(`${path}/results`);
        const latest = r.latest;
        return latest && (latest.runId === runId || (latest.computedAt ?? '') >= startedAt) ? r : undefined;
      });
      reload();
    } catch (e) {
      setRunError(e);
    } finally {
      setRunning(false);
    }
  };

  const latest = data?.latest;
  const unitName = (code: string) => round.units.find((u) => u.code === code)?.name ?? code;
  const fieldName = (code: string) => round.fields.find((f) => f.code === code)?.name ?? code;
  const units = (latest?.units ?? []).filter((u) => seesUnit(user, u.unitCode));
  const bars = units
    .filter((u) => typeof u.index === 'number')
    .sort((a, b) => (b.index ?? 0) - (a.index ?? 0))
    .map((u) => ({ label: u.unitName ?? unitName(u.unitCode), value: u.index! }));
  const rate = (c: UnitResult['counts']) => formatPercent(c?.returned ?? 0, c?.issued ?? 0);

  return (
    <div class="results">
      <div class="actions no-print">
        {can.runScoring(user) ? (
          <button type="button" class="primary" onClick={() => void run()} disabled={running}>
            Tính điểm
          </button>
        ) : null}
        {latest ? (
          <button type="button" onClick={() => window.print()}>
            In báo cáo kết quả
          </button>
        ) : null}
        {latest ? (
          <>
            <button type="button" onClick={() => void fetchExport('results.xlsx')}>
              Tải kết quả (results.xlsx)
            </button>
            <button type="button" onClick={() => void fetchExport('results.csv')}>
              Tải kết quả (results.csv)
            </button>
          </>
        ) : null}
        {latest && can.readMicrodata(user) ? (
          <button type="button" onClick={() => void fetchExport('microdata.csv')}>
            Tải dữ liệu phiếu ẩn danh (microdata.csv)
          </button>
        ) : null}
      </div>
      <ErrorBox error={exportError} action="Tải tệp kết quả" />
      {running ? <Progress label="Đang tính điểm (hàng đợi chấm điểm)" /> : null}
      <ErrorBox error={runError} action="Tính điểm" />
      {loading && !data ? <Progress label="Đang tải kết quả" /> : null}
      <ErrorBox error={error} action="Tải kết quả" />
      {data && !latest ? <p>Đợt này chưa được tính điểm.</p> : null}
      {latest ? (
        <>
          <div class="print-only print-title">
            <p>
              <strong>Báo cáo kết quả khảo sát</strong> · {round.name} · năm {round.year} · in ngày{' '}
              {formatDate(new Date().toISOString())}
            </p>
          </div>
          <p class="status-line">
            Lần tính gần nhất: {formatDateTime(latest.computedAt)} · phương pháp{' '}
            {latest.methodologyVersion ?? '—'} ·{' '}
            {latest.trigger === 'on-demand'
              ? 'tính theo yêu cầu'
              : latest.trigger === 'nightly'
                ? 'tính định kỳ hằng đêm'
                : (latest.trigger ?? '')}
          </p>
          {latest.round && user.units === '*' ? (
            <dl class="counts">
              <div>
                <dt>Chỉ số chung</dt>
                <dd>{formatNumber(latest.round.index ?? null)}</dd>
              </div>
              <div>
                <dt>Phiếu phát ra</dt>
                <dd>{formatNumber(latest.round.counts?.issued ?? null, 0)}</dd>
              </div>
              <div>
                <dt>Phiếu thu về</dt>
                <dd>{formatNumber(latest.round.counts?.returned ?? null, 0)}</dd>
              </div>
              <div>
                <dt>Tỷ lệ phản hồi</dt>
                <dd>{rate(latest.round.counts)}</dd>
              </div>
              <div>
                <dt>Phiếu hợp lệ</dt>
                <dd>{formatNumber(latest.round.counts?.valid ?? null, 0)}</dd>
              </div>
            </dl>
          ) : null}
          {bars.length > 0 ? <BarChart title="Chỉ số theo đơn vị" bars={bars} /> : null}
          <DataTable<UnitResult>
            caption="Xếp hạng đơn vị"
            rows={units}
            rowKey={(u) => u.unitCode}
            initialSort={{ key: 'rank', dir: 'asc' }}
            columns={[
              {
                key: 'rank',
                label: 'Hạng',
                value: (u) => u.rank ?? null,
                numeric: true,
                render: (u) => (u.rank ? String(u.rank) : '—'),
              },
              { key: 'unit', label: 'Đơn vị', value: (u) => u.unitName ?? unitName(u.unitCode) },
              { key: 'index', label: 'Chỉ số', value: (u) => u.index ?? null, numeric: true },
              ...(latest.kind === 'PAR'
                ? [{ key: 'grade', label: 'Xếp loại', value: (u: UnitResult) => u.grade }]
                : []),
              ...(units.some((u) => u.aspects?.length)
                ? (units[0]?.aspects ?? []).map((a) => ({
                    key: `aspect-${a.code}`,
                    label: `Khía cạnh ${a.code}`,
                    value: (u: UnitResult) => u.aspects?.find((x) => x.code === a.code)?.index ?? null,
                    numeric: true,
                  }))
                : []),
              { key: 'issued', label: 'Phát ra', value: (u) => u.counts?.issued ?? null, numeric: true },
              { key: 'returned', label: 'Thu về', value: (u) => u.counts?.returned ?? null, numeric: true },
              {
                key: 'rate',
                label: 'Tỷ lệ phản hồi',
                value: (u) =>
                  (u.counts?.issued ?? 0) > 0 ? (u.counts!.returned ?? 0) / u.counts!.issued! : null,
                numeric: true,
                render: (u) => rate(u.counts),
              },
              { key: 'valid', label: 'Hợp lệ', value: (u) => u.counts?.valid ?? null, numeric: true },
            ]}
          />
          {(latest.unitFields ?? []).length > 0 ? (
            <DataTable
              caption="Chỉ số theo đơn vị và lĩnh vực"
              rows={(latest.unitFields ?? []).filter((u) => seesUnit(user, u.unitCode))}
              rowKey={(u) => `${u.unitCode}|${u.fieldCode}`}
              initialSort={{ key: 'index', dir: 'desc' }}
              columns={[
                { key: 'unit', label: 'Đơn vị', value: (u) => unitName(u.unitCode) },
                { key: 'field', label: 'Lĩnh vực', value: (u) => fieldName(u.fieldCode) },
                { key: 'index', label: 'Chỉ số', value: (u) => u.index ?? null, numeric: true },
                { key: 'returned', label: 'Thu về', value: (u) => u.counts?.returned ?? null, numeric: true },
                {
                  key: 'rate',
                  label: 'Tỷ lệ phản hồi',
                  value: (u) => u.counts?.returned ?? null,
                  numeric: true,
                  render: (u) => rate(u.counts),
                },
              ]}
            />
          ) : null}
        </>
      ) : null}
      {(data?.live ?? []).length > 0 ? (
        <DataTable
          caption="Phiếu đã thu về theo thời gian thực"
          rows={data!.live!}
          rowKey={(l) => `${l.unitCode}|${l.fieldCode}`}
          columns={[
            { key: 'unit', label: 'Đơn vị', value: (l) => unitName(l.unitCode) },
            { key: 'field', label: 'Lĩnh vực', value: (l) => fieldName(l.fieldCode) },
            { key: 'returned', label: 'Phiếu thu về', value: (l) => l.returned, numeric: true },
          ]}
        />
      ) : null}
    </div>
  );
}
