/**
 * Create a round: name, year, kind, structure, questionnaire (the method's built-in template or an
 * imported version), its units and fields. Units are typed one per line (code; name; parent code;
 * type) and previewed, or ticked from a stored unit catalogue version (those valid for the round's
 * structure, all ticked by default); the API's validation errors are shown beside the input they
 * concern (their JSON path names it).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, request } from '../api.ts';
import { can, type User } from '../auth.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { PageHeading } from '../components/page.tsx';
import { Progress } from '../components/progress.tsx';
import { endOfVietnamDay, formatDate, formatNumber } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { BASE, navigate } from '../router.ts';
import type {
  CatalogueDetail,
  CatalogueSummary,
  CatalogueUnit,
  QuestionnaireSummary,
  Round,
} from '../types.ts';

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

/** The structure of the methodology in force for a year (shared/domain: two-tier from 2025). */
export const defaultStructure = (year: number): 'three-tier' | 'two-tier' =>
  year >= 2025 ? 'two-tier' : 'three-tier';

/** The day a round's catalogue units must be valid on (as the rounds service decides it). */
export const catalogueAsOf = (year: number, structure: 'three-tier' | 'two-tier'): string =>
  structure === 'three-tier' && year >= 2025 ? '2025-06-30' : `${year}-12-31`;

const DISTRICT_TYPES = new Set(['urban-district', 'rural-district', 'town', 'provincial-city']);
const PROVINCE_TYPES = new Set(['province', 'central-city']);
const TYPE_NAME: Record<string, string> = {
  department: 'Sở',
  agency: 'Ban, ngành',
  'urban-district': 'Quận',
  'rural-district': 'Huyện',
  town: 'Thị xã',
  'provincial-city': 'Thành phố thuộc tỉnh',
  commune: 'Xã',
  ward: 'Phường',
  township: 'Thị trấn',
  'special-zone': 'Đặc khu',
};

