/**
 * Paper entry (issue 10 §4): staff key in a returned paper form by its code; with the round's
 * `settings.doubleEntry` a second operator keys the same form blind (CSPro's double entry), the entries
 * are compared question by question (shared/domain/double-entry.ts) and a supervisor resolves each
 * mismatch. The answers become THE submission of the assignment once, after a match or a resolution,
 * in one transaction with the form's state and its audit entries.
 *
 * - exactly once per assignment across channels: a code already answered on the web is refused (409
 *   ANSWERED_ON_WEB), and the web refuses a stored paper form (409 ANSWERED_ON_PAPER);
 * - the same operator cannot key both passes (409 SAME_OPERATOR); the second pass never sees the first
 *   (only a supervisor — admin — sees entered values);
 * - operator ids and times are kept on the form, and every keyed/resolved value in its trail and in the
 *   round's audit (`AUDIT#roundId` in the submissions table).
 */
import { z } from 'zod';
import type { RoundAuditEntry } from '../../shared/contracts/audit.ts';
import { type SendScoringEvent, sendScoringEvent } from '../../shared/contracts/scoring-events.ts';
import {
  AnswerIssuesError,
  type Answers,
  type AnswerValue,
  type AuditEntry,
  allQuestions,
  auditEntrySchema,
  canEnterPaper,
  checkSubmission,
  compareEntries,
  type QuestionnaireTemplate,
  questionNumber,
  resolutionAudit,
  resolveEntry,
} from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import { canonicalJson, type Keys, sha256Hex } from '../../shared/platform/crypto.ts';
import {
  ConflictError,
  ForbiddenError,
  MalformedJsonError,
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import { loadRound, loadRoundTemplate, type RoundsReader } from '../../shared/tables/rounds.ts';
import type { SamplesReader } from '../../shared/tables/samples.ts';
import type {
  PaperFormRecord,
  StoredSubmission,
  SubmissionsReader,
} from '../../shared/tables/submissions.ts';
import { answersRefusal, RoundClosedError } from './accept-submission.ts';
import { resolveAssignment } from './assignment.ts';
import type { resolutionBodySchema } from './schemas.ts';
import type { PaperStore } from './store.ts';

export interface PaperDeps {
  samples: Pick<SamplesReader, 'findByTokenHash' | 'findByCodeHash'>;
  keys: () => Promise<Keys>;
  rounds: Pick<RoundsReader, 'get' | 'getQuestionnaire'>;
  submissions: Pick<SubmissionsReader, 'getByTokenHash' | 'getPaperForm' | 'listPaperForms'>;
  paper: PaperStore;
  send?: SendScoringEvent;
  now?: () => Date;
}

/** Top-level fields of a paper entry besides the answers. */
const ENTRY_FIELDS = ['code', 'pass'];

const isSupervisor = (p: Principal): boolean => p.roles.includes('admin');

const readJsonObject = (rawBody: Buffer, contentType: string): Record<string, unknown> => {
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError('Nội dung phải có Content-Type: application/json.');
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedJsonError();
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('Nội dung gửi lên phải là một đối tượng JSON.', undefined, 'INVALID_BODY');
  }
  return body as Record<string, unknown>;
};

const answeredOnWeb = (s: StoredSubmission) =>
  new ConflictError(
    'ANSWERED_ON_WEB',
    `Mã phiếu này đã được người khảo sát trả lời trực tuyến (biên nhận ${s.receiptId}); không nhập phiếu giấy cho mã này.`,
  );

const sameAnswers = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  canonicalJson(a) === canonicalJson(b);

const roundAudit = (
  form: Pick<PaperFormRecord, 'roundId' | 'formId'>,
  at: string,
  by: string,
  action: string,
  suffix: string,
  details?: Record<string, unknown>,
): RoundAuditEntry => ({
  roundId: form.roundId,
  at,
  id: `${form.formId}-${suffix}`,
  by,
  service: 'submission',
  action,
  target: `paper-form:${form.formId}`,
  ...(details ? { details } : {}),
});

const trailLine = (entry: AuditEntry): Record<string, unknown> => auditEntrySchema.parse(entry);

