/**
 * A completed sample's checks and field changes: verify the draw against the stored roster, and per
 * stratum the slots' history and the substitution of an official respondent by the next reserve.
 * Shown only when the API offers these routes (a missing route answers the fallback's NOT_FOUND).
 */
import { useState } from 'preact/hooks';
import { ApiError, get, request } from '../api.ts';
import { can, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDateTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import type { Round, Stratum } from '../types.ts';

interface Verdict {
  match: boolean;
  rosterHash?: { match: boolean };
  strata: { unitCode: string; fieldCode: string; match: boolean }[];
}
interface Slot {
  list: 'official' | 'reserve';
  rank: number;
  status: string;
  activatedAt?: string;
  revokedAt?: string;
  revokedReason?: string;
}
const REASONS: Record<string, string> = {
  UNREACHABLE: 'Không liên lạc được',
  REFUSED: 'Từ chối trả lời',
  MOVED: 'Đã chuyển đi',
  DECEASED: 'Đã mất',
  WRONG_RECORD: 'Sai thông tin',
};
const STATUS: Record<string, string> = {
  active: 'Đang khảo sát',
  inactive: 'Chưa kích hoạt',
  revoked: 'Đã thay thế',
};
const absent = (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'NOT_FOUND';

export function SampleTools({
  round,
  user,
  path,
  strata,
}: {
  round: Round;
  user: User;
  path: string;
  strata: Stratum[];
}) {
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [stratum, setStratum] = useState(strata[0] ? `${strata[0].unitCode}|${strata[0].fieldCode}` : '');
  const [unitCode = '', fieldCode = ''] = stratum.split('|');
  const history = useLoad(
    (signal) =>
      get<{ entries: Slot[] }>(
        `${path}/strata/${encodeURIComponent(unitCode)}/${encodeURIComponent(fieldCode)}/history`,
        signal,
      ),
    [path, stratum],
  );
  const [rank, setRank] = useState('');
  const [reason, setReason] = useState('UNREACHABLE');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [subError, setSubError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  if (absent(history.error)) return null;
  const unitName = (code: string) => round.units.find((u) => u.code === code)?.name ?? code;
  const fieldName = (code: string) => round.fields.find((f) => f.code === code)?.name ?? code;
  const active = (history.data?.entries ?? []).filter((e) => e.list === 'official' && e.status === 'active');

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerdict(await get<Verdict>(`${path}/verify`));
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
    }
  };
  const substitute = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setSubError(null);
    setDone(null);
    try {
      const res = await request<{ activated: { rank: number } }>('POST', `${path}/substitutions`, {
        json: {
          unitCode,
          fieldCode,
          rank: Number(rank || active[0]?.rank),
          reason,
          ...(note ? { note } : {}),
        },
      });
      setDone(`Đã thay thế; người dự phòng hạng ${res.activated.rank} được kích hoạt.`);
      setNote('');
      history.reload();
    } catch (err) {
      setSubError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="sample-tools">
      {user.units === '*' ? (
        <section aria-labelledby="verify-h">
          <h3 id="verify-h">Kiểm tra lại mẫu</h3>
          <button type="button" onClick={() => void verify()} disabled={verifying}>
            Tính lại từ danh sách đã lưu và so sánh
          </button>
          {verifying ? <Progress label="Đang tính lại mẫu" /> : null}
          <ErrorBox error={verifyError} action="Kiểm tra lại mẫu" />
          {verdict ? (
            <>
              <p class={verdict.match ? 'status-line' : 'field-error'} role="status">
                {verdict.match
                  ? 'Khớp: mẫu tính lại trùng với mẫu đã công bố.'
                  : 'KHÔNG khớp: xem các tầng bên dưới.'}
                {verdict.rosterHash
                  ? ` Mã băm danh sách ${verdict.rosterHash.match ? 'khớp' : 'không khớp'}.`
                  : ''}
              </p>
              <DataTable
                caption="Kết quả kiểm tra theo tầng"
                rows={verdict.strata}
                rowKey={(s) => `${s.unitCode}|${s.fieldCode}`}
                columns={[
                  { key: 'unit', label: 'Đơn vị', value: (s) => unitName(s.unitCode) },
                  { key: 'field', label: 'Lĩnh vực', value: (s) => fieldName(s.fieldCode) },
                  { key: 'match', label: 'Kết quả', value: (s) => (s.match ? 'Khớp' : 'Không khớp') },
                ]}
              />
            </>
          ) : null}
        </section>
      ) : null}
      <section aria-labelledby="subst-h">
        <h3 id="subst-h">Thay thế người trả lời</h3>
        <div class="field inline">
          <label for="st-pick">Tầng</label>
          <select id="st-pick" value={stratum} onChange={(e) => setStratum(e.currentTarget.value)}>
            {strata.map((s) => (
              <option key={`${s.unitCode}|${s.fieldCode}`} value={`${s.unitCode}|${s.fieldCode}`}>
                {unitName(s.unitCode)} · {fieldName(s.fieldCode)}
              </option>
            ))}
          </select>
        </div>
        {history.loading && !history.data ? <Progress label="Đang tải lịch sử của tầng" /> : null}
        <ErrorBox error={history.error} action="Tải lịch sử của tầng" />
        {history.data ? (
          <DataTable<Slot>
            caption="Lịch sử của tầng (không có thông tin cá nhân)"
            rows={history.data.entries}
            rowKey={(e) => `${e.list}-${e.rank}`}
            columns={[
              {
                key: 'list',
                label: 'Danh sách',
                value: (e) => (e.list === 'official' ? 'Chính thức' : 'Dự phòng'),
              },
              {
                key: 'rank',
                label: 'Hạng',
                value: (e) => e.rank,
                numeric: true,
                render: (e) => String(e.rank),
              },
              { key: 'status', label: 'Trạng thái', value: (e) => STATUS[e.status] ?? e.status },
              {
                key: 'reason',
                label: 'Lý do',
                value: (e) => (e.revokedReason ? (REASONS[e.revokedReason] ?? e.revokedReason) : undefined),
              },
              {
                key: 'at',
                label: 'Thời điểm',
                value: (e) => e.revokedAt ?? e.activatedAt,
                render: (e) => formatDateTime(e.revokedAt ?? e.activatedAt),
              },
            ]}
          />
        ) : null}
        {can.downloadLists(user) && active.length > 0 ? (
          <form class="form" onSubmit={substitute}>
            <div class="row">
              <div class="field">
                <label for="sub-rank">Hạng chính thức cần thay</label>
                <select
                  id="sub-rank"
                  value={rank || String(active[0]!.rank)}
                  onChange={(e) => setRank(e.currentTarget.value)}
                >
                  {active.map((a) => (
                    <option key={a.rank} value={a.rank}>
                      {a.rank}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="sub-reason">Lý do</label>
                <select id="sub-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
                  {Object.entries(REASONS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="sub-note">Ghi chú</label>
                <input id="sub-note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
              </div>
            </div>
            <ErrorBox error={subError} action="Thay thế người trả lời" />
            <div class="actions">
              <button type="submit" disabled={busy}>
                Thay bằng người dự phòng kế tiếp
              </button>
            </div>
            {done ? (
              <p class="status-line" role="status">
                {done}
              </p>
            ) : null}
          </form>
        ) : null}
      </section>
    </div>
  );
}
