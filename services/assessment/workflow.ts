/**
 * PAR self-assessment and appraisal of one unit (docs/par.md):
 *
 *   draft ──submit──▶ submitted ──publish-appraisal──▶ appraised ──finalise──▶ finalised
 *   (focal point scores each     (the Sở adjusts scores     (the unit answers within
 *    sub-criterion with evidence  with a reason each)         the response window)
 *    until the deadline)
 *
 * Scores are checked by the domain (`checkSelfAssessment`, `checkAppraisal`, `checkScore`); entries are
 * never overwritten (the latest per criterion counts); every change writes its audit entry in the same
 * transaction. Re-sending the same change returns the stored one and writes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import {
  checkAppraisal,
  checkScore,
  checkSelfAssessment,
  criteriaLeaves,
  type DecimalInput,
  type ParCriteriaConfig,
  round2OrNull,
  scoreParUnit,
} from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../shared/platform/errors.ts';
import { newId } from '../../shared/platform/ids.ts';
import {
  type AssessmentEntry,
  type AssessmentSetup,
  loadRoundCriteria,
  splitEntries,
  type UnitAssessmentState,
} from '../../shared/tables/assessments.ts';
import { loadRound, type Round, type RoundsReader } from '../../shared/tables/rounds.ts';
import type { appraisalSchema, responseSchema, selfAssessmentSchema } from './schemas.ts';
import type { AssessmentStore } from './store.ts';

export interface WorkflowDeps {
  principal: Principal;
  store: AssessmentStore;
  rounds: Pick<RoundsReader, 'get'>;
  /** Size of an uploaded evidence object, null when absent (S3 HeadObject). */
  evidenceSize: (key: string) => Promise<number | null>;
  now?: () => Date;
}

interface UnitContext {
  round: Round;
  setup: AssessmentSetup;
  config: ParCriteriaConfig;
  state: UnitAssessmentState | null;
  entries: AssessmentEntry[];
  now: Date;
}

export const evidencePrefix = (roundId: string, unitCode: string) => `evidence/${roundId}/${unitCode}/`;

const SERVICE = 'assessment';

const loadUnit = async (roundId: string, unitCode: string, deps: WorkflowDeps): Promise<UnitContext> => {
  const round = await loadRound(roundId, deps.rounds);
  if (!round.units.some((u) => u.code === unitCode)) {
    throw new NotFoundError(`Đơn vị "${unitCode}" không thuộc đợt đánh giá này.`, 'UNKNOWN_UNIT');
  }
  if (!canAccessUnit(deps.principal, unitCode)) {
    throw new ForbiddenError(`Bạn không phải đầu mối của đơn vị "${unitCode}".`);
  }
  const loaded = await loadRoundCriteria(round.id, deps.store);
  if (!loaded) {
    throw new ConflictError('NO_PAR_CRITERIA', 'Đợt đánh giá chưa được gắn bộ tiêu chí Chỉ số CCHC.');
  }
  const [state, entries] = await Promise.all([
    deps.store.getUnitState(round.id, unitCode),
    deps.store.listEntries(round.id, unitCode),
  ]);
  return { round, ...loaded, state, entries, now: deps.now?.() ?? new Date() };
};

const latestOf = (entries: readonly AssessmentEntry[], kind: AssessmentEntry['kind'], code: string) =>
  entries.filter((e) => e.kind === kind && 'criterionCode' in e && e.criterionCode === code).at(-1);

const baseState = (ctx: UnitContext, unitCode: string): UnitAssessmentState =>
  ctx.state ?? { roundId: ctx.round.id, unitCode, status: 'draft', updatedAt: ctx.now.toISOString() };

const audit = (
  ctx: UnitContext,
  deps: WorkflowDeps,
  action: string,
  target: string,
  details: Record<string, unknown>,
  reason?: string,
) => ({
  roundId: ctx.round.id,
  at: ctx.now.toISOString(),
  id: newId('audit'),
  by: deps.principal.sub,
  service: SERVICE,
  action,
  target,
  ...(reason === undefined ? {} : { reason }),
  details,
});

const closedForSelf = (ctx: UnitContext) => {
  if (ctx.now.getTime() > Date.parse(ctx.setup.selfAssessmentDeadline)) {
    throw new ConflictError(
      'SELF_ASSESSMENT_CLOSED',
      `Đã hết hạn tự đánh giá (hạn chót ${ctx.setup.selfAssessmentDeadline}).`,
    );
  }
  const status = ctx.state?.status ?? 'draft';
  if (status !== 'draft') {
    throw new ConflictError(
      'SELF_ASSESSMENT_SUBMITTED',
      'Đơn vị đã nộp bản tự đánh giá; không thể sửa điểm tự đánh giá nữa.',
    );
  }
};