/** What a caller sees of a paper form: values only for a supervisor (the second pass is blind). */
export const paperFormView = (
  form: PaperFormRecord,
  principal: Principal,
  template?: QuestionnaireTemplate,
) => {
  const supervisor = isSupervisor(principal);
  const texts = new Map(template ? allQuestions(template).map((q) => [q.id, q.text]) : []);
  return {
    formId: form.formId,
    unitCode: form.unitCode,
    fieldCode: form.fieldCode,
    status: form.status,
    doubleEntry: form.doubleEntry,
    entries: [
      { pass: 1, by: form.first.by, at: form.first.at },
      ...(form.second ? [{ pass: 2, by: form.second.by, at: form.second.at }] : []),
    ],
    ...(form.mismatches
      ? {
          mismatchCount: form.mismatches.length,
          mismatches: form.mismatches.map((m) => ({
            questionId: m.questionId,
            ...(template ? { number: questionNumber(template, m.questionId) } : {}),
            ...(texts.has(m.questionId) ? { text: texts.get(m.questionId) } : {}),
            ...(supervisor ? { first: m.first, second: m.second } : {}),
          })),
        }
      : {}),
    ...(form.receiptId ? { receiptId: form.receiptId, storedAt: form.storedAt } : {}),
    ...(form.resolvedBy ? { resolvedBy: form.resolvedBy, resolvedAt: form.resolvedAt } : {}),
    trail: form.trail.map((line) => {
      if (supervisor) return line;
      const { before: _b, after: _a, ...rest } = line;
      return rest;
    }),
  };
};
export type PaperFormView = ReturnType<typeof paperFormView>;

/** Stores the form's answers as the submission (once), the form as stored, and their audit. */
const storeAnswers = async (
  form: PaperFormRecord,
  expectedVersion: number | null,
  answers: Answers,
  meta: { at: string; by: string; keyedBy: string[]; resolvedBy?: string },
  audit: RoundAuditEntry[],
  deps: PaperDeps,
): Promise<PaperFormRecord> => {
  const receiptId = newId('rcp');
  const submission: StoredSubmission = {
    tokenHash: form.tokenHash,
    roundId: form.roundId,
    sampleId: form.sampleId,
    unitCode: form.unitCode,
    fieldCode: form.fieldCode,
    templateId: form.templateId,
    answers,
    bodyHash: sha256Hex(canonicalJson(answers)),
    receiptId,
    channel: 'paper',
    submittedAt: meta.at,
    keyedBy: meta.keyedBy,
    ...(meta.resolvedBy ? { resolvedBy: meta.resolvedBy } : {}),
    paperFormId: form.formId,
  };
  const stored: PaperFormRecord = {
    ...form,
    status: 'stored',
    receiptId,
    storedAt: meta.at,
    version: (expectedVersion ?? 0) + 1,
  };
  const storedAudit = roundAudit(form, meta.at, meta.by, 'PAPER_FORM_STORED', 'stored', {
    receiptId,
    keyedBy: meta.keyedBy,
    ...(meta.resolvedBy ? { resolvedBy: meta.resolvedBy } : {}),
  });
  const out = await deps.paper.storeSubmission(submission, stored, expectedVersion, [...audit, storedAudit]);
  if (!out.stored) {
    if (out.existing.channel === 'web') throw answeredOnWeb(out.existing);
    throw new ConflictError('PAPER_ALREADY_STORED', 'Phiếu giấy của mã này đã được lưu.');
  }
  await (deps.send ?? sendScoringEvent)({
    kind: 'submission-accepted',
    roundId: submission.roundId,
    sampleId: submission.sampleId,
    unitCode: submission.unitCode,
    fieldCode: submission.fieldCode,
    tokenHash: submission.tokenHash,
    receiptId,
  });
  return stored;
};

const passOf = (value: unknown): 1 | 2 => {
  if (value === undefined || value === 1) return 1;
  if (value === 2) return 2;
  throw new ValidationError(
    'Lần nhập (pass) phải là 1 hoặc 2.',
    [
      {
        path: 'pass',
        code: 'INVALID_PASS',
        message: 'pass phải là 1 (lần nhập đầu) hoặc 2 (lần nhập thứ hai).',
      },
    ],
    'INVALID_PASS',
  );
};

/**
 * POST /api/rounds/{roundId}/paper-entries { code, answers, pass? }: one keying of a returned form.
 * 201 when this keying was recorded; 200 when the same operator re-sends the same keying.
 */
