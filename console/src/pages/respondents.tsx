/**
 * The stored respondents of a round (admin and operator only: personal data, decrypted by the API).
 * Pages come from the API by cursor ("Tải thêm"); the loaded rows are filtered, sorted and paged here.
 * A unit focal point gets only its units' people from the API.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api.ts';
import { can, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatNumber } from '../format.ts';
import type { Respondent, Round } from '../types.ts';

const PAGE = 100;
const SEX: Record<string, string> = { M: 'Nam', F: 'Nữ', male: 'Nam', female: 'Nữ', nam: 'Nam', nu: 'Nữ' };

export function RespondentsTab({ round, user }: { round: Round; user: User }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}/respondents`;
  const [items, setItems] = useState<Respondent[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [unit, setUnit] = useState('');
  const [text, setText] = useState('');

  const load = async (from?: string) => {
    setLoading(true);
    setError(null);
    try {
      const page = await get<{ items: Respondent[]; cursor?: string }>(
        `${path}?limit=${PAGE}${from ? `&cursor=${encodeURIComponent(from)}` : ''}`,
      );
      setItems((prev) => (from ? [...prev, ...page.items] : page.items));
      setCursor(page.cursor);
      setDone(!page.cursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    if (can.seeRespondents(user)) void load();
  }, [path]);

  const unitName = (code: string) => round.units.find((u) => u.code === code)?.name ?? code;
  const fieldName = (code: string) => round.fields.find((f) => f.code === code)?.name ?? code;
  const units = useMemo(
    () => [...new Set(items.flatMap((r) => r.dossiers.map((d) => d.unitCode)))].sort(),
    [items],
  );
  const shown = useMemo(() => {
    const needle = text.trim().toLocaleLowerCase('vi');
    return items.filter(
      (r) =>
        (!unit || r.dossiers.some((d) => d.unitCode === unit)) &&
        (!needle ||
          `${r.fullName ?? ''} ${r.phone ?? ''} ${r.address ?? ''}`.toLocaleLowerCase('vi').includes(needle)),
    );
  }, [items, unit, text]);

  if (!can.seeRespondents(user)) {
    return <p class="notice">Vai trò của bạn không được xem thông tin cá nhân của người dân.</p>;
  }
  return (
    <section aria-labelledby="resp-h">
      <h2 id="resp-h">Người dân trong danh sách</h2>
      <p class="hint">Thông tin cá nhân được giải mã cho người có quyền; không sao chép ra ngoài hệ thống.</p>
      <fieldset class="filters">
        <legend>Lọc</legend>
        <div class="field inline">
          <label for="resp-unit">Đơn vị</label>
          <select id="resp-unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
            <option value="">Tất cả</option>
            {units.map((u) => (
              <option key={u} value={u}>
                {unitName(u)}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="resp-text">Tìm theo tên, số điện thoại, địa chỉ</label>
          <input id="resp-text" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
      </fieldset>
      <ErrorBox error={error} action="Tải danh sách người dân" />
      {loading ? <Progress label="Đang tải người dân" /> : null}
      <DataTable<Respondent>
        caption={`Người dân (${formatNumber(items.length, 0)} đã tải${done ? '' : ', còn nữa'})`}
        rows={shown}
        rowKey={(r) => r.personKey}
        pageSize={20}
        initialSort={{ key: 'name', dir: 'asc' }}
        columns={[
          { key: 'name', label: 'Họ và tên', value: (r) => r.fullName },
          { key: 'phone', label: 'Số điện thoại', value: (r) => r.phone },
          { key: 'address', label: 'Địa chỉ', value: (r) => r.address },
          {
            key: 'birthYear',
            label: 'Năm sinh',
            value: (r) => r.birthYear ?? null,
            render: (r) => (r.birthYear ? String(r.birthYear) : '—'),
          },
          { key: 'sex', label: 'Giới tính', value: (r) => (r.sex ? (SEX[r.sex] ?? r.sex) : undefined) },
          {
            key: 'unit',
            label: 'Đơn vị',
            value: (r) => r.dossiers.map((d) => unitName(d.unitCode)).join('; '),
          },
          {
            key: 'field',
            label: 'Lĩnh vực',
            value: (r) => [...new Set(r.dossiers.map((d) => fieldName(d.fieldCode)))].join('; '),
          },
          { key: 'dossiers', label: 'Số hồ sơ', value: (r) => r.dossiers.length, numeric: true },
        ]}
        empty="Chưa có người dân nào (hoặc không khớp bộ lọc)."
      />
      {!done && cursor ? (
        <div class="actions">
          <button type="button" onClick={() => void load(cursor)} disabled={loading}>
            Tải thêm {PAGE} người
          </button>
        </div>
      ) : null}
    </section>
  );
}
