/**
 * Paper entry: a returned paper form keyed by the code printed on it, in the form's own layout and
 * keyboard-first (Tab between questions, arrow keys inside a scale). With the round's double entry a
 * second operator keys the same form blind; a supervisor (admin) resolves the questions that differ.
 */
import { useState } from 'preact/hooks';
import { get, request } from '../api.ts';
import { can, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDateTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import type { Round } from '../types.ts';

interface Question {
  id: string;
  type: 'scale' | 'single' | 'multi' | 'text';
  text: string;
  required?: boolean;
  options?: { value: string; label: string }[];
}
interface Template {
  scale: { min: number; max: number; labels: string[] };
  sections: { title: string; questions: Question[] }[];
}
type Value = number | string | string[];
interface Mismatch {
  questionId: string;
  number?: string;
  text?: string;
  first?: Value | null;
  second?: Value | null;
}
interface PaperForm {
  formId: string;
  unitCode: string;
  fieldCode: string;
  status: 'awaiting-second' | 'mismatch' | 'stored';
  doubleEntry: boolean;
  entries: { pass: number; by: string; at: string }[];
  mismatches?: Mismatch[];
  receiptId?: string;
}

const STATUS: Record<PaperForm['status'], string> = {
  'awaiting-second': 'Chờ nhập lần 2',
  mismatch: 'Hai lần nhập lệch nhau — chờ giám sát viên',
  stored: 'Đã lưu',
};

const shown = (v: Value | null | undefined): string =>
  v === null || v === undefined ? '(bỏ trống)' : Array.isArray(v) ? v.join(', ') : String(v);

export function PaperEntryTab({ round, user }: { round: Round; user: User }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}`;
  const template = useLoad((signal) => get<Template>(`${path}/questionnaire`, signal), [path]);
  const [code, setCode] = useState('');
  const [pass, setPass] = useState<1 | 2>(1);
  const [answers, setAnswers] = useState<Record<string, Value>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<PaperForm | null>(null);
  const [formKey, setFormKey] = useState(0);
  const doubleEntry = Boolean(round.settings?.doubleEntry);

  const set = (id: string, v: Value | undefined) =>
    setAnswers((a) => {
      const next = { ...a };
      if (v === undefined || (Array.isArray(v) && v.length === 0) || v === '') delete next[id];
      else next[id] = v;
      return next;
    });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const form = await request<PaperForm>('POST', `${path}/paper-entries`, {
        json: { code, answers, ...(doubleEntry ? { pass } : {}) },
      });
      setResult(form);
      setAnswers({});
      setCode('');
      setFormKey((k) => k + 1);
      mismatches.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const mismatches = useLoad(
    (signal) =>
      can.resolvePaper(user)
        ? get<{ items: PaperForm[] }>(`${path}/paper-entries?status=mismatch`, signal)
        : Promise.resolve({ items: [] as PaperForm[] }),
    [path, user],
  );

  const t = template.data;
  return (
    <section aria-labelledby="paper-h" class="paper-entry">
      <h2 id="paper-h">Nhập phiếu giấy</h2>
      <p>
        Nhập phiếu giấy do bưu điện thu về theo mã in trên thư.
        {doubleEntry
          ? ' Đợt này nhập hai lần: lần 2 do một cán bộ khác nhập độc lập; các câu lệch nhau do giám sát viên quyết định.'
          : ' Phiếu được lưu ngay khi hợp lệ.'}
      </p>
      {template.loading && !t ? <Progress label="Đang tải mẫu phiếu" /> : null}
      <ErrorBox error={template.error} action="Tải mẫu phiếu" />
      {t ? (
        <form key={formKey} onSubmit={(e) => void submit(e)} aria-describedby="paper-h">
          <div class="field">
            <label for="paper-code">Mã phiếu in trên thư</label>
            <input
              id="paper-code"
              value={code}
              autoComplete="off"
              spellcheck={false}
              onInput={(e) => setCode(e.currentTarget.value)}
              required
            />
          </div>
          {doubleEntry ? (
            <div class="field">
              <label for="paper-pass">Lần nhập</label>
              <select
                id="paper-pass"
                value={String(pass)}
                onChange={(e) => setPass(e.currentTarget.value === '2' ? 2 : 1)}
              >
                <option value="1">Lần 1</option>
                <option value="2">Lần 2 (nhập độc lập)</option>
              </select>
            </div>
          ) : null}
          {t.sections.map((s) => (
            <fieldset key={s.title} class="paper-section">
              <legend>{s.title}</legend>
              {s.questions.map((q) => (
                <QuestionInput
                  key={q.id}
                  q={q}
                  scale={t.scale}
                  value={answers[q.id]}
                  onChange={(v) => set(q.id, v)}
                />
              ))}
            </fieldset>
          ))}
          <ErrorBox error={error} action="Lưu phiếu giấy" id="paper-error" />
          <p>
            <button type="submit" disabled={busy}>
              Lưu phiếu giấy
            </button>
          </p>
        </form>
      ) : null}
      {result ? (
        <p role="status" class="ok">
          Phiếu {result.formId}: {STATUS[result.status]}
          {result.receiptId ? ` (biên nhận ${result.receiptId})` : ''}
          {result.status === 'mismatch' ? ` — ${result.mismatches?.length ?? 0} câu lệch nhau.` : '.'}
        </p>
      ) : null}
      {can.resolvePaper(user) ? (
        <Resolutions path={path} forms={mismatches.data?.items ?? []} onDone={mismatches.reload} />
      ) : null}
    </section>
  );
}

function QuestionInput({
  q,
  scale,
  value,
  onChange,
}: {
  q: Question;
  scale: Template['scale'];
  value: Value | undefined;
  onChange: (v: Value | undefined) => void;
}) {
  const name = `pq-${q.id}`;
  if (q.type === 'text') {
    return (
      <div class="field">
        <label for={name}>{q.text}</label>
        <textarea
          id={name}
          value={typeof value === 'string' ? value : ''}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      </div>
    );
  }
  const choices =
    q.type === 'scale'
      ? scale.labels.map((label, i) => ({
          value: String(scale.min + i),
          label: `${scale.min + i} — ${label}`,
        }))
      : (q.options ?? []);
  const multi = q.type === 'multi';
  const selected = new Set(Array.isArray(value) ? value : value === undefined ? [] : [String(value)]);
  return (
    <fieldset class="paper-q" data-q={q.id}>
      <legend>
        {q.text}
        {q.required ? <span class="req"> (bắt buộc)</span> : null}
      </legend>
      <div class="choices">
        {choices.map((c) => (
          <label key={c.value}>
            <input
              type={multi ? 'checkbox' : 'radio'}
              name={name}
              value={c.value}
              checked={selected.has(c.value)}
              onChange={(e) => {
                if (multi) {
                  const next = new Set(selected);
                  if (e.currentTarget.checked) next.add(c.value);
                  else next.delete(c.value);
                  onChange([...next]);
                } else onChange(q.type === 'scale' ? Number(c.value) : c.value);
              }}
            />{' '}
            {c.label}
          </label>
        ))}
        {!multi ? (
          <label>
            <input
              type="radio"
              name={name}
              value=""
              checked={value === undefined}
              onChange={() => onChange(undefined)}
            />{' '}
            Bỏ trống
          </label>
        ) : null}
      </div>
    </fieldset>
  );
}

function Resolutions({ path, forms, onDone }: { path: string; forms: PaperForm[]; onDone: () => void }) {
  const [open, setOpen] = useState<string | null>(null);
  // Kept here, not in the form: once resolved, the form leaves the list (and its panel closes).
  const [done, setDone] = useState<string | null>(null);
  const form = forms.find((f) => f.formId === open) ?? null;
  return (
    <section aria-labelledby="resolve-h">
      <h3 id="resolve-h">Phiếu hai lần nhập lệch nhau</h3>
      <DataTable
        caption="Phiếu chờ giám sát viên xử lý"
        rows={forms}
        rowKey={(f) => f.formId}
        empty="Không có phiếu nào lệch nhau."
        columns={[
          { key: 'form', label: 'Phiếu', value: (f) => f.formId },
          { key: 'unit', label: 'Đơn vị', value: (f) => f.unitCode },
          { key: 'count', label: 'Số câu lệch', value: (f) => f.mismatches?.length ?? 0, numeric: true },
          {
            key: 'by',
            label: 'Người nhập',
            value: (f) => f.entries.map((e) => `${e.by} (${formatDateTime(e.at)})`).join('; '),
          },
          {
            key: 'act',
            label: 'Xử lý',
            value: () => '',
            render: (f) => (
              <button type="button" onClick={() => setOpen(f.formId)}>
                Xử lý phiếu {f.formId}
              </button>
            ),
          },
        ]}
      />
      {form ? (
        <Resolve
          key={form.formId}
          path={path}
          form={form}
          onDone={(message) => {
            setDone(message);
            setOpen(null);
            onDone();
          }}
        />
      ) : null}
      {done ? (
        <p role="status" class="ok">
          {done}
        </p>
      ) : null}
    </section>
  );
}

function Resolve({
  path,
  form,
  onDone,
}: {
  path: string;
  form: PaperForm;
  onDone: (message: string) => void;
}) {
  const [choice, setChoice] = useState<Record<string, 'first' | 'second'>>({});
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const resolution = Object.fromEntries(
      (form.mismatches ?? []).map((m) => [
        m.questionId,
        choice[m.questionId] === 'second' ? m.second : m.first,
      ]),
    );
    try {
      const stored = await request<PaperForm>(
        'POST',
        `${path}/paper-entries/${encodeURIComponent(form.formId)}/resolution`,
        { json: { resolution } },
      );
      onDone(`Đã lưu phiếu ${stored.formId}${stored.receiptId ? ` (biên nhận ${stored.receiptId})` : ''}.`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={`Xử lý phiếu ${form.formId}`}>
      {(form.mismatches ?? []).map((m) => (
        <fieldset key={m.questionId}>
          <legend>
            {m.number ? `${m.number}. ` : ''}
            {m.text ?? m.questionId}
          </legend>
          <label>
            <input
              type="radio"
              name={`res-${m.questionId}`}
              checked={choice[m.questionId] !== 'second'}
              onChange={() => setChoice((c) => ({ ...c, [m.questionId]: 'first' }))}
            />{' '}
            Lần 1: {shown(m.first)}
          </label>{' '}
          <label>
            <input
              type="radio"
              name={`res-${m.questionId}`}
              checked={choice[m.questionId] === 'second'}
              onChange={() => setChoice((c) => ({ ...c, [m.questionId]: 'second' }))}
            />{' '}
            Lần 2: {shown(m.second)}
          </label>
        </fieldset>
      ))}
      <ErrorBox error={error} action="Xử lý chênh lệch" />
      <p>
        <button type="submit">Lưu theo lựa chọn của giám sát viên</button>
      </p>
    </form>
  );
}