export const keyPaperEntry = async (
  roundId: string,
  request: { rawBody: Buffer; contentType: string },
  principal: Principal,
  deps: PaperDeps,
): Promise<{ created: boolean; form: PaperFormView }> => {
  const now = deps.now?.() ?? new Date();
  const at = now.toISOString();
  const me = principal.sub;
  const body = readJsonObject(request.rawBody, request.contentType);
  const pass = passOf(body.pass);
  if (typeof body.code !== 'string') {
    throw new ValidationError(
      'Thiếu mã phiếu (code) in trên phiếu giấy.',
      [{ path: 'code', code: 'PAPER_CODE_EMPTY', message: 'Hãy nhập mã in trên phiếu giấy.' }],
      'PAPER_CODE_EMPTY',
    );
  }
  const assignment = await resolveAssignment({ code: body.code }, deps);
  if (assignment.roundId !== roundId) {
    throw new NotFoundError('Mã phiếu này không thuộc đợt khảo sát đang nhập.', 'CODE_NOT_FOUND');
  }
  if (!canAccessUnit(principal, assignment.unitCode)) {
    throw new ForbiddenError('Bạn không có quyền nhập phiếu của đơn vị này.');
  }
  const round = await loadRound(roundId, deps.rounds);
  const decision = canEnterPaper(round, now);
  if (!decision.ok && decision.code === 'ROUND_CLOSED')
    throw new RoundClosedError(decision.code, decision.message);
  const template = await loadRoundTemplate(round, deps.rounds);
  const checked = checkSubmission(template, body, { allowedFields: ENTRY_FIELDS });
  if (!checked.ok) throw answersRefusal(checked.issues);
  const answers = checked.answers;
  const [existing, form] = await Promise.all([
    deps.submissions.getByTokenHash(assignment.tokenHash),
    deps.submissions.getPaperForm(assignment.tokenHash),
  ]);
  if (existing?.channel === 'web') throw answeredOnWeb(existing);
  const doubleEntry = round.settings.doubleEntry;

  if (pass === 1) {
    if (form) {
      if (form.first.by === me && sameAnswers(form.first.answers, answers))
        return { created: false, form: paperFormView(form, principal, template) };
      throw new ConflictError(
        'PAPER_ALREADY_KEYED',
        `Phiếu giấy mã này đã được nhập lần 1 lúc ${form.first.at}.${form.doubleEntry && !form.second ? ' Người nhập lần 2 hãy gửi "pass": 2.' : ''}`,
      );
    }
    const formId = newId('ppr');
    const created: PaperFormRecord = {
      formId,
      tokenHash: assignment.tokenHash,
      roundId,
      sampleId: assignment.sampleId,
      unitCode: assignment.unitCode,
      fieldCode: assignment.fieldCode,
      templateId: template.id,
      status: 'awaiting-second',
      doubleEntry,
      first: { by: me, at, answers },
      trail: [trailLine({ at, by: me, action: 'KEYED_FIRST' })],
      version: 1,
    };
    const keyed = roundAudit(created, at, me, 'PAPER_FORM_KEYED', 'k1', { pass: 1, doubleEntry });
    if (!doubleEntry) {
      const stored = await storeAnswers(created, null, answers, { at, by: me, keyedBy: [me] }, [keyed], deps);
      return { created: true, form: paperFormView(stored, principal, template) };
    }
    if (!(await deps.paper.createForm(created, [keyed]))) {
      throw new ConflictError('PAPER_ALREADY_KEYED', 'Phiếu giấy mã này vừa được người khác nhập lần 1.');
    }
    return { created: true, form: paperFormView(created, principal, template) };
  }

  // pass 2: blind, another operator, compared with the first.
  if (!doubleEntry && !form?.doubleEntry) {
    throw new ConflictError(
      'DOUBLE_ENTRY_OFF',
      'Đợt khảo sát này nhập phiếu giấy một lần; không có lần nhập thứ hai.',
    );
  }
  if (!form) {
    throw new ConflictError('FIRST_ENTRY_MISSING', 'Phiếu giấy mã này chưa được nhập lần 1.');
  }
  if (form.second) {
    if (form.second.by === me && sameAnswers(form.second.answers, answers))
      return { created: false, form: paperFormView(form, principal, template) };
    throw new ConflictError(
      'PAPER_ALREADY_KEYED',
      `Phiếu giấy mã này đã được nhập lần 2 lúc ${form.second.at}.`,
    );
  }
  if (form.first.by === me) {
    throw new ConflictError(
      'SAME_OPERATOR',
      'Lần nhập thứ hai phải do một người khác với người đã nhập lần 1.',
    );
  }
  const comparison = compareEntries(template, form.first.answers as Answers, answers);
  const next: PaperFormRecord = {
    ...form,
    second: { by: me, at, answers },
    trail: [...form.trail, trailLine({ at, by: me, action: 'KEYED_SECOND' })],
  };
  const keyed = roundAudit(form, at, me, 'PAPER_FORM_KEYED', 'k2', { pass: 2 });
  if (comparison.match) {
    const stored = await storeAnswers(
      next,
      form.version,
      form.first.answers as Answers,
      { at, by: me, keyedBy: [form.first.by, me] },
      [keyed],
      deps,
    );
    return { created: true, form: paperFormView(stored, principal, template) };
  }
  const mismatched: PaperFormRecord = {
    ...next,
    status: 'mismatch',
    mismatches: comparison.mismatches,
    version: form.version + 1,
  };
  await deps.paper.updateForm(mismatched, form.version, [
    keyed,
    roundAudit(form, at, me, 'PAPER_FORM_MISMATCH', 'mm', {
      questions: comparison.mismatches.map((m) => m.questionId),
    }),
  ]);
  return { created: true, form: paperFormView(mismatched, principal, template) };
};

