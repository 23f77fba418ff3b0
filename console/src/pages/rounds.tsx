import { get } from '../api.ts';
import { can, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { PageHeading } from '../components/page.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDate, kindLabel, roundStatusLabel } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { BASE } from '../router.ts';
import type { RoundSummary } from '../types.ts';

export function Rounds({ user }: { user: User }) {
  const { data, error, loading } = useLoad(
    (signal) => get<{ items: RoundSummary[] }>('/api/rounds', signal),
    [],
  );
  return (
    <section>
      <div class="page-head">
        <PageHeading title="Đợt khảo sát">Đợt khảo sát</PageHeading>
        {can.createRound(user) ? (
          <a class="button primary" href={`${BASE}/rounds/new`}>
            Tạo đợt khảo sát
          </a>
        ) : null}
      </div>
      {loading && !data ? <Progress label="Đang tải danh sách đợt" /> : null}
      <ErrorBox error={error} action="Tải danh sách đợt khảo sát" />
      {data ? (
        <DataTable
          caption="Các đợt khảo sát (mới nhất trước)"
          rows={data.items}
          rowKey={(r) => r.id}
          columns={[
            {
              key: 'name',
              label: 'Tên đợt',
              value: (r) => r.name,
              render: (r) => <a href={`${BASE}/rounds/${encodeURIComponent(r.id)}`}>{r.name}</a>,
            },
            { key: 'year', label: 'Năm', value: (r) => r.year, render: (r) => String(r.year), numeric: true },
            { key: 'kind', label: 'Loại', value: (r) => kindLabel(r.kind) },
            { key: 'status', label: 'Trạng thái', value: (r) => roundStatusLabel(r.status) },
            {
              key: 'createdAt',
              label: 'Ngày tạo',
              value: (r) => r.createdAt,
              render: (r) => formatDate(r.createdAt),
            },
          ]}
          empty="Chưa có đợt khảo sát nào."
        />
      ) : null}
    </section>
  );
}