const nextUpdatedAt = (ctx: UnitContext): string => {
  // Strictly later than the stored one, so the optimistic condition always sees a change.
  const now = ctx.now.toISOString();
  const prev = ctx.state?.updatedAt;
  return prev !== undefined && prev >= now ? new Date(Date.parse(prev) + 1).toISOString() : now;
};

const decimalText = (v: number | string): string => (typeof v === 'number' ? String(v) : v.replace(',', '.'));

export const selfAssess = async (
  roundId: string,
  unitCode: string,
  criterionCode: string,
  body: z.output<typeof selfAssessmentSchema>,
  deps: WorkflowDeps,
) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  closedForSelf(ctx);
  const prefix = evidencePrefix(ctx.round.id, unitCode);
  for (const key of body.evidence.fileKeys) {
    if (!key.startsWith(prefix) || key.includes('..')) {
      throw new ValidationError(
        `Tệp kiểm chứng "${key}" không thuộc đơn vị "${unitCode}" trong đợt này.`,
        [{ path: 'evidence.fileKeys', code: 'INVALID_EVIDENCE_FILE', message: key }],
        'INVALID_EVIDENCE_FILE',
      );
    }
    if ((await deps.evidenceSize(key)) === null) {
      throw new ValidationError(
        `Chưa tải lên tệp kiểm chứng "${key}".`,
        [{ path: 'evidence.fileKeys', code: 'EVIDENCE_FILE_MISSING', message: key }],
        'EVIDENCE_FILE_MISSING',
      );
    }
  }
  const score = decimalText(body.score);
  const entry = checkSelfAssessment(ctx.config, {
    unitCode,
    criterionCode,
    score,
    evidence: body.evidence,
    by: deps.principal.sub,
    at: ctx.now.toISOString(),
  });
  const previous = latestOf(ctx.entries, 'self', criterionCode);
  if (
    previous?.kind === 'self' &&
    String(previous.score) === score &&
    isDeepStrictEqual(previous.evidence, entry.evidence)
  ) {
    return { created: false, entry: previous };
  }
  const stored: AssessmentEntry = { kind: 'self', id: newId('sa'), ...entry, score };
  const state = { ...baseState(ctx, unitCode), updatedAt: nextUpdatedAt(ctx) };
  await deps.store.applyUnitChange(ctx.round.id, {
    entry: stored,
    state,
    previousUpdatedAt: ctx.state?.updatedAt ?? null,
    audit: audit(ctx, deps, 'SELF_ASSESSMENT_SCORED', `${unitCode}/${criterionCode}`, {
      score,
      previousScore: previous?.kind === 'self' ? String(previous.score) : null,
      files: entry.evidence.fileKeys.length,
      links: entry.evidence.links.length,
    }),
  });
  return { created: true, entry: stored };
};

export const submitSelfAssessment = async (roundId: string, unitCode: string, deps: WorkflowDeps) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  if (ctx.state && ctx.state.status !== 'draft') return { changed: false, state: ctx.state };
  closedForSelf(ctx);
  const missing = criteriaLeaves(ctx.config)
    .filter((l) => l.method === 'appraisal' && l.applicable)
    .filter((l) => latestOf(ctx.entries, 'self', l.code) === undefined)
    .map((l) => l.code);
  if (missing.length > 0) {
    throw new ConflictError(
      'SELF_ASSESSMENT_INCOMPLETE',
      `Còn ${missing.length} tiêu chí chưa tự chấm điểm: ${missing.join(', ')}.`,
    );
  }
  const at = nextUpdatedAt(ctx);
  const state: UnitAssessmentState = {
    ...baseState(ctx, unitCode),
    status: 'submitted',
    updatedAt: at,
    submittedAt: at,
    submittedBy: deps.principal.sub,
  };
  await deps.store.applyUnitChange(ctx.round.id, {
    state,
    previousUpdatedAt: ctx.state?.updatedAt ?? null,
    audit: audit(ctx, deps, 'SELF_ASSESSMENT_SUBMITTED', unitCode, {
      criteria: ctx.entries.filter((e) => e.kind === 'self').length,
    }),
  });
  return { changed: true, state };
};

const notFinalised = (ctx: UnitContext) => {
  if (ctx.state?.status === 'finalised') {
    throw new ConflictError('ASSESSMENT_FINALISED', 'Kết quả thẩm định của đơn vị đã được chốt.');
  }
};

