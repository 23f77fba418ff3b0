/**
 * PAR Index self-assessment and appraisal (docs/par.md), a tab of a PAR round:
 *  - the Sở (admin, all units) imports a criteria tree (CSV), attaches a version to the round with the
 *    self-assessment deadline and the response window, and sees every unit's state;
 *  - a unit's focal point sees only its own unit(s): the criteria tree with maximum points, scores each
 *    sub-criterion with evidence (note, links, a file uploaded by presigned URL), sees the totals the
 *    API composes, and submits;
 *  - the Sở appraises each criterion (adjusted score, mandatory reason) and publishes; the unit reads the
 *    scores and reasons and may answer within the window; the Sở finalises.
 * Every figure is the API's (no methodology in the browser); the API still decides every action.
 */
import { useState } from 'preact/hooks';
import { ApiError, get, request, upload } from '../api.ts';
import { can, seesUnit, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { endOfVietnamDay, formatDateTime, formatNumber } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { BASE } from '../router.ts';
import type { Round } from '../types.ts';
import { actionLabel } from './audit.tsx';

type Method = 'appraisal' | 'survey' | 'formula';
interface CriterionNode {
  code: string;
  title: string;
  maxPoints: number;
  method: Method;
  evidenceRequired: boolean;
  applicable: boolean;
  children?: CriterionNode[];
}
interface CriteriaSummary {
  id: string;
  version: number;
  year: number;
  level: string;
  title: string;
  declaredMaxPoints: number;
  createdAt: string;
  createdBy: string;
}
interface RoundCriteria {
  criteria: { id: string; version: number };
  selfAssessmentDeadline: string;
  responseWindowHours: number;
  attachedAt: string;
  attachedBy: string;
  config: { id: string; title: string; year: number; declaredMaxPoints: number; fields: CriterionNode[] };
}
type Status = 'draft' | 'submitted' | 'appraised' | 'finalised';
interface UnitState {
  status: Status;
  updatedAt: string;
  submittedAt?: string;
  submittedBy?: string;
  appraisalPublishedAt?: string;
  responseDeadline?: string;
  respondedAt?: string;
  finalisedAt?: string;
  finalisedBy?: string;
}
interface UnitRow {
  unitCode: string;
  unitName: string;
  status: Status;
  state: UnitState | null;
}
interface Points {
  achieved: number | null;
  applicableMax: number | null;
}
interface Note {
  note: string;
  by: string;
  at: string;
}
interface Leaf {
  code: string;
  title: string;
  fieldCode: string;
  maxPoints: number;
  method: Method;
  evidenceRequired: boolean;
  applicable: boolean;
  self: {
    score: string | number;
    evidence: { note?: string; links: string[]; fileKeys: string[] };
    files: { key: string; url: string }[];
    by: string;
    at: string;
  } | null;
  appraisal: { adjustedScore: string | number; reason: string; by: string; at: string } | null;
  responses: Note[];
}
interface UnitView {
  roundId: string;
  unitCode: string;
  criteria: { id: string; version: number };
  selfAssessmentDeadline: string;
  responseWindowHours: number;
  state: UnitState;
  totals: {
    self: Points;
    appraised: Points | null;
    formula: Points | null;
    fields: { code: string; title: string; maxPoints: number; self: Points; counted: Points }[];
  };
  leaves: Leaf[];
  responses: Note[];
  history: {
    kind: 'self' | 'appraisal' | 'response';
    id: string;
    at: string;
    by: string;
    criterionCode: string | null;
    score: string | null;
    reason: string | null;
  }[];
}
interface AuditEntry {
  id: string;
  at: string;
  by: string;
  action: string;
  target?: string;
  reason?: string;
}

const STATUS: Record<Status, string> = {
  draft: 'Đang tự chấm',
  submitted: 'Đã nộp, chờ thẩm định',
  appraised: 'Đã công bố thẩm định',
  finalised: 'Đã chốt',
};
/** The five steps the Sở follows; "responded" is the published state once the unit has answered. */
export const statusLabel = (state: Pick<UnitState, 'status' | 'respondedAt'> | null): string =>
  !state
    ? STATUS.draft
    : state.status === 'appraised' && state.respondedAt
      ? 'Đơn vị đã phản hồi'
      : STATUS[state.status];

const METHOD: Record<Method, string> = {
  appraisal: 'Tự đánh giá, Sở thẩm định',
  survey: 'Điều tra xã hội học',
  formula: 'Số liệu (Sở nhập)',
};
const KIND: Record<UnitView['history'][number]['kind'], string> = {
  self: 'Tự chấm',
  appraisal: 'Thẩm định',
  response: 'Phản hồi của đơn vị',
};

const num = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? '—' : formatNumber(typeof v === 'number' ? v : Number(v));
const pts = (p: Points | null | undefined): string =>
  p ? `${formatNumber(p.achieved)} / ${formatNumber(p.applicableMax)}` : '—';
const isMissing = (e: unknown, code: string) => e instanceof ApiError && e.code === code;

export function ParTab({ round, user, unitCode }: { round: Round; user: User; unitCode?: string }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}`;
  const setup = useLoad(
    (signal) =>
      get<RoundCriteria>(`${path}/par-criteria`, signal).catch((e: unknown) => {
        if (isMissing(e, 'NO_PAR_CRITERIA')) return null;
        throw e;
      }),
    [path],
  );
  if (unitCode) return <ParUnit round={round} user={user} unitCode={unitCode} setup={setup.data ?? null} />;
  return (
    <div>
      {setup.loading && setup.data === undefined ? <Progress label="Đang tải bộ tiêu chí của đợt" /> : null}
      <ErrorBox error={setup.error} action="Tải bộ tiêu chí của đợt" />
      {setup.data !== undefined ? (
        <>
          <CriteriaFacts setup={setup.data} />
          {can.manageParCriteria(user) ? (
            <CriteriaSetup round={round} setup={setup.data} onDone={setup.reload} />
          ) : null}
          {setup.data ? <UnitList round={round} user={user} /> : null}
        </>
      ) : null}
    </div>
  );
}

function CriteriaFacts({ setup }: { setup: RoundCriteria | null }) {
  if (!setup)
    return <p class="notice">Đợt đánh giá này chưa được gắn bộ tiêu chí Chỉ số cải cách hành chính.</p>;
  return (
    <section aria-labelledby="par-criteria-h">
      <h2 id="par-criteria-h">Bộ tiêu chí của đợt</h2>
      <dl class="facts">
        <div>
          <dt>Bộ tiêu chí</dt>
          <dd>
            {setup.config.title} ({setup.criteria.id}, phiên bản {setup.criteria.version})
          </dd>
        </div>
        <div>
          <dt>Tổng điểm tối đa</dt>
          <dd>{formatNumber(setup.config.declaredMaxPoints)}</dd>
        </div>
        <div>
          <dt>Hạn tự đánh giá</dt>
          <dd>{formatDateTime(setup.selfAssessmentDeadline)}</dd>
        </div>
        <div>
          <dt>Thời hạn phản hồi</dt>
          <dd>{formatNumber(setup.responseWindowHours, 0)} giờ sau khi công bố thẩm định</dd>
        </div>
      </dl>
    </section>
  );
}

/** The Sở: import a criteria CSV (a new version when it changed), then attach a version to the round. */
function CriteriaSetup({
  round,
  setup,
  onDone,
}: {
  round: Round;
  setup: RoundCriteria | null;
  onDone: () => void;
}) {
  const versions = useLoad(
    (signal) => get<{ items: CriteriaSummary[] }>('/api/par-criteria', signal).then((r) => r.items),
    [],
  );
  const [file, setFile] = useState<File | null>(null);
  const [meta, setMeta] = useState({ id: '', title: '', level: 'department', year: String(round.year) });
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<unknown>(null);
  const [imported, setImported] = useState<string>('');
  const [chosen, setChosen] = useState(setup ? `${setup.criteria.id}#${setup.criteria.version}` : '');
  const [deadline, setDeadline] = useState(
    setup ? new Date(setup.selfAssessmentDeadline).toISOString().slice(0, 10) : '',
  );
  const [windowHours, setWindowHours] = useState(String(setup?.responseWindowHours ?? 120));
  const [attaching, setAttaching] = useState(false);
  const [attachError, setAttachError] = useState<unknown>(null);

  const sendCsv = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setImporting(true);
    setImportError(null);
    setImported('');
    try {
      const q = new URLSearchParams({
        id: meta.id.trim(),
        year: meta.year,
        level: meta.level,
        title: meta.title,
      });
      const res = await upload<CriteriaSummary & { created: boolean }>(
        'POST',
        `/api/par-criteria?${q}`,
        file,
        { contentType: 'text/csv', withAuth: true, onProgress: () => {} },
      );
      setImported(
        `${res.created ? 'Đã nhập' : 'Nội dung đã có'}: ${res.title} (${res.id}, phiên bản ${res.version}, tổng ${formatNumber(res.declaredMaxPoints)} điểm).`,
      );
      setChosen(`${res.id}#${res.version}`);
      versions.reload();
    } catch (err) {
      setImportError(err);
    } finally {
      setImporting(false);
    }
  };

  const attach = async (e: Event) => {
    e.preventDefault();
    setAttaching(true);
    setAttachError(null);
    try {
      const at = chosen.lastIndexOf('#');
      await request('PUT', `/api/rounds/${encodeURIComponent(round.id)}/par-criteria`, {
        json: {
          id: chosen.slice(0, at),
          version: Number(chosen.slice(at + 1)),
          selfAssessmentDeadline: deadline ? endOfVietnamDay(deadline) : '',
          responseWindowHours: Number(windowHours),
        },
      });
      onDone();
    } catch (err) {
      setAttachError(err);
    } finally {
      setAttaching(false);
    }
  };

  return (
    <section aria-labelledby="par-setup-h">
      <h2 id="par-setup-h">Gắn bộ tiêu chí</h2>
      <form class="form" onSubmit={(e) => void sendCsv(e)} aria-labelledby="par-import-h">
        <h3 id="par-import-h">Nhập bộ tiêu chí từ tệp CSV</h3>
        <p class="hint">
          Mỗi dòng một tiêu chí: Mã; Mã cấp trên; Nội dung; Điểm tối đa; Phương pháp; Cần tài liệu kiểm chứng
          (ví dụ: docs/examples/par-criteria-2026.csv). Nội dung đổi dưới cùng mã thành phiên bản mới.
        </p>
        <div class="row">
          <div class="field">
            <label for="pc-id">Mã bộ tiêu chí</label>
            <input
              id="pc-id"
              required
              value={meta.id}
              onInput={(e) => setMeta({ ...meta, id: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="pc-title">Tên bộ tiêu chí</label>
            <input
              id="pc-title"
              required
              value={meta.title}
              onInput={(e) => setMeta({ ...meta, title: e.currentTarget.value })}
            />
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="pc-year">Năm</label>
            <input
              id="pc-year"
              inputMode="numeric"
              required
              value={meta.year}
              onInput={(e) => setMeta({ ...meta, year: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="pc-level">Cấp được đánh giá</label>
            <select
              id="pc-level"
              value={meta.level}
              onChange={(e) => setMeta({ ...meta, level: e.currentTarget.value })}
            >
              <option value="department">Sở, ban, ngành</option>
              <option value="district">Cấp huyện</option>
              <option value="commune">Cấp xã</option>
              <option value="province">Cấp tỉnh</option>
            </select>
          </div>
        </div>
        <div class="field">
          <label for="pc-file">Tệp CSV bộ tiêu chí</label>
          <input
            id="pc-file"
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        {importing ? <Progress label="Đang nhập bộ tiêu chí" /> : null}
        <ErrorBox error={importError} action="Nhập bộ tiêu chí" />
        {imported ? (
          <p class="status-line" role="status">
            {imported}
          </p>
        ) : null}
        <p>
          <button type="submit" disabled={importing || !file}>
            Nhập bộ tiêu chí
          </button>
        </p>
      </form>
      <form class="form" onSubmit={(e) => void attach(e)} aria-labelledby="par-attach-h">
        <h3 id="par-attach-h">Chọn phiên bản cho đợt</h3>
        <ErrorBox error={versions.error} action="Tải danh sách bộ tiêu chí" />
        <div class="field">
          <label for="pc-version">Bộ tiêu chí và phiên bản</label>
          <select id="pc-version" required value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
            <option value="">— Chọn —</option>
            {(versions.data ?? []).map((c) => (
              // `selected` too: a version just imported is chosen before the reloaded list has its option.
              <option
                key={`${c.id}#${c.version}`}
                value={`${c.id}#${c.version}`}
                selected={`${c.id}#${c.version}` === chosen}
              >
                {c.title} · {c.id} · phiên bản {c.version} · {formatNumber(c.declaredMaxPoints)} điểm
              </option>
            ))}
          </select>
        </div>
        <div class="row">
          <div class="field">
            <label for="pc-deadline">Hạn tự đánh giá (hết ngày, giờ Việt Nam)</label>
            <input
              id="pc-deadline"
              type="date"
              required
              value={deadline}
              onInput={(e) => setDeadline(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="pc-window">Thời hạn phản hồi (giờ)</label>
            <input
              id="pc-window"
              inputMode="numeric"
              required
              value={windowHours}
              onInput={(e) => setWindowHours(e.currentTarget.value)}
            />
          </div>
        </div>
        {attaching ? <Progress label="Đang gắn bộ tiêu chí" /> : null}
        <ErrorBox error={attachError} action="Gắn bộ tiêu chí" />
        <p>
          <button type="submit" class="primary" disabled={attaching || !chosen}>
            Gắn bộ tiêu chí cho đợt
          </button>
        </p>
      </form>
    </section>
  );
}

function UnitList({ round, user }: { round: Round; user: User }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}/assessments`;
  const list = useLoad((signal) => get<{ units: UnitRow[] }>(path, signal).then((r) => r.units), [path]);
  const base = `${BASE}/rounds/${encodeURIComponent(round.id)}/par`;
  return (
    <section aria-labelledby="par-units-h">
      <h2 id="par-units-h">Đơn vị được đánh giá</h2>
      {list.loading && !list.data ? <Progress label="Đang tải trạng thái các đơn vị" /> : null}
      <ErrorBox error={list.error} action="Tải trạng thái các đơn vị" />
      {list.data ? (
        <DataTable
          caption={user.units === '*' ? 'Tự đánh giá của các đơn vị' : 'Tự đánh giá của đơn vị bạn'}
          rows={list.data}
          rowKey={(u) => u.unitCode}
          columns={[
            { key: 'code', label: 'Mã', value: (u) => u.unitCode },
            {
              key: 'name',
              label: 'Đơn vị',
              value: (u) => u.unitName,
              render: (u) => <a href={`${base}/${encodeURIComponent(u.unitCode)}`}>{u.unitName}</a>,
            },
            { key: 'status', label: 'Trạng thái', value: (u) => statusLabel(u.state) },
            {
              key: 'submitted',
              label: 'Ngày nộp',
              value: (u) => u.state?.submittedAt ?? '',
              render: (u) => formatDateTime(u.state?.submittedAt),
            },
            {
              key: 'response',
              label: 'Hạn phản hồi',
              value: (u) => u.state?.responseDeadline ?? '',
              render: (u) => formatDateTime(u.state?.responseDeadline),
            },
          ]}
        />
      ) : null}
    </section>
  );
}

/** One unit: totals, the criteria tree with each sub-criterion's scores and forms, the actions, the trail. */
function ParUnit({
  round,
  user,
  unitCode,
  setup,
}: {
  round: Round;
  user: User;
  unitCode: string;
  setup: RoundCriteria | null;
}) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}/assessments/${encodeURIComponent(unitCode)}`;
  const view = useLoad((signal) => get<UnitView>(path, signal), [path]);
  const unit = round.units.find((u) => u.code === unitCode);
  const v = view.data;
  const listHref = `${BASE}/rounds/${encodeURIComponent(round.id)}/par`;
  return (
    <div class="par-unit">
      <p>
        <a href={listHref}>‹ Danh sách đơn vị</a>
      </p>
      <h2>{seesUnit(user, unitCode) && unit ? `${unit.name} (${unitCode})` : `Đơn vị ${unitCode}`}</h2>
      {view.loading && !v ? <Progress label="Đang tải bản tự đánh giá" /> : null}
      <ErrorBox error={view.error} action="Tải bản tự đánh giá của đơn vị" />
      {v && setup ? (
        <UnitBody round={round} user={user} view={v} setup={setup} path={path} onChange={view.reload} />
      ) : null}
    </div>
  );
}

function UnitBody({
  user,
  view,
  setup,
  path,
  onChange,
}: {
  round: Round;
  user: User;
  view: UnitView;
  setup: RoundCriteria;
  path: string;
  onChange: () => void;
}) {
  const status = view.state.status;
  const now = Date.now();
  const beforeDeadline = now <= Date.parse(view.selfAssessmentDeadline);
  const focal = can.selfAssessPar(user, view.unitCode);
  const canSelf = focal && status === 'draft' && beforeDeadline;
  const canAppraise = can.appraisePar(user) && (status === 'submitted' || status === 'appraised');
  const windowOpen =
    status === 'appraised' &&
    view.state.responseDeadline !== undefined &&
    now <= Date.parse(view.state.responseDeadline);
  const leaves = new Map(view.leaves.map((l) => [l.code, l]));
  return (
    <>
      <dl class="facts">
        <div>
          <dt>Trạng thái</dt>
          <dd>
            <span class="badge">{statusLabel(view.state)}</span>
          </dd>
        </div>
        <div>
          <dt>Hạn tự đánh giá</dt>
          <dd>{formatDateTime(view.selfAssessmentDeadline)}</dd>
        </div>
        {view.state.submittedAt ? (
          <div>
            <dt>Đã nộp</dt>
            <dd>
              {formatDateTime(view.state.submittedAt)} · {view.state.submittedBy}
            </dd>
          </div>
        ) : null}
        {view.state.responseDeadline ? (
          <div>
            <dt>Hạn phản hồi</dt>
            <dd>{formatDateTime(view.state.responseDeadline)}</dd>
          </div>
        ) : null}
        {view.state.finalisedAt ? (
          <div>
            <dt>Đã chốt</dt>
            <dd>
              {formatDateTime(view.state.finalisedAt)} · {view.state.finalisedBy}
            </dd>
          </div>
        ) : null}
      </dl>
      <h3>Tổng điểm</h3>
      <dl class="counts par-totals">
        <div>
          <dt>Tự chấm (phần thẩm định)</dt>
          <dd data-total="self">{pts(view.totals.self)}</dd>
        </div>
        {view.totals.appraised ? (
          <div>
            <dt>Sau thẩm định</dt>
            <dd data-total="appraised">{pts(view.totals.appraised)}</dd>
          </div>
        ) : null}
        {view.totals.formula && (view.totals.formula.applicableMax ?? 0) > 0 ? (
          <div>
            <dt>Tiêu chí số liệu</dt>
            <dd data-total="formula">{pts(view.totals.formula)}</dd>
          </div>
        ) : null}
      </dl>
      <p class="hint">
        Điểm do máy chủ tổng hợp (tiêu chí chưa chấm tính 0). Điều tra xã hội học được tính khi Sở tính điểm
        đợt.
      </p>
      <DataTable
        caption="Điểm theo lĩnh vực"
        rows={view.totals.fields}
        rowKey={(f) => f.code}
        columns={[
          { key: 'code', label: 'Mã', value: (f) => f.code },
          { key: 'title', label: 'Lĩnh vực', value: (f) => f.title },
          { key: 'self', label: 'Tự chấm', value: (f) => f.self.achieved, render: (f) => pts(f.self) },
          {
            key: 'counted',
            label: 'Được tính',
            value: (f) => f.counted.achieved,
            render: (f) => pts(f.counted),
          },
        ]}
      />
      {canSelf ? (
        <p class="notice">
          Chấm từng tiêu chí thành phần kèm tài liệu kiểm chứng, rồi bấm «Nộp bản tự đánh giá» trước hạn.
        </p>
      ) : null}
      {focal && status === 'draft' && !beforeDeadline ? <p class="notice">Đã hết hạn tự đánh giá.</p> : null}
      <h3>Bộ tiêu chí</h3>
      <div class="par-tree">
        {setup.config.fields.map((f) => (
          <Node
            key={f.code}
            node={f}
            depth={0}
            leaves={leaves}
            edit={{ canSelf, canAppraise, path, onChange }}
          />
        ))}
      </div>
      <Actions
        user={user}
        view={view}
        path={path}
        onChange={onChange}
        canSelf={canSelf}
        windowOpen={windowOpen}
      />
      {view.responses.length > 0 ? (
        <>
          <h3>Phản hồi chung của đơn vị</h3>
          <ul>
            {view.responses.map((r) => (
              <li key={r.at}>
                {r.note} — {r.by}, {formatDateTime(r.at)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Trail user={user} view={view} path={path} />
    </>
  );
}

interface EditProps {
  canSelf: boolean;
  canAppraise: boolean;
  path: string;
  onChange: () => void;
}

function Node({
  node,
  depth,
  leaves,
  edit,
}: {
  node: CriterionNode;
  depth: number;
  leaves: Map<string, Leaf>;
  edit: EditProps;
}) {
  const H = depth === 0 ? 'h4' : depth === 1 ? 'h5' : 'h6';
  const heading = (
    <H class="par-node-h">
      <span class="par-code">{node.code}</span> {node.title}{' '}
      <span class="par-max">(tối đa {formatNumber(node.maxPoints)} điểm)</span>
    </H>
  );
  if (node.children)
    return (
      <section class={`par-node depth-${depth}`} aria-label={`${node.code} ${node.title}`}>
        {heading}
        {node.children.map((c) => (
          <Node key={c.code} node={c} depth={depth + 1} leaves={leaves} edit={edit} />
        ))}
      </section>
    );
  const leaf = leaves.get(node.code);
  return (
    <section
      class={`par-leaf depth-${depth}`}
      aria-label={`Tiêu chí ${node.code}`}
      data-criterion={node.code}
    >
      {heading}
      {leaf ? <LeafBody leaf={leaf} edit={edit} /> : null}
    </section>
  );
}

function LeafBody({ leaf, edit }: { leaf: Leaf; edit: EditProps }) {
  return (
    <>
      <p class="hint">
        {METHOD[leaf.method]}
        {leaf.method === 'appraisal' && leaf.evidenceRequired ? ' · cần tài liệu kiểm chứng' : ''}
        {!leaf.applicable ? ' · không áp dụng' : ''}
      </p>
      {leaf.method === 'appraisal' ? (
        <dl class="facts par-scores">
          <div>
            <dt>Điểm tự chấm</dt>
            <dd data-score="self">{num(leaf.self?.score)}</dd>
          </div>
          {leaf.self ? (
            <div>
              <dt>Kiểm chứng</dt>
              <dd>
                {leaf.self.evidence.note ? <span>{leaf.self.evidence.note}</span> : null}
                {leaf.self.evidence.links.map((l) => (
                  <span key={l}>
                    {' '}
                    <a href={l} rel="noreferrer noopener" target="_blank">
                      {l}
                    </a>
                  </span>
                ))}
                {leaf.self.files.map((f) => (
                  <span key={f.key}>
                    {' '}
                    <a href={f.url} rel="noreferrer noopener" target="_blank">
                      Tệp: {f.key.split('/').at(-1)}
                    </a>
                  </span>
                ))}
              </dd>
            </div>
          ) : null}
          {leaf.appraisal ? (
            <>
              <div>
                <dt>Điểm thẩm định</dt>
                <dd data-score="appraised">{num(leaf.appraisal.adjustedScore)}</dd>
              </div>
              <div>
                <dt>Lý do điều chỉnh</dt>
                <dd data-reason>
                  {leaf.appraisal.reason} — {leaf.appraisal.by}, {formatDateTime(leaf.appraisal.at)}
                </dd>
              </div>
            </>
          ) : null}
        </dl>
      ) : leaf.method === 'formula' && leaf.appraisal ? (
        <dl class="facts par-scores">
          <div>
            <dt>Số liệu</dt>
            <dd data-score="appraised">{num(leaf.appraisal.adjustedScore)}</dd>
          </div>
          <div>
            <dt>Nguồn</dt>
            <dd data-reason>{leaf.appraisal.reason}</dd>
          </div>
        </dl>
      ) : null}
      {leaf.responses.map((r) => (
        <p key={r.at} class="notice">
          Phản hồi của đơn vị: {r.note} — {r.by}, {formatDateTime(r.at)}
        </p>
      ))}
      {edit.canSelf && leaf.method === 'appraisal' && leaf.applicable ? (
        <SelfForm leaf={leaf} edit={edit} />
      ) : null}
      {edit.canAppraise && leaf.method !== 'survey' && leaf.applicable ? (
        <AppraiseForm leaf={leaf} edit={edit} />
      ) : null}
    </>
  );
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

function SelfForm({ leaf, edit }: { leaf: Leaf; edit: EditProps }) {
  const id = `self-${leaf.code.replace(/[^A-Za-z0-9]/g, '-')}`;
  const [score, setScore] = useState(leaf.self ? String(leaf.self.score).replace('.', ',') : '');
  const [note, setNote] = useState(leaf.self?.evidence.note ?? '');
  const [links, setLinks] = useState((leaf.self?.evidence.links ?? []).join('\n'));
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const fileKeys = [...(leaf.self?.evidence.fileKeys ?? [])];
      if (file) {
        setSent(0);
        const grant = await request<{ fileKey: string; uploadUrl: string; headers: Record<string, string> }>(
          'POST',
          `${edit.path}/evidence-uploads`,
          {
            json: {
              filename: file.name,
              contentType: file.type || 'application/octet-stream',
              size: file.size,
            },
          },
        );
        await upload('PUT', grant.uploadUrl, file, {
          contentType: grant.headers['content-type'] ?? (file.type || 'application/octet-stream'),
          withAuth: false,
          onProgress: setSent,
        });
        fileKeys.push(grant.fileKey);
      }
      await request('PUT', `${edit.path}/self/${encodeURIComponent(leaf.code)}`, {
        json: {
          score: score.trim(),
          evidence: { ...(note.trim() ? { note: note.trim() } : {}), links: lines(links), fileKeys },
        },
      });
      setFile(null);
      edit.onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setSent(null);
    }
  };
  return (
    <form class="par-form" onSubmit={(e) => void save(e)} aria-label={`Tự chấm tiêu chí ${leaf.code}`}>
      <div class="row">
        <div class="field">
          <label for={`${id}-score`}>
            Điểm tự chấm {leaf.code} (0–{formatNumber(leaf.maxPoints)})
          </label>
          <input
            id={`${id}-score`}
            inputMode="decimal"
            required
            value={score}
            aria-describedby={error ? `${id}-err` : undefined}
            onInput={(e) => setScore(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-file`}>Tệp kiểm chứng {leaf.code} (tùy chọn)</label>
          <input
            id={`${id}-file`}
            type="file"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
      </div>
      <div class="field">
        <label for={`${id}-note`}>Ghi chú kiểm chứng {leaf.code}</label>
        <textarea id={`${id}-note`} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${id}-links`}>Đường dẫn văn bản {leaf.code} (mỗi dòng một đường dẫn)</label>
        <textarea
          id={`${id}-links`}
          rows={2}
          value={links}
          onInput={(e) => setLinks(e.currentTarget.value)}
        />
      </div>
      {sent !== null ? <Progress label="Đang tải tệp kiểm chứng" value={sent} /> : null}
      {busy && sent === null ? <Progress label="Đang lưu điểm tự chấm" /> : null}
      <ErrorBox error={error} action={`Lưu điểm tự chấm ${leaf.code}`} id={`${id}-err`} />
      <p>
        <button type="submit" disabled={busy}>
          Lưu điểm tự chấm {leaf.code}
        </button>
      </p>
    </form>
  );
}

function AppraiseForm({ leaf, edit }: { leaf: Leaf; edit: EditProps }) {
  const id = `ap-${leaf.code.replace(/[^A-Za-z0-9]/g, '-')}`;
  const [score, setScore] = useState(
    leaf.appraisal ? String(leaf.appraisal.adjustedScore).replace('.', ',') : '',
  );
  const [reason, setReason] = useState(leaf.appraisal?.reason ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request('PUT', `${edit.path}/appraisal/${encodeURIComponent(leaf.code)}`, {
        json: { adjustedScore: score.trim(), reason: reason.trim() },
      });
      edit.onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const formula = leaf.method === 'formula';
  return (
    <form
      class="par-form appraise"
      onSubmit={(e) => void save(e)}
      aria-label={`Thẩm định tiêu chí ${leaf.code}`}
    >
      <div class="row">
        <div class="field">
          <label for={`${id}-score`}>
            {formula ? 'Điểm theo số liệu' : 'Điểm thẩm định'} {leaf.code} (0–{formatNumber(leaf.maxPoints)})
          </label>
          <input
            id={`${id}-score`}
            inputMode="decimal"
            required
            value={score}
            onInput={(e) => setScore(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-reason`}>
            {formula ? 'Nguồn số liệu' : 'Lý do điều chỉnh'} {leaf.code} (bắt buộc)
          </label>
          <input
            id={`${id}-reason`}
            required
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
      </div>
      {busy ? <Progress label="Đang lưu thẩm định" /> : null}
      <ErrorBox error={error} action={`Lưu thẩm định ${leaf.code}`} />
      <p>
        <button type="submit" disabled={busy}>
          Lưu thẩm định {leaf.code}
        </button>
      </p>
    </form>
  );
}

/** Submit (the unit), publish (the Sở), respond (the unit, within the window), finalise (the Sở). */
function Actions({
  user,
  view,
  path,
  onChange,
  canSelf,
  windowOpen,
}: {
  user: User;
  view: UnitView;
  path: string;
  onChange: () => void;
  canSelf: boolean;
  windowOpen: boolean;
}) {
  const [busy, setBusy] = useState('');
  const [error, setError] = useState<{ action: string; error: unknown } | null>(null);
  const [note, setNote] = useState('');
  const [criterion, setCriterion] = useState('');
  const status = view.state.status;
  const run = async (action: string, label: string, json?: unknown) => {
    setBusy(label);
    setError(null);
    try {
      await request('POST', `${path}/${action}`, json === undefined ? {} : { json });
      if (action === 'response') setNote('');
      onChange();
    } catch (err) {
      setError({ action: label, error: err });
    } finally {
      setBusy('');
    }
  };
  const canRespond = can.selfAssessPar(user, view.unitCode) && windowOpen;
  const canPublish = can.appraisePar(user) && status === 'submitted';
  const canFinalise = can.appraisePar(user) && status === 'appraised';
  if (!canSelf && !canRespond && !canPublish && !canFinalise) return null;
  return (
    <section aria-labelledby="par-actions-h">
      <h3 id="par-actions-h">Thao tác</h3>
      {canSelf ? (
        <p>
          <button
            type="button"
            class="primary"
            disabled={busy !== ''}
            onClick={() => void run('submit', 'Nộp bản tự đánh giá')}
          >
            Nộp bản tự đánh giá
          </button>
        </p>
      ) : null}
      {canPublish ? (
        <p>
          <button
            type="button"
            class="primary"
            disabled={busy !== ''}
            onClick={() => void run('publish-appraisal', 'Công bố kết quả thẩm định')}
          >
            Công bố kết quả thẩm định
          </button>
        </p>
      ) : null}
      {canRespond ? (
        <form
          class="form"
          aria-labelledby="par-respond-h"
          onSubmit={(e) => {
            e.preventDefault();
            void run('response', 'Gửi phản hồi', {
              note: note.trim(),
              ...(criterion ? { criterionCode: criterion } : {}),
            });
          }}
        >
          <h4 id="par-respond-h">
            Phản hồi kết quả thẩm định (đến {formatDateTime(view.state.responseDeadline)})
          </h4>
          <div class="field">
            <label for="par-resp-criterion">Về tiêu chí</label>
            <select
              id="par-resp-criterion"
              value={criterion}
              onChange={(e) => setCriterion(e.currentTarget.value)}
            >
              <option value="">Chung cho cả bản đánh giá</option>
              {view.leaves
                .filter((l) => l.appraisal)
                .map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.code} {l.title}
                  </option>
                ))}
            </select>
          </div>
          <div class="field">
            <label for="par-resp-note">Nội dung phản hồi</label>
            <textarea
              id="par-resp-note"
              rows={3}
              required
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </div>
          <p>
            <button type="submit" disabled={busy !== ''}>
              Gửi phản hồi
            </button>
          </p>
        </form>
      ) : null}
      {canFinalise ? (
        <p>
          <button
            type="button"
            class="primary"
            disabled={busy !== ''}
            onClick={() => void run('finalise', 'Chốt kết quả')}
          >
            Chốt kết quả
          </button>
        </p>
      ) : null}
      {busy ? <Progress label={`Đang thực hiện: ${busy}`} /> : null}
      <ErrorBox error={error?.error} action={error?.action ?? ''} />
    </section>
  );
}

/** Who did what, when and why: the unit's entries (everyone who sees the unit), the audit (the Sở, viewers). */
function Trail({ user, view, path }: { user: User; view: UnitView; path: string }) {
  const auditPath = `${path.replace(/\/assessments\/[^/]+$/, '')}/assessment-audit`;
  const audit = useLoad(
    async (signal) =>
      can.readParAudit(user)
        ? (await get<{ entries: AuditEntry[] }>(auditPath, signal)).entries.filter(
            (e) => e.target === view.unitCode || e.target?.startsWith(`${view.unitCode}/`),
          )
        : null,
    [auditPath, view.state.updatedAt, view.history.length],
  );
  return (
    <section aria-labelledby="par-trail-h">
      <h3 id="par-trail-h">Lịch sử chấm điểm</h3>
      <DataTable
        caption="Lịch sử chấm điểm của đơn vị"
        rows={[...view.history].reverse()}
        rowKey={(h) => h.id}
        pageSize={10}
        empty="Chưa có lần chấm nào."
        columns={[
          { key: 'at', label: 'Thời điểm', value: (h) => h.at, render: (h) => formatDateTime(h.at) },
          { key: 'by', label: 'Người thực hiện', value: (h) => h.by },
          { key: 'kind', label: 'Loại', value: (h) => KIND[h.kind] },
          { key: 'criterion', label: 'Tiêu chí', value: (h) => h.criterionCode ?? '' },
          {
            key: 'score',
            label: 'Điểm',
            value: (h) => (h.score === null ? null : Number(h.score)),
            render: (h) => num(h.score),
          },
          { key: 'reason', label: 'Lý do / nội dung', value: (h) => h.reason ?? '' },
        ]}
      />
      {can.readParAudit(user) ? (
        <>
          {audit.loading && !audit.data ? <Progress label="Đang tải nhật ký thẩm định" /> : null}
          <ErrorBox error={audit.error} action="Tải nhật ký thẩm định" />
          {audit.data ? (
            <DataTable
              caption="Nhật ký thao tác về đơn vị"
              rows={[...audit.data].reverse()}
              rowKey={(e) => e.id}
              pageSize={10}
              columns={[
                { key: 'at', label: 'Thời điểm', value: (e) => e.at, render: (e) => formatDateTime(e.at) },
                { key: 'by', label: 'Người thực hiện', value: (e) => e.by },
                { key: 'action', label: 'Thao tác', value: (e) => actionLabel(e.action) },
                { key: 'target', label: 'Đối tượng', value: (e) => e.target ?? '' },
                { key: 'reason', label: 'Lý do', value: (e) => e.reason ?? '' },
              ]}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}
