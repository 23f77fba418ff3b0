/** One round: its summary and timeline, and tabs for rosters, sampling and results. */
import { useState } from 'preact/hooks';
import { get, request } from '../api.ts';
import { can, seesUnit, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { PageHeading } from '../components/page.tsx';
import { Progress } from '../components/progress.tsx';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  kindLabel,
  quotaLabel,
  ROUND_LIFECYCLE,
  roundStatusLabel,
  structureLabel,
} from '../format.ts';
import { useLoad } from '../hooks.ts';
import { BASE } from '../router.ts';
import { remembered } from '../store.ts';
import type { ImportReport, Results, Round, SampleManifest } from '../types.ts';
import { AuditTab } from './audit.tsx';
import { FieldworkTab } from './fieldwork.tsx';
import { PaperEntryTab } from './paper-entry.tsx';
import { ParTab } from './par.tsx';
import { RespondentsTab } from './respondents.tsx';
import { ResultsTab } from './results.tsx';
import { RostersTab } from './rosters.tsx';
import { SamplingTab } from './sampling.tsx';

export type Tab =
  | 'overview'
  | 'rosters'
  | 'respondents'
  | 'sampling'
  | 'fieldwork'
  | 'paper'
  | 'par'
  | 'results'
  | 'audit';
const TABS: { id: Tab; label: string; path: string; allowed?: (u: User, r: Round) => boolean }[] = [
  { id: 'overview', label: 'Tổng quan', path: '' },
  { id: 'rosters', label: 'Nhập danh sách', path: '/rosters' },
  { id: 'respondents', label: 'Người dân', path: '/respondents', allowed: can.seeRespondents },
  { id: 'sampling', label: 'Chọn mẫu', path: '/sampling' },
  { id: 'fieldwork', label: 'Tiến độ', path: '/fieldwork' },
  { id: 'paper', label: 'Phiếu giấy', path: '/paper', allowed: can.keyPaper },
  { id: 'par', label: 'Tự đánh giá CCHC', path: '/par', allowed: (_u, r) => r.kind === 'PAR' },
  { id: 'results', label: 'Kết quả', path: '/results' },
  { id: 'audit', label: 'Nhật ký', path: '/audit', allowed: can.readAudit },
];

export function RoundDetail({
  user,
  roundId,
  tab,
  unitCode,
}: {
  user: User;
  roundId: string;
  tab: Tab;
  /** The PAR tab's open unit. */
  unitCode?: string;
}) {
  const {
    data: round,
    error,
    loading,
    reload,
  } = useLoad((signal) => get<Round>(`/api/rounds/${encodeURIComponent(roundId)}`, signal), [roundId]);
  const base = `${BASE}/rounds/${encodeURIComponent(roundId)}`;
  const current = TABS.find((t) => t.id === tab)!;
  return (
    <section>
      <p class="crumbs">
        <a href={`${BASE}/`}>Đợt khảo sát</a> › {round?.name ?? roundId}
      </p>
      <PageHeading title={`${current.label} · ${round?.name ?? 'Đợt khảo sát'}`}>
        {round?.name ?? 'Đợt khảo sát'}
        <span class="h1-sub"> — {current.label}</span>
      </PageHeading>
      {loading && !round ? <Progress label="Đang tải đợt khảo sát" /> : null}
      <ErrorBox error={error} action="Tải đợt khảo sát" />
      {round ? (
        <>
          <nav class="tabs" aria-label="Các phần của đợt">
            {TABS.filter((t) => !t.allowed || t.allowed(user, round)).map((t) => (
              <a key={t.id} href={`${base}${t.path}`} aria-current={t.id === tab ? 'page' : undefined}>
                {t.label}
              </a>
            ))}
          </nav>
          {tab === 'overview' ? <Overview round={round} user={user} onChange={reload} /> : null}
          {tab === 'rosters' ? <RostersTab round={round} user={user} /> : null}
          {tab === 'respondents' ? <RespondentsTab round={round} user={user} /> : null}
          {tab === 'sampling' ? <SamplingTab round={round} user={user} /> : null}
          {tab === 'fieldwork' ? <FieldworkTab round={round} user={user} /> : null}
          {tab === 'paper' ? <PaperEntryTab round={round} user={user} /> : null}
          {tab === 'par' ? <ParTab round={round} user={user} unitCode={unitCode} /> : null}
          {tab === 'results' ? <ResultsTab round={round} user={user} /> : null}
          {tab === 'audit' ? <AuditTab round={round} user={user} /> : null}
        </>
      ) : null}
    </section>
  );
}