export const appraise = async (
  roundId: string,
  unitCode: string,
  criterionCode: string,
  body: z.output<typeof appraisalSchema>,
  deps: WorkflowDeps,
) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  notFinalised(ctx);
  if (!ctx.state || ctx.state.status === 'draft') {
    throw new ConflictError('NOT_SUBMITTED', 'Đơn vị chưa nộp bản tự đánh giá; chưa thể thẩm định.');
  }
  const adjustedScore = decimalText(body.adjustedScore);
  const input = {
    unitCode,
    criterionCode,
    adjustedScore,
    reason: body.reason,
    by: deps.principal.sub,
    at: ctx.now.toISOString(),
  };
  // Formula criteria (figures computed from data, e.g. the on-time dossier rate) are entered by the Sở
  // the same way, with the data source as the reason.
  const leaf = criteriaLeaves(ctx.config).find((l) => l.code === criterionCode);
  if (leaf?.method === 'formula' && leaf.applicable) checkScore(leaf.code, adjustedScore, leaf.maxPoints);
  else checkAppraisal(ctx.config, input);
  const previous = latestOf(ctx.entries, 'appraisal', criterionCode);
  if (
    previous?.kind === 'appraisal' &&
    String(previous.adjustedScore) === adjustedScore &&
    previous.reason === body.reason
  ) {
    return { created: false, entry: previous };
  }
  const stored: AssessmentEntry = { kind: 'appraisal', id: newId('ap'), ...input };
  const self = latestOf(ctx.entries, 'self', criterionCode);
  await deps.store.applyUnitChange(ctx.round.id, {
    entry: stored,
    state: { ...ctx.state, updatedAt: nextUpdatedAt(ctx) },
    previousUpdatedAt: ctx.state.updatedAt,
    audit: audit(
      ctx,
      deps,
      'APPRAISAL_SCORED',
      `${unitCode}/${criterionCode}`,
      {
        selfScore: self?.kind === 'self' ? String(self.score) : null,
        adjustedScore,
        previousAdjustedScore: previous?.kind === 'appraisal' ? String(previous.adjustedScore) : null,
      },
      body.reason,
    ),
  });
  return { created: true, entry: stored };
};

export const publishAppraisal = async (roundId: string, unitCode: string, deps: WorkflowDeps) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  notFinalised(ctx);
  if (!ctx.state || ctx.state.status === 'draft') {
    throw new ConflictError('NOT_SUBMITTED', 'Đơn vị chưa nộp bản tự đánh giá; chưa thể thẩm định.');
  }
  if (ctx.state.status === 'appraised') return { changed: false, state: ctx.state };
  const at = nextUpdatedAt(ctx);
  // The window runs from the moment of publication (not the bumped version stamp `updatedAt`).
  const responseDeadline = new Date(
    ctx.now.getTime() + ctx.setup.responseWindowHours * 3_600_000,
  ).toISOString();
  const state: UnitAssessmentState = {
    ...ctx.state,
    status: 'appraised',
    updatedAt: at,
    appraisalPublishedAt: ctx.now.toISOString(),
    responseDeadline,
  };
  await deps.store.applyUnitChange(ctx.round.id, {
    state,
    previousUpdatedAt: ctx.state.updatedAt,
    audit: audit(ctx, deps, 'APPRAISAL_PUBLISHED', unitCode, {
      appraised: ctx.entries.filter((e) => e.kind === 'appraisal').length,
      responseDeadline,
    }),
  });
  return { changed: true, state };
};

