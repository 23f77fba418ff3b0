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
import type { CompareRow, Comparison, Results, Round, RoundSummary, UnitResult } from '../types.ts';

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
          <CompareSection round={round} user={user} unitName={unitName} />
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

/** +1,25 · −0,5 · 0 — the sign always written, Vietnamese decimals; "—" when there is none. */
export const formatChange = (value: number | null | undefined, suffix = ''): string =>
  value === null || value === undefined
    ? '—'
    : `${value > 0 ? '+' : value < 0 ? '−' : ''}${formatNumber(Math.abs(value))}${suffix}`;

const changeClass = (v: number | null | undefined) =>
  typeof v === 'number' && v !== 0 ? (v > 0 ? 'change-up' : 'change-down') : undefined;

type UnitChange = Comparison['units'][number];

/**
 * "So sánh với đợt trước": pick an earlier round of the same kind; the scoring API's `?compare=`
 * gives the change per unit where the questionnaires ask the same thing. Units the earlier round did
 * not survey are marked, never given a change.
 */
function CompareSection({
  round,
  user,
  unitName,
}: {
  round: Round;
  user: User;
  unitName: (code: string) => string;
}) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}`;
  const rounds = useLoad((signal) => get<{ items: RoundSummary[] }>('/api/rounds?limit=200', signal), []);
  const [earlierId, setEarlierId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const candidates = (rounds.data?.items ?? []).filter((r) => r.id !== round.id && r.kind === round.kind);
  const earlierName = (id: string) => candidates.find((r) => r.id === id)?.name ?? id;
  const compare = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setComparison(null);
    try {
      const res = await get<Results & { comparison?: Comparison }>(
        `${path}/results?compare=${encodeURIComponent(earlierId)}`,
      );
      setComparison(res.comparison ?? null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const units = (comparison?.units ?? []).filter((u) => seesUnit(user, u.unitCode));
  const unmatched = units.filter((u) => !u.inEarlierRound).length;
  const c = comparison?.comparability;
  const renderChange = (row: CompareRow, v: number | null, suffix = '') =>
    row.inEarlierRound ? <span class={changeClass(v)}>{formatChange(v, suffix)}</span> : '—';
  return (
    <section class="compare" aria-labelledby="cmp-h">
      <h2 id="cmp-h">So sánh với đợt trước</h2>
      <form class="filters no-print" onSubmit={compare}>
        <div class="field inline">
          <label for="cmp-round">Đợt trước để so sánh</label>
          <select
            id="cmp-round"
            value={earlierId}
            onChange={(e) => setEarlierId(e.currentTarget.value)}
            aria-describedby={error ? 'cmp-error' : undefined}
          >
            <option value="">— Chọn đợt —</option>
            {candidates.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.year})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={!earlierId || busy}>
          Xem thay đổi
        </button>
      </form>
      <ErrorBox error={rounds.error} action="Tải danh sách đợt" />
      {rounds.data && candidates.length === 0 ? (
        <p class="hint">Chưa có đợt {round.kind} nào khác để so sánh.</p>
      ) : null}
      {busy ? <Progress label="Đang so sánh với đợt trước" /> : null}
      <ErrorBox error={error} action="So sánh với đợt trước" id="cmp-error" />
      {comparison && c ? (
        <>
          <p class="status-line">
            So với <strong>{earlierName(comparison.earlierRoundId)}</strong>
            {comparison.round?.index.change !== undefined && comparison.round?.index.comparable
              ? ` · chỉ số chung ${formatChange(comparison.round.index.change)} điểm`
              : ''}
            {unmatched > 0 ? ` · ${formatNumber(unmatched, 0)} đơn vị không có ở đợt trước` : ''}
          </p>
          {!c.overall ? (
            <div class="notice">
              <p>
                Chỉ số chung không so sánh được: phiếu hỏi hoặc quy tắc tính của hai đợt khác nhau (
                {formatNumber(c.items.notComparable.length, 0)} câu hỏi không so sánh được).
              </p>
              {c.items.notComparable.length > 0 ? (
                <ul>
                  {c.items.notComparable.slice(0, 10).map((q) => (
                    <li key={q.questionId}>
                      <code>{q.questionId}</code>: {q.reason}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <DataTable<UnitChange>
            caption="Thay đổi chỉ số theo đơn vị so với đợt trước"
            rows={units}
            rowKey={(u) => u.unitCode}
            initialSort={{ key: 'unit', dir: 'asc' }}
            columns={[
              { key: 'unit', label: 'Đơn vị', value: (u) => unitName(u.unitCode) },
              { key: 'now', label: 'Chỉ số đợt này', value: (u) => u.index.current, numeric: true },
              { key: 'before', label: 'Chỉ số đợt trước', value: (u) => u.index.earlier, numeric: true },
              {
                key: 'change',
                label: 'Thay đổi (điểm)',
                value: (u) => u.index.change,
                numeric: true,
                render: (u) => renderChange(u, u.index.change),
              },
              {
                key: 'rate',
                label: 'Tỷ lệ phản hồi thay đổi',
                value: (u) => u.responseRate.change,
                numeric: true,
                render: (u) => renderChange(u, u.responseRate.change, ' điểm %'),
              },
              {
                key: 'match',
                label: 'Đối chiếu',
                value: (u) => (u.inEarlierRound ? 'Có ở đợt trước' : 'Không có ở đợt trước'),
                render: (u) =>
                  u.inEarlierRound ? 'Có ở đợt trước' : <span class="unmatched">Không có ở đợt trước</span>,
              },
            ]}
          />
        </>
      ) : null}
    </section>
  );
}
