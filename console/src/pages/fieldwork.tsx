/**
 * Field work: per unit × field, forms issued (the official list of the latest draw this browser knows)
 * against forms returned (the API's live counters), with the response rate as bars and a table.
 */
import { get } from '../api.ts';
import { seesUnit, type User } from '../auth.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatNumber, formatPercent } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { remembered } from '../store.ts';
import type { Results, Round, SampleManifest } from '../types.ts';

interface Cell {
  unitCode: string;
  fieldCode: string;
  issued: number;
  returned: number;
}

export function FieldworkTab({ round, user }: { round: Round; user: User }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}`;
  const { data, error, loading } = useLoad(
    async (signal) => {
      const [results, samples] = await Promise.all([
        get<Results>(`${path}/results`, signal),
        Promise.all(
          remembered(round.id, 'samples').map((id) =>
            get<SampleManifest>(`${path}/samples/${encodeURIComponent(id)}`, signal).then(
              (m) => m,
              () => null,
            ),
          ),
        ),
      ]);
      const sample = samples
        .filter((m): m is SampleManifest => m?.status === 'completed')
        .sort((a, b) => ((b.completedAt ?? '') > (a.completedAt ?? '') ? 1 : -1))[0];
      return { results, sample };
    },
    [path],
  );

  const unitName = (code: string) => round.units.find((u) => u.code === code)?.name ?? code;
  const fieldName = (code: string) => round.fields.find((f) => f.code === code)?.name ?? code;
  const cells = new Map<string, Cell>();
  const cell = (unitCode: string, fieldCode: string) => {
    const key = `${unitCode}|${fieldCode}`;
    let c = cells.get(key);
    if (!c) {
      c = { unitCode, fieldCode, issued: 0, returned: 0 };
      cells.set(key, c);
    }
    return c;
  };
  for (const s of data?.sample?.strata ?? []) cell(s.unitCode, s.fieldCode).issued = s.official;
  for (const l of data?.results.live ?? []) cell(l.unitCode, l.fieldCode).returned = l.returned;
  const rows = [...cells.values()].filter((c) => seesUnit(user, c.unitCode));
  const total = rows.reduce((t, c) => ({ issued: t.issued + c.issued, returned: t.returned + c.returned }), {
    issued: 0,
    returned: 0,
  });
  const bars = rows
    .filter((c) => c.issued > 0)
    .map((c) => ({
      label: `${unitName(c.unitCode)} · ${fieldName(c.fieldCode)}`,
      value: (c.returned / c.issued) * 100,
    }))
    .sort((a, b) => b.value - a.value);

  return (
    <section aria-labelledby="fw-h">
      <h2 id="fw-h">Tiến độ thu phiếu</h2>
      {loading && !data ? <Progress label="Đang tải tiến độ" /> : null}
      <ErrorBox error={error} action="Tải tiến độ thu phiếu" />
      {data && !data.sample ? (
        <p class="notice">Chưa có mẫu đã chọn nào được mở trên máy này: số phiếu phát ra chưa biết.</p>
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
          {bars.length > 0 ? (
            <BarChart title="Tỷ lệ phản hồi theo đơn vị và lĩnh vực (%)" bars={bars} />
          ) : null}
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
    </section>
  );
}