export const respond = async (
  roundId: string,
  unitCode: string,
  body: z.output<typeof responseSchema>,
  deps: WorkflowDeps,
) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  notFinalised(ctx);
  if (ctx.state?.status !== 'appraised') {
    throw new ConflictError('APPRAISAL_NOT_PUBLISHED', 'Sở Nội vụ chưa gửi kết quả thẩm định cho đơn vị.');
  }
  if (ctx.now.getTime() > Date.parse(ctx.state.responseDeadline ?? '')) {
    throw new ConflictError(
      'RESPONSE_WINDOW_CLOSED',
      `Đã hết thời hạn phản hồi kết quả thẩm định (hạn chót ${ctx.state.responseDeadline}).`,
    );
  }
  if (
    body.criterionCode !== undefined &&
    !criteriaLeaves(ctx.config).some((l) => l.code === body.criterionCode)
  ) {
    throw new ValidationError(
      `Tiêu chí "${body.criterionCode}" không có trong bộ tiêu chí của đợt.`,
      [{ path: 'criterionCode', code: 'UNKNOWN_CRITERION', message: body.criterionCode }],
      'UNKNOWN_CRITERION',
    );
  }
  const previous = ctx.entries.filter((e) => e.kind === 'response').at(-1);
  if (
    previous?.kind === 'response' &&
    previous.text === body.note &&
    previous.criterionCode === body.criterionCode
  ) {
    return { created: false, entry: previous };
  }
  const at = nextUpdatedAt(ctx);
  const stored: AssessmentEntry = {
    kind: 'response',
    id: newId('re'),
    unitCode,
    ...(body.criterionCode === undefined ? {} : { criterionCode: body.criterionCode }),
    text: body.note,
    by: deps.principal.sub,
    at: ctx.now.toISOString(),
  };
  await deps.store.applyUnitChange(ctx.round.id, {
    entry: stored,
    state: { ...ctx.state, updatedAt: at, respondedAt: at },
    previousUpdatedAt: ctx.state.updatedAt,
    audit: audit(
      ctx,
      deps,
      'APPRAISAL_RESPONDED',
      body.criterionCode ? `${unitCode}/${body.criterionCode}` : unitCode,
      {
        length: body.note.length,
      },
    ),
  });
  return { created: true, entry: stored };
};

export const finalise = async (roundId: string, unitCode: string, deps: WorkflowDeps) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  if (ctx.state?.status === 'finalised') return { changed: false, state: ctx.state };
  if (ctx.state?.status !== 'appraised') {
    throw new ConflictError(
      'APPRAISAL_NOT_PUBLISHED',
      'Chưa gửi kết quả thẩm định cho đơn vị; chưa thể chốt.',
    );
  }
  const windowOpen = ctx.now.getTime() <= Date.parse(ctx.state.responseDeadline ?? '');
  if (windowOpen && ctx.state.respondedAt === undefined) {
    throw new ConflictError(
      'RESPONSE_WINDOW_OPEN',
      `Đơn vị còn thời hạn phản hồi đến ${ctx.state.responseDeadline}; chỉ chốt sau thời hạn hoặc khi đơn vị đã phản hồi.`,
    );
  }
  const at = nextUpdatedAt(ctx);
  const state: UnitAssessmentState = {
    ...ctx.state,
    status: 'finalised',
    updatedAt: at,
    finalisedAt: at,
    finalisedBy: deps.principal.sub,
  };
  await deps.store.applyUnitChange(ctx.round.id, {
    state,
    previousUpdatedAt: ctx.state.updatedAt,
    audit: audit(ctx, deps, 'ASSESSMENT_FINALISED', unitCode, {
      responded: ctx.state.respondedAt !== undefined,
    }),
  });
  return { changed: true, state };
};

/**
 * The unit's points so far, composed by the domain (`scoreParUnit`, a criterion not scored yet counts 0):
 * the appraised part as the unit scored it, and as it counts (the Sở's adjusted score, else the unit's),
 * with the formula figures the Sở entered; per field for fields without survey criteria. Rounded once here.
 */
const unitTotals = (ctx: UnitContext, unitCode: string, withAppraisal: boolean) => {
  const leaves = criteriaLeaves(ctx.config);
  const method = new Map(leaves.map((l) => [l.code, l.method]));
  const { selfAssessments, appraisals } = splitEntries(ctx.entries);
  const shown = withAppraisal ? appraisals : [];
  const formulaScores = Object.fromEntries(
    shown
      .filter((a) => method.get(a.criterionCode) === 'formula')
      .map((a) => [a.criterionCode, a.adjustedScore]),
  );
  const compose = (appraised: typeof appraisals) =>
    scoreParUnit({
      config: ctx.config,
      unitCode,
      selfAssessments,
      appraisals: appraised.filter((a) => method.get(a.criterionCode) === 'appraisal'),
      formulaScores,
      rules: { missingScore: 'zero' },
    });
  const self = compose([]);
  const counted = compose(shown);
  const points = (t: { achieved: DecimalInput | null; applicableMax: DecimalInput }) => ({
    achieved: round2OrNull(t.achieved ?? 0),
    applicableMax: round2OrNull(t.applicableMax),
  });
  const surveyFields = new Set(leaves.filter((l) => l.method === 'survey').map((l) => l.fieldCode));
  return {
    self: points(self.byMethod.appraisal),
    appraised: withAppraisal ? points(counted.byMethod.appraisal) : null,
    formula: withAppraisal ? points(counted.byMethod.formula) : null,
    fields: counted.result.components
      .filter((f) => !surveyFields.has(f.code))
      .map((f) => ({
        code: f.code,
        title: f.name,
        maxPoints: round2OrNull(f.maxPoints),
        self: points(self.result.components.find((c) => c.code === f.code) ?? f),
        counted: points(f),
      })),
  };
};