/** The catalogue's units a round of this structure may survey on `asOf` (below the province). */
export const eligibleUnits = (
  units: readonly CatalogueUnit[],
  structure: 'three-tier' | 'two-tier',
  asOf: string,
): CatalogueUnit[] =>
  units.filter(
    (u) =>
      u.validFrom <= asOf &&
      (u.validTo === null || asOf <= u.validTo) &&
      !PROVINCE_TYPES.has(u.type) &&
      !(structure === 'two-tier' && DISTRICT_TYPES.has(u.type)),
  );

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
  const [unitSource, setUnitSource] = useState<'inline' | 'catalogue'>('inline');
  const [catalogueId, setCatalogueId] = useState('');
  const [catalogueVersion, setCatalogueVersion] = useState('');
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [unitFilter, setUnitFilter] = useState('');
  const [questionnaire, setQuestionnaire] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per filled-in form: a double click or a retry after a timeout creates one round.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const units = useMemo(() => parseUnits(unitsText), [unitsText]);
  const fields = useMemo(() => parseFields(fieldsText), [fieldsText]);
  const canCreate = can.createRound(user);
  const questionnaires = useLoad(
    (signal) =>
      canCreate
        ? get<{ items: QuestionnaireSummary[] }>('/api/questionnaires', signal)
        : Promise.resolve({ items: [] }),
    [canCreate],
  );
  const catalogues = useLoad(
    (signal) =>
      canCreate && unitSource === 'catalogue'
        ? get<{ items: CatalogueSummary[] }>('/api/catalogues', signal)
        : Promise.resolve(null),
    [canCreate, unitSource],
  );
  const catalogueIds = [...new Set((catalogues.data?.items ?? []).map((c) => c.id))];
  const versions = (catalogues.data?.items ?? [])
    .filter((c) => c.id === catalogueId)
    .sort((a, b) => b.version - a.version);
  const catalogue = useLoad(
    (signal) =>
      unitSource === 'catalogue' && catalogueId && catalogueVersion
        ? get<CatalogueDetail>(
            `/api/catalogues/${encodeURIComponent(catalogueId)}/${encodeURIComponent(catalogueVersion)}`,
            signal,
          )
        : Promise.resolve(null),
    [unitSource, catalogueId, catalogueVersion],
  );
  const effectiveStructure = structure || defaultStructure(Number(year));
  const asOf = catalogueAsOf(Number(year), effectiveStructure);
  const eligible = useMemo(
    () => (catalogue.data ? eligibleUnits(catalogue.data.units, effectiveStructure, asOf) : []),
    [catalogue.data, effectiveStructure, asOf],
  );
  // Default: every eligible unit ticked, again whenever the version, the structure or the year changes.
  useEffect(() => setTicked(new Set(eligible.map((u) => u.code))), [eligible]);
  // The newest version of a chosen catalogue, unless one is picked.
  useEffect(() => {
    if (catalogueId && !versions.some((v) => String(v.version) === catalogueVersion)) {
      setCatalogueVersion(versions[0] ? String(versions[0].version) : '');
    }
  }, [catalogueId, catalogues.data]);
  const shownUnits = eligible.filter(
    (u) =>
      !unitFilter ||
      `${u.code} ${u.name}`.toLocaleLowerCase('vi').includes(unitFilter.trim().toLocaleLowerCase('vi')),
  );
  const questionnaireChoices = (questionnaires.data?.items ?? []).filter((q) => !q.kind || q.kind === kind);

  if (!canCreate) {
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
        ...(structure ? { structure } : unitSource === 'catalogue' ? { structure: effectiveStructure } : {}),
        ...(questionnaire
          ? {
              questionnaire: {
                id: questionnaire.slice(0, questionnaire.lastIndexOf('@')),
                version: Number(questionnaire.slice(questionnaire.lastIndexOf('@') + 1)),
              },
            }
          : {}),
        ...(unitSource === 'catalogue'
          ? {
              catalogue: { id: catalogueId, version: Number(catalogueVersion) },
              unitCodes: eligible.map((u) => u.code).filter((c) => ticked.has(c)),
            }
          : { units }),
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
          <div class="field">
            <label for="r-questionnaire">Phiếu hỏi</label>
            <select
              id="r-questionnaire"
              value={questionnaire}
              onChange={(e) => setQuestionnaire(e.currentTarget.value)}
              aria-describedby={described('questionnaire', 'hint-questionnaire')}
              aria-invalid={errorsFor('questionnaire').length > 0}
            >
              <option value="">Mẫu phiếu có sẵn theo phương pháp của năm</option>
              {questionnaireChoices.map((q) => (
                <option key={`${q.id}@${q.version}`} value={`${q.id}@${q.version}`}>
                  {q.title} — {q.id}, phiên bản {q.version} ({formatNumber(q.satisfactionItems, 0)} câu đánh
                  giá)
                </option>
              ))}
            </select>
            <p class="hint" id="hint-questionnaire">
              Phiếu đã nhập (POST /api/questionnaires) hoặc mẫu có sẵn của phương pháp.
            </p>
            <ErrorBox error={questionnaires.error} action="Tải danh sách phiếu hỏi" />
            {fieldError('questionnaire')}
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
        <fieldset class="choice">
          <legend>Nguồn danh sách đơn vị</legend>
          <label>
            <input
              type="radio"
              name="unit-source"
              value="inline"
              checked={unitSource === 'inline'}
              onChange={() => setUnitSource('inline')}
            />{' '}
            Nhập trực tiếp
          </label>
          <label>
            <input
              type="radio"
              name="unit-source"
              value="catalogue"
              checked={unitSource === 'catalogue'}
              onChange={() => setUnitSource('catalogue')}
            />{' '}
            Chọn từ danh mục đơn vị đã lưu
          </label>
        </fieldset>
        {unitSource === 'catalogue' ? (
          <fieldset>
            <legend>Danh mục đơn vị đã lưu</legend>
            {catalogues.loading && !catalogues.data ? <Progress label="Đang tải danh mục đơn vị" /> : null}
            <ErrorBox error={catalogues.error} action="Tải danh mục đơn vị" />
            {catalogues.data && catalogueIds.length === 0 ? (
              <p class="notice">Chưa có danh mục nào được lưu (POST /api/catalogues).</p>
            ) : null}
            <div class="row">
              <div class="field">
                <label for="r-catalogue">Danh mục</label>
                <select
                  id="r-catalogue"
                  value={catalogueId}
                  onChange={(e) => setCatalogueId(e.currentTarget.value)}
                  aria-describedby={described('catalogue')}
                  aria-invalid={errorsFor('catalogue').length > 0}
                >
                  <option value="">— Chọn danh mục —</option>
                  {catalogueIds.map((id) => (
                    <option key={id} value={id}>
                      {(catalogues.data?.items ?? []).find((c) => c.id === id)?.name ?? id} ({id})
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="r-catalogue-version">Phiên bản danh mục</label>
                <select
                  id="r-catalogue-version"
                  value={catalogueVersion}
                  onChange={(e) => setCatalogueVersion(e.currentTarget.value)}
                  disabled={versions.length === 0}
                >
                  {versions.map((v) => (
                    <option key={v.version} value={String(v.version)}>
                      Phiên bản {v.version} · {formatDate(v.createdAt)} · {formatNumber(v.units, 0)} đơn vị
                    </option>
                  ))}
                </select>
              </div>
            </div>
            {fieldError('catalogue')}
            <p class="hint" id="hint-catalogue">
              Cơ cấu {effectiveStructure === 'two-tier' ? 'hai cấp' : 'ba cấp'} (chọn ở ô “Cơ cấu chính quyền
              địa phương”): các đơn vị còn hiệu lực ngày {formatDate(`${asOf}T12:00:00+07:00`)}
              {effectiveStructure === 'two-tier' ? ', không có cấp huyện' : ''}.
            </p>
            {catalogue.loading && catalogueVersion ? <Progress label="Đang tải phiên bản danh mục" /> : null}
            <ErrorBox error={catalogue.error} action="Tải phiên bản danh mục" />
            {catalogue.data ? (
              <fieldset class="unit-picker">
                <legend>
                  Đơn vị của đợt: đã chọn {formatNumber(ticked.size, 0)}/{formatNumber(eligible.length, 0)}
                </legend>
                <div class="row">
                  <div class="field">
                    <label for="r-unit-filter">Tìm đơn vị trong danh mục</label>
                    <input
                      id="r-unit-filter"
                      type="search"
                      value={unitFilter}
                      onInput={(e) => setUnitFilter(e.currentTarget.value)}
                    />
                  </div>
                  <div class="actions">
                    <button type="button" onClick={() => setTicked(new Set(eligible.map((u) => u.code)))}>
                      Chọn tất cả
                    </button>
                    <button type="button" onClick={() => setTicked(new Set())}>
                      Bỏ chọn tất cả
                    </button>
                  </div>
                </div>
                <ul class="unit-checks">
                  {shownUnits.map((u) => (
                    <li key={u.code}>
                      <label>
                        <input
                          type="checkbox"
                          checked={ticked.has(u.code)}
                          onChange={(e) => {
                            const next = new Set(ticked);
                            if (e.currentTarget.checked) next.add(u.code);
                            else next.delete(u.code);
                            setTicked(next);
                          }}
                        />{' '}
                        {u.name}{' '}
                        <span class="hint">
                          ({u.code} · {TYPE_NAME[u.type] ?? u.type})
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
                {eligible.length === 0 ? (
                  <p class="notice">Phiên bản này không có đơn vị nào hợp với cơ cấu và năm đã chọn.</p>
                ) : null}
                {fieldError('unitCodes')}
                {fieldError('units')}
              </fieldset>
            ) : null}
            {catalogue.data && catalogue.data.fields.length > 0 ? (
              <div class="actions">
                <button
                  type="button"
                  onClick={() =>
                    setFieldsText(catalogue.data!.fields.map((f) => `${f.code}; ${f.name}`).join('\n'))
                  }
                >
                  Dùng {formatNumber(catalogue.data.fields.length, 0)} lĩnh vực của danh mục
                </button>
              </div>
            ) : null}
          </fieldset>
        ) : null}
        {unitSource === 'inline' ? (
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
              Mỗi dòng một đơn vị: <code>mã; tên; mã đơn vị cấp trên; loại</code> (hai cột cuối không bắt
              buộc). Ví dụ: <code>LB-TT; UBND phường Thượng Thanh; LB; ward</code>
            </p>
            {fieldError('units')}
            {units.length > 0 ? (
              <p class="hint">
                Đã nhận {units.length} đơn vị: {units.map((u) => u.code).join(', ')}
              </p>
            ) : null}
          </div>
        ) : null}
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