const normalStatus = (s: string) =>
  (s === 'PLANNED' ? 'ROSTERS_OPEN' : s) as (typeof ROUND_LIFECYCLE)[number];

interface TimelineData {
  imports: ImportReport[];
  samples: SampleManifest[];
  results: Results | null;
}

function Overview({ round, user, onChange }: { round: Round; user: User; onChange: () => void }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}`;
  const timeline = useLoad<TimelineData>(
    async (signal) => {
      const settle = <T,>(p: Promise<T>) =>
        p.then(
          (v) => v,
          () => null,
        );
      const [imports, samples, results] = await Promise.all([
        Promise.all(
          remembered(round.id, 'imports').map((id) =>
            settle(get<ImportReport>(`${path}/rosters/${id}`, signal)),
          ),
        ),
        Promise.all(
          remembered(round.id, 'samples').map((id) =>
            settle(get<SampleManifest>(`${path}/samples/${id}`, signal)),
          ),
        ),
        settle(get<Results>(`${path}/results`, signal)),
      ]);
      return {
        imports: imports.filter((x): x is ImportReport => x !== null),
        samples: samples.filter((x): x is SampleManifest => x !== null),
        results,
      };
    },
    [round.id],
  );
  const units = round.units.filter((u) => seesUnit(user, u.code));
  const t = timeline.data;
  const lastImport = t?.imports
    .filter((i) => i.completedAt)
    .sort((a, b) => (b.completedAt! > a.completedAt! ? 1 : -1))[0];
  const lastSample = t?.samples
    .filter((s) => s.completedAt)
    .sort((a, b) => (b.completedAt! > a.completedAt! ? 1 : -1))[0];
  const returned = (t?.results?.live ?? []).reduce((n, l) => n + l.returned, 0);
  const steps = [
    { label: 'Tạo đợt', at: round.createdAt, done: true, detail: `bởi ${round.createdBy}` },
    {
      label: 'Nhập danh sách người dân',
      at: lastImport?.completedAt,
      done: Boolean(lastImport),
      detail: lastImport
        ? `${formatNumber(lastImport.stored ?? 0, 0)} hồ sơ đã lưu (${lastImport.filename ?? lastImport.importId})`
        : 'chưa có lần nhập nào trên máy này',
    },
    {
      label: 'Chọn mẫu',
      at: lastSample?.completedAt,
      done: Boolean(lastSample),
      detail: lastSample
        ? `${formatNumber(lastSample.totals?.official ?? 0, 0)} chính thức, ${formatNumber(lastSample.totals?.reserve ?? 0, 0)} dự phòng`
        : 'chưa chọn mẫu',
    },
    {
      label: 'Thu phiếu',
      at: undefined,
      done: returned > 0,
      detail: `${formatNumber(returned, 0)} phiếu đã trả lời`,
    },
    {
      label: 'Tính điểm',
      at: t?.results?.latest?.computedAt,
      done: Boolean(t?.results?.latest),
      detail: t?.results?.latest
        ? `chỉ số chung ${formatNumber(t.results.latest.round?.index ?? null)}`
        : 'chưa tính',
    },
  ];
  return (
    <div class="overview">
      <dl class="facts">
        <div>
          <dt>Trạng thái</dt>
          <dd>
            <span class="badge">{roundStatusLabel(round.status)}</span>
          </dd>
        </div>
        <div>
          <dt>Năm</dt>
          <dd>{round.year}</dd>
        </div>
        <div>
          <dt>Loại</dt>
          <dd>{kindLabel(round.kind)}</dd>
        </div>
        <div>
          <dt>Cơ cấu</dt>
          <dd>{structureLabel(round.structure)}</dd>
        </div>
        <div>
          <dt>Phiên bản phương pháp</dt>
          <dd>{round.methodologyVersion}</dd>
        </div>
        <div>
          <dt>Bảng hỏi</dt>
          <dd>{round.templateId}</dd>
        </div>
        <div>
          <dt>Ngày tạo</dt>
          <dd>{formatDateTime(round.createdAt)}</dd>
        </div>
      </dl>
      <dl class="facts">
        <div>
          <dt>Hạn nộp danh sách</dt>
          <dd>{formatDate(round.schedule?.rostersDeadline)}</dd>
        </div>
        <div>
          <dt>Ngày phát phiếu</dt>
          <dd>{formatDate(round.schedule?.distributionDate)}</dd>
        </div>
        <div>
          <dt>Kết thúc khảo sát</dt>
          <dd>{formatDate(round.schedule?.fieldworkEnd)}</dd>
        </div>
        <div>
          <dt>Hạt giống</dt>
          <dd>{round.seed ? `${round.seed.value} (${round.seed.source})` : 'Chưa cố định'}</dd>
        </div>
        <div>
          <dt>Số phiếu mỗi tầng</dt>
          <dd>{quotaLabel(round.quota)}</dd>
        </div>
      </dl>
      <h2>Vòng đời</h2>
      <ol class="lifecycle">
        {ROUND_LIFECYCLE.map((st, i) => {
          const at = ROUND_LIFECYCLE.indexOf(normalStatus(round.status));
          return (
            <li
              key={st}
              class={i < at ? 'done' : i === at ? 'current' : 'todo'}
              aria-current={i === at ? 'step' : undefined}
            >
              {roundStatusLabel(st)}
            </li>
          );
        })}
      </ol>
      {can.transitionRound(user) ? <Transition round={round} onDone={onChange} /> : null}
      <h2>Tiến trình</h2>
      {timeline.loading && !t ? <Progress label="Đang tải tiến trình" /> : null}
      <ol class="timeline">
        {steps.map((s) => (
          <li key={s.label} class={s.done ? 'done' : 'todo'}>
            <span class="step-mark" aria-hidden="true">
              {s.done ? '✓' : '○'}
            </span>
            <span class="step-label">{s.label}</span>
            <span class="visually-hidden">{s.done ? ' (đã xong)' : ' (chưa)'}</span>
            {s.at ? <span class="step-at"> · {formatDateTime(s.at)}</span> : null}
            <span class="step-detail"> · {s.detail}</span>
          </li>
        ))}
      </ol>
      <h2>Đơn vị và lĩnh vực</h2>
      <DataTable
        caption={user.units === '*' ? 'Đơn vị của đợt' : 'Đơn vị của đợt trong phạm vi của bạn'}
        rows={units}
        rowKey={(u) => u.code}
        columns={[
          { key: 'code', label: 'Mã', value: (u) => u.code },
          { key: 'name', label: 'Tên đơn vị', value: (u) => u.name },
          { key: 'parent', label: 'Cấp trên', value: (u) => u.parentCode },
          { key: 'type', label: 'Loại', value: (u) => u.type },
        ]}
      />
      <DataTable
        caption="Lĩnh vực"
        rows={round.fields}
        rowKey={(f) => f.code}
        columns={[
          { key: 'code', label: 'Mã', value: (f) => f.code },
          { key: 'name', label: 'Tên lĩnh vực', value: (f) => f.name },
        ]}
      />
    </div>
  );
}

/** Moves the round to a later lifecycle step (the API's guards decide; a refusal shows its message). */
function Transition({ round, onDone }: { round: Round; onDone: () => void }) {
  const at = ROUND_LIFECYCLE.indexOf(normalStatus(round.status));
  const later = ROUND_LIFECYCLE.slice(at + 1);
  const [to, setTo] = useState<string>(later[0] ?? '');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (later.length === 0) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request('POST', `/api/rounds/${encodeURIComponent(round.id)}/transitions`, {
        json: { to, ...(reason ? { reason } : {}) },
      });
      setReason('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="transition" onSubmit={(e) => void submit(e)} aria-labelledby="transition-h">
      <h3 id="transition-h">Chuyển bước</h3>
      <div class="field">
        <label for="tr-to">Bước tiếp theo</label>
        <select id="tr-to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
          {later.map((st) => (
            <option key={st} value={st}>
              {roundStatusLabel(st)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="tr-reason">Lý do (bắt buộc khi chuyển sớm hơn lịch)</label>
        <input id="tr-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <ErrorBox error={error} action="Chuyển bước" />
      <p>
        <button type="submit" disabled={busy}>
          Chuyển bước
        </button>
      </p>
    </form>
  );
}