/**
 * What the unit and the Sở see: each sub-criterion with its latest self score, appraisal and answers.
 * The unit sees the Sở's appraisal once it is published; province-wide staff see it while it is drafted.
 */
export const viewUnit = async (
  roundId: string,
  unitCode: string,
  deps: WorkflowDeps & { fileUrl: (key: string) => Promise<string> },
) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  const published = ctx.state?.status === 'appraised' || ctx.state?.status === 'finalised';
  const seesAppraisal = published || deps.principal.units === '*';
  const leaves = await Promise.all(
    criteriaLeaves(ctx.config).map(async (l) => {
      const self = latestOf(ctx.entries, 'self', l.code);
      const appraisal = seesAppraisal ? latestOf(ctx.entries, 'appraisal', l.code) : undefined;
      const files =
        self?.kind === 'self'
          ? await Promise.all(
              self.evidence.fileKeys.map(async (key) => ({ key, url: await deps.fileUrl(key) })),
            )
          : [];
      return {
        code: l.code,
        title: l.title,
        fieldCode: l.fieldCode,
        maxPoints: l.maxPoints,
        method: l.method,
        evidenceRequired: l.evidenceRequired,
        applicable: l.applicable,
        self:
          self?.kind === 'self'
            ? { score: self.score, evidence: self.evidence, files, by: self.by, at: self.at }
            : null,
        appraisal:
          appraisal?.kind === 'appraisal'
            ? {
                adjustedScore: appraisal.adjustedScore,
                reason: appraisal.reason,
                by: appraisal.by,
                at: appraisal.at,
              }
            : null,
        responses: ctx.entries
          .filter((e) => e.kind === 'response' && e.criterionCode === l.code)
          .map((e) => (e.kind === 'response' ? { note: e.text, by: e.by, at: e.at } : null)),
      };
    }),
  );
  return {
    roundId: ctx.round.id,
    unitCode,
    criteria: ctx.setup.criteria,
    selfAssessmentDeadline: ctx.setup.selfAssessmentDeadline,
    responseWindowHours: ctx.setup.responseWindowHours,
    state: ctx.state ?? baseState(ctx, unitCode),
    totals: unitTotals(ctx, unitCode, seesAppraisal),
    leaves,
    responses: ctx.entries
      .filter((e) => e.kind === 'response' && e.criterionCode === undefined)
      .map((e) => (e.kind === 'response' ? { note: e.text, by: e.by, at: e.at } : null)),
    history: ctx.entries
      .filter((e) => seesAppraisal || e.kind !== 'appraisal')
      .map((e) => ({
        kind: e.kind,
        id: e.id,
        at: e.at,
        by: e.by,
        criterionCode: 'criterionCode' in e ? (e.criterionCode ?? null) : null,
        // The trail the unit can read (the round's audit is the Sở's): what was given and why.
        score: e.kind === 'self' ? String(e.score) : e.kind === 'appraisal' ? String(e.adjustedScore) : null,
        reason: e.kind === 'appraisal' ? e.reason : e.kind === 'response' ? e.text : null,
      })),
  };
};

const UPLOAD_URL_SECONDS = 15 * 60;

/**
 * A presigned PUT URL for one evidence file of the unit (the uploads bucket, key under
 * `evidence/<round>/<unit>/`); the self-assessment then names the returned `fileKey`.
 */
export const requestEvidenceUpload = async (
  roundId: string,
  unitCode: string,
  body: { filename: string; contentType: string; size: number },
  deps: WorkflowDeps & { signPut: (key: string, contentType: string, seconds: number) => Promise<string> },
) => {
  const ctx = await loadUnit(roundId, unitCode, deps);
  closedForSelf(ctx);
  const safeName =
    body.filename
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}._-]+/gu, '_')
      .replace(/^[._]+/, '')
      .slice(0, 120) || 'tep';
  const fileKey = `${evidencePrefix(ctx.round.id, unitCode)}${newId('ev')}/${safeName}`;
  const uploadUrl = await deps.signPut(fileKey, body.contentType, UPLOAD_URL_SECONDS);
  return {
    fileKey,
    uploadUrl,
    method: 'PUT',
    headers: { 'content-type': body.contentType },
    expiresInSeconds: UPLOAD_URL_SECONDS,
  };
};
