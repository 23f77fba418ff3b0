/**
 * PAR rater forms (issue 9 item 7). The rater roster is an ordinary roster upload whose rows carry
 * the optional column "Nhóm đối tượng" (the rater group's code in the round's rater matrix); the
 * row's "Mã đơn vị" is the rater's OWN unit (a department, a district PC … or a unit of the round
 * without a catalogue type, e.g. the provincial People's Council, which nobody rates).
 *
 * One form per rater covers every target the matrix gives their group, own unit excluded, through
 * the domain's expansion (plan-raters.ts → shared/domain/rater-matrix.ts). A person on several rows
 * is one rater, placed by rule 15 (latest completion date, then lowest row, then dossier id). Each
 * form gets a token and a paper code derived like an assignment's (HMAC, never stored: only hashed).
 * The set's id is a hash of (round, roster hash, matrix): the same request makes the same set once.
 */
import {
  assignPersonsToStrata,
  encodePaperCode,
  formatPaperCode,
  rosterHashOf,
} from '../../shared/domain/index.ts';
import { canAccessUnit, type Principal } from '../../shared/platform/auth.ts';
import {
  canonicalJson,
  formToken,
  hashPaperCode,
  hashToken,
  type Keys,
  paperCodeBytes,
  sha256Hex,
} from '../../shared/platform/crypto.ts';
import { ValidationError } from '../../shared/platform/errors.ts';
import { idFrom } from '../../shared/platform/ids.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import type { Round } from '../../shared/tables/rounds.ts';
import {
  type RaterForm,
  type RaterFormsManifest,
  raterFormAssignment,
  type SamplesReader,
} from '../../shared/tables/samples.ts';
import { planRaterAssignments } from './plan-raters.ts';
import type { SampleStore } from './store.ts';

export interface RaterFormsDeps {
  store: Pick<SampleStore, 'createRaterForms' | 'getRaterForms'>;
  respondents: Pick<RespondentsReader, 'listDossiers'>;
  keys: Keys;
  now?: () => Date;
}

const raterCode = (keys: Keys, f: Pick<RaterForm, 'formsId' | 'raterKey'>): string =>
  encodePaperCode(paperCodeBytes(keys, raterFormAssignment(f)));

export const createRaterForms = async (
  round: Round,
  principal: Principal,
  deps: RaterFormsDeps,
): Promise<{ manifest: RaterFormsManifest; created: boolean }> => {
  const dossiers = await deps.respondents.listDossiers(round.id);
  const raterRows = dossiers.filter((d) => d.raterGroup);
  if (raterRows.length === 0) {
    throw new ValidationError(
      'Danh sách của đợt chưa có người đánh giá: hãy tải lên danh sách cán bộ, đại biểu có cột "Nhóm đối tượng" (mã nhóm trong ma trận người đánh giá).',
      undefined,
      'NO_RATERS',
    );
  }
  const groupOf = new Map(raterRows.map((r) => [`${r.unitCode}\u001f${r.dossierId}`, r.raterGroup ?? '']));
  const raters = [...assignPersonsToStrata(raterRows).values()].map((d) => ({
    id: d.personKey,
    groupCode: groupOf.get(`${d.unitCode}\u001f${d.dossierId}`) ?? '',
    unitCode: d.unitCode,
  }));
  const known = new Set((round.raterMatrix?.groups ?? []).map((g) => g.code));
  const unknown = [...new Set(raters.map((r) => r.groupCode))].filter((g) => !known.has(g)).sort();
  if (round.raterMatrix && unknown.length > 0) {
    throw new ValidationError(
      `Nhóm đối tượng ${unknown.map((g) => `"${g}"`).join(', ')} không có trong ma trận người đánh giá của đợt (các nhóm: ${[...known].join(', ')}). Hãy sửa cột "Nhóm đối tượng" trong danh sách rồi tải lên lại.`,
      undefined,
      'UNKNOWN_RATER_GROUP',
    );
  }
  // Throws NO_RATER_MATRIX when the round is not PAR or has no matrix.
  const expansion = planRaterAssignments(round, raters);
  const matrix = round.raterMatrix as NonNullable<Round['raterMatrix']>;
  const matrixHash = sha256Hex(canonicalJson(matrix));
  const rosterHash = rosterHashOf(dossiers);
  const formsId = idFrom('rf', round.id, rosterHash, matrixHash);
  const existing = await deps.store.getRaterForms(round.id, formsId);
  if (existing) return { manifest: existing, created: false };

  const targetsOf = new Map<string, string[]>();
  for (const a of expansion.assignments)
    targetsOf.set(a.raterId, [...(targetsOf.get(a.raterId) ?? []), a.targetCode]);
  const forms: RaterForm[] = raters
    .filter((r) => (targetsOf.get(r.id) ?? []).length > 0)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => {
      const base = { formsId, raterKey: r.id };
      return {
        formsId,
        roundId: round.id,
        raterKey: r.id,
        groupCode: r.groupCode,
        unitCode: r.unitCode,
        targets: targetsOf.get(r.id) ?? [],
        tokenHash: hashToken(formToken(deps.keys, raterFormAssignment(base))),
        codeHash: hashPaperCode(deps.keys, raterCode(deps.keys, base)),
        status: 'active',
      };
    });
  const manifest: RaterFormsManifest = {
    formsId,
    roundId: round.id,
    matrixId: matrix.id,
    matrixHash,
    rosterHash,
    raters: raters.length,
    forms: forms.length,
    ratings: expansion.assignments.length,
    countsByTarget: expansion.countsByTarget,
    countsByGroup: expansion.countsByGroup,
    ratersWithoutTargets: raters.length - forms.length,
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
    createdBy: principal.sub,
  };
  const created = await deps.store.createRaterForms(manifest, forms);
  // A concurrent identical request won the race: answer with its manifest.
  const stored = created ? manifest : await deps.store.getRaterForms(round.id, formsId);
  return { manifest: stored ?? manifest, created };
};

/** The caller's forms of a set (own units only), with the paper code and link re-derived. */
export const listRaterFormEntries = async (
  round: Pick<Round, 'raterMatrix'>,
  formsId: string,
  ctx: { principal: Principal; baseUrl: string; keys: Keys; samples: Pick<SamplesReader, 'listRaterForms'> },
) => {
  const groupName = new Map((round.raterMatrix?.groups ?? []).map((g) => [g.code, g.name]));
  return (await ctx.samples.listRaterForms(formsId))
    .filter((f) => canAccessUnit(ctx.principal, f.unitCode))
    .map((f) => ({
      raterKey: f.raterKey,
      groupCode: f.groupCode,
      groupName: groupName.get(f.groupCode) ?? f.groupCode,
      unitCode: f.unitCode,
      targets: f.targets,
      status: f.status,
      paperCode: formatPaperCode(raterCode(ctx.keys, f)),
      // The multi-target rater form page (/r/{token}) is the web service's; its answers go to submission.
      link: `${ctx.baseUrl}/r/${formToken(ctx.keys, raterFormAssignment(f))}`,
    }));
};