/** A paper form by its code (as typed from the paper) or its form id (`ppr_…`, from a listing). */
export const findForm = async (roundId: string, ref: string, deps: PaperDeps): Promise<PaperFormRecord> => {
  let form: PaperFormRecord | null | undefined;
  if (/^ppr_[0-9a-z]+$/.test(ref)) {
    form = (await deps.submissions.listPaperForms(roundId)).find((f) => f.formId === ref);
  } else {
    const assignment = await resolveAssignment({ code: ref }, deps);
    form = assignment.roundId === roundId ? await deps.submissions.getPaperForm(assignment.tokenHash) : null;
  }
  if (!form || form.roundId !== roundId) {
    throw new NotFoundError('Chưa có phiếu giấy nào được nhập cho mã này trong đợt.', 'PAPER_FORM_NOT_FOUND');
  }
  return form;
};

export const templateOf = async (roundId: string, deps: PaperDeps) =>
  loadRoundTemplate(await loadRound(roundId, deps.rounds), deps.rounds);

/** GET /api/rounds/{roundId}/paper-entries/{ref}. */
export const getPaperEntry = async (
  roundId: string,
  ref: string,
  principal: Principal,
  deps: PaperDeps,
): Promise<PaperFormView> => {
  const form = await findForm(roundId, ref, deps);
  if (!canAccessUnit(principal, form.unitCode)) {
    throw new ForbiddenError('Bạn không có quyền xem phiếu của đơn vị này.');
  }
  return paperFormView(form, principal, await templateOf(roundId, deps));
};

const statusSchema = z.enum(['awaiting-second', 'mismatch', 'stored', 'refused']);

/** GET /api/rounds/{roundId}/paper-entries?status=&unitCode=: the forms of the units the caller sees. */
export const listPaperEntries = async (
  roundId: string,
  query: { status?: string | undefined; unitCode?: string | undefined },
  principal: Principal,
  deps: PaperDeps,
) => {
  const status = query.status === undefined ? undefined : statusSchema.safeParse(query.status);
  if (status && !status.success) {
    throw new ValidationError(
      'Tham số status phải là awaiting-second, mismatch, stored hoặc refused.',
      undefined,
      'INVALID_STATUS',
    );
  }
  const template = await templateOf(roundId, deps);
  const forms = (await deps.submissions.listPaperForms(roundId)).filter(
    (f) =>
      canAccessUnit(principal, f.unitCode) &&
      (!query.unitCode || f.unitCode === query.unitCode) &&
      (!status || f.status === status.data),
  );
  return { roundId, items: forms.map((f) => paperFormView(f, principal, template)) };
};

/**
 * POST /api/rounds/{roundId}/paper-entries/{ref}/resolution { resolution } (supervisor): one decision
 * per mismatched question; the resolved answers are stored as the submission.
 */
export const resolvePaperEntry = async (
  roundId: string,
  ref: string,
  body: z.infer<typeof resolutionBodySchema>,
  principal: Principal,
  deps: PaperDeps,
): Promise<PaperFormView> => {
  const now = deps.now?.() ?? new Date();
  const at = now.toISOString();
  const form = await findForm(roundId, ref, deps);
  if (!canAccessUnit(principal, form.unitCode)) {
    throw new ForbiddenError('Bạn không có quyền phân xử phiếu của đơn vị này.');
  }
  if (form.status !== 'mismatch' || !form.second) {
    throw new ConflictError(
      'NOT_IN_MISMATCH',
      form.status === 'stored'
        ? 'Phiếu này đã được lưu; không còn sai khác cần phân xử.'
        : 'Phiếu này chưa có sai khác giữa hai lần nhập để phân xử.',
    );
  }
  const template = await templateOf(roundId, deps);
  const first = form.first.answers as Answers;
  const second = form.second.answers as Answers;
  let resolved: Answers;
  try {
    resolved = resolveEntry(template, first, second, body.resolution as Record<string, AnswerValue | null>);
  } catch (error) {
    if (error instanceof AnswerIssuesError) throw answersRefusal(error.issues);
    throw error;
  }
  const comparison = compareEntries(template, first, second);
  const lines = resolutionAudit(comparison, resolved, { by: principal.sub, at });
  const next: PaperFormRecord = {
    ...form,
    resolvedBy: principal.sub,
    resolvedAt: at,
    trail: [...form.trail, ...lines.map(trailLine)],
  };
  const stored = await storeAnswers(
    next,
    form.version,
    resolved,
    { at, by: principal.sub, keyedBy: [form.first.by, form.second.by], resolvedBy: principal.sub },
    [
      roundAudit(form, at, principal.sub, 'PAPER_FORM_RESOLVED', 'res', {
        changes: lines.map((l) => ({ questionId: l.questionId, before: l.before, after: l.after })),
      }),
    ],
    deps,
  );
  return paperFormView(stored, principal, template);
};
