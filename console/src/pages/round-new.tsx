/**
 * Create a round: name, year, kind, structure, its units and fields. Units and fields are typed one
 * per line (code; name; parent code; type) and previewed; the API's validation errors are shown
 * beside the input they concern (their JSON path names it).
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError, request } from '../api.ts';
import { can, type User } from '../auth.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { PageHeading } from '../components/page.tsx';
import { Progress } from '../components/progress.tsx';
import { endOfVietnamDay } from '../format.ts';
import { BASE, navigate } from '../router.ts';
import type { Round } from '../types.ts';

const splitLine = (line: string) => line.split(/[;\t]/).map((s) => s.trim());

export const parseUnits = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [code = '', name = '', parentCode, type] = splitLine(l);
      return { code, name, ...(parentCode ? { parentCode } : {}), ...(type ? { type } : {}) };
    });

export const parseFields = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const parts = splitLine(l);
      return parts.length > 1 && parts[1] ? { code: parts[0]!, name: parts[1] } : { name: parts[0]! };
    });

const fieldOf = (path: string | undefined): string => (path ?? '').split('.')[0] ?? '';

export function RoundNew({ user }: { user: User }) {
  const [name, setName] = useState('');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [kind, setKind] = useState<'SIPAS' | 'PAR'>('SIPAS');
  const [structure, setStructure] = useState<'' | 'three-tier' | 'two-tier'>('');
  const [deadline, setDeadline] = useState('');
  const [distribution, setDistribution] = useState('');
  const [fieldworkEnd, setFieldworkEnd] = useState('');
  const [seedValue, setSeedValue] = useState('');
  const [seedSource, setSeedSource] = useState('');
  const [doubleEntry, setDoubleEntry] = useState(false);
  const [official, setOfficial] = useState('');
  const [reserve, setReserve] = useState('');
  const [unitsText, setUnitsText] = useState('');
  const [fieldsText, setFieldsText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per filled-in form: a double click or a retry after a timeout creates one round.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const units = useMemo(() => parseUnits(unitsText), [unitsText]);
  const fields = useMemo(() => parseFields(fieldsText), [fieldsText]);

  if (!can.createRound(user)) {
    return (
      <section>
        <PageHeading title="Tạo đợt khảo sát">Tạo đợt khảo sát</PageHeading>
        <p>Chỉ quản trị viên phụ trách toàn bộ đơn vị của tỉnh mới tạo được đợt khảo sát.</p>
      </section>
    );
  }

  const details = error instanceof ApiError ? error.details : [];
  const errorsFor = (field: string) => details.filter((d) => fieldOf(d.path) === field);
  const fieldError = (field: string) => {
    const list = errorsFor(field);
    return list.length ? (
      <p class="field-error" id={`err-${field}`}>
        {list.map((d) => `${d.path}: ${d.message}`).join(' · ')}
      </p>
    ) : null;
  };
  const described = (field: string, hint?: string) =>
    [hint, errorsFor(field).length ? `err-${field}` : undefined].filter(Boolean).join(' ') || undefined;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const schedule = {
        ...(deadline ? { rostersDeadline: endOfVietnamDay(deadline) } : {}),
        ...(distribution ? { distributionDate: endOfVietnamDay(distribution) } : {}),
        ...(fieldworkEnd ? { fieldworkEnd: endOfVietnamDay(fieldworkEnd) } : {}),
      };
      const body = {
        name,
        year: Number(year),
        kind,
        ...(structure ? { structure } : {}),
        units,
        fields,
        ...(Object.keys(schedule).length ? { schedule } : {}),
        ...(seedValue || seedSource ? { seed: { value: seedValue, source: seedSource } } : {}),
        ...(official
          ? { quota: { kind: 'fixed', official: Number(official), reserve: Number(reserve || 0) } }
          : {}),
        ...(doubleEntry ? { settings: { doubleEntry: true } } : {}),
      };
      const res = await request<{ roundId: string; round: Round }>('POST', '/api/rounds', {
        json: body,
        headers: { 'idempotency-key': idempotencyKey },
      });
      navigate(`${BASE}/rounds/${encodeURIComponent(res.roundId)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section>
      <PageHeading title="Tạo đợt khảo sát">Tạo đợt khảo sát</PageHeading>
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="r-name">Tên đợt</label>
          <input
            id="r-name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            required
            aria-describedby={described('name')}
            aria-invalid={errorsFor('name').length > 0}
          />
          {fieldError('name')}
        </div>
        <div class="row">
          <div class="field">
            <label for="r-year">Năm</label>
            <input
              id="r-year"
              type="number"
              inputMode="numeric"
              min={2010}
              max={2100}
              value={year}
              onInput={(e) => setYear(e.currentTarget.value)}
              required
              aria-describedby={described('year')}
              aria-invalid={errorsFor('year').length > 0}
            />
            {fieldError('year')}
          </div>
          <div class="field">
            <label for="r-kind">Loại khảo sát</label>
            <select
              id="r-kind"
              value={kind}
              onChange={(e) => setKind(e.currentTarget.value as 'SIPAS' | 'PAR')}
            >
              <option value="SIPAS">SIPAS — mức độ hài lòng của người dân</option>
              <option value="PAR">PAR Index — Chỉ số cải cách hành chính</option>
            </select>
          </div>
          <div class="field">
            <label for="r-structure">Cơ cấu chính quyền địa phương</label>
            <select
              id="r-structure"
              value={structure}
              onChange={(e) => setStructure(e.currentTarget.value as typeof structure)}
              aria-describedby="hint-structure"
            >
              <option value="">Theo phương pháp của năm</option>
              <option value="three-tier">Ba cấp (tỉnh – huyện – xã)</option>
              <option value="two-tier">Hai cấp (từ 01/07/2025)</option>
            </select>
            <p class="hint" id="hint-structure">
              Để trống: theo phiên bản phương pháp áp dụng cho năm của đợt.
            </p>
          </div>
        </div>
        <fieldset>
          <legend>Lịch của đợt (giờ Việt Nam, hết ngày đã chọn)</legend>
          <div class="row">
            <div class="field">
              <label for="r-deadline">Hạn nộp danh sách</label>
              <input
                id="r-deadline"
                type="date"
                value={deadline}
                onInput={(e) => setDeadline(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="r-distribution">Ngày phát phiếu</label>
              <input
                id="r-distribution"
                type="date"
                value={distribution}
                onInput={(e) => setDistribution(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="r-fieldwork">Kết thúc khảo sát</label>
              <input
                id="r-fieldwork"
                type="date"
                value={fieldworkEnd}
                onInput={(e) => setFieldworkEnd(e.currentTarget.value)}
                aria-describedby={described('schedule')}
                aria-invalid={errorsFor('schedule').length > 0}
              />
            </div>
          </div>
          {fieldError('schedule')}
        </fieldset>
        <fieldset>
          <legend>Chọn mẫu (không bắt buộc)</legend>
          <div class="row">
            <div class="field">
              <label for="r-seed">Hạt giống cố định</label>
              <input
                id="r-seed"
                value={seedValue}
                onInput={(e) => setSeedValue(e.currentTarget.value)}
                aria-describedby={described('seed')}
                aria-invalid={errorsFor('seed').length > 0}
              />
            </div>
            <div class="field">
              <label for="r-seed-source">Nguồn của hạt giống</label>
              <input
                id="r-seed-source"
                value={seedSource}
                onInput={(e) => setSeedSource(e.currentTarget.value)}
                placeholder="vd. kết quả xổ số ngày 02/03/2026"
              />
            </div>
            <div class="field">
              <label for="r-official">Phiếu chính thức mỗi tầng</label>
              <input
                id="r-official"
                type="number"
                min={1}
                inputMode="numeric"
                value={official}
                onInput={(e) => setOfficial(e.currentTarget.value)}
                aria-describedby={described('quota')}
                aria-invalid={errorsFor('quota').length > 0}
              />
            </div>
            <div class="field">
              <label for="r-reserve">Dự phòng mỗi tầng</label>
              <input
                id="r-reserve"
                type="number"
                min={0}
                inputMode="numeric"
                value={reserve}
                onInput={(e) => setReserve(e.currentTarget.value)}
              />
            </div>
          </div>
          {fieldError('seed')}
          {fieldError('quota')}
          <div class="field check">
            <label>
              <input
                type="checkbox"
                checked={doubleEntry}
                onChange={(e) => setDoubleEntry(e.currentTarget.checked)}
                aria-describedby="hint-double"
              />{' '}
              Nhập phiếu giấy hai lần
            </label>
            <p class="hint" id="hint-double">
              Mỗi phiếu giấy do hai cán bộ nhập độc lập; câu nào lệch nhau do giám sát viên quyết định.
            </p>
          </div>
        </fieldset>
        <div class="field">
          <label for="r-units">Đơn vị được đánh giá</label>
          <textarea
            id="r-units"
            rows={6}
            value={unitsText}
            onInput={(e) => setUnitsText(e.currentTarget.value)}
            aria-describedby={described('units', 'hint-units')}
            aria-invalid={errorsFor('units').length > 0}
            spellcheck={false}
          />
          <p class="hint" id="hint-units">
            Mỗi dòng một đơn vị: <code>mã; tên; mã đơn vị cấp trên; loại</code> (hai cột cuối không bắt buộc).
            Ví dụ: <code>LB-TT; UBND phường Thượng Thanh; LB; ward</code>
          </p>
          {fieldError('units')}
          {units.length > 0 ? (
            <p class="hint">
              Đã nhận {units.length} đơn vị: {units.map((u) => u.code).join(', ')}
            </p>
          ) : null}
        </div>
        <div class="field">
          <label for="r-fields">Lĩnh vực</label>
          <textarea
            id="r-fields"
            rows={4}
            value={fieldsText}
            onInput={(e) => setFieldsText(e.currentTarget.value)}
            aria-describedby={described('fields', 'hint-fields')}
            aria-invalid={errorsFor('fields').length > 0}
            spellcheck={false}
          />
          <p class="hint" id="hint-fields">
            Mỗi dòng một lĩnh vực: <code>tên</code> hoặc <code>mã; tên</code>. Ví dụ:{' '}
            <code>tu-phap; Tư pháp – Hộ tịch</code>
          </p>
          {fieldError('fields')}
        </div>
        <ErrorBox error={error} action="Tạo đợt khảo sát" id="create-error" />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Tạo đợt
          </button>
          <a class="button" href={`${BASE}/`}>
            Hủy
          </a>
        </div>
        {busy ? <Progress label="Đang tạo đợt khảo sát" /> : null}
      </form>
    </section>
  );
}
