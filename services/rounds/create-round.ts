import {
  CatalogueError,
  getTemplate,
  isValidOn,
  LEVEL_OF_TYPE,
  ORG_UNIT_TYPES,
  type OrgUnit,
  type OrgUnitType,
  parRulesSchema,
  parseRaterMatrix,
  resolveRoundMethodology,
  sipasRulesSchema,
  validateCatalogue,
} from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { canonicalJson, sha256Hex } from '../../shared/platform/crypto.ts';
import { ConflictError, type ErrorDetail, ValidationError } from '../../shared/platform/errors.ts';
import { idFrom, newId } from '../../shared/platform/ids.ts';
import { slugify } from '../../shared/platform/text.ts';
import { DEFAULT_ROUND_SETTINGS, type Round, roundSettingsSchema } from '../../shared/tables/rounds.ts';
import type { CreateRoundInput } from './schemas.ts';
import type { CatalogueStore, QuestionnaireStore, RoundStore } from './store.ts';

type RoundUnits = NonNullable<CreateRoundInput['units']>;

const duplicates = (codes: string[]): string[] => codes.filter((c, i) => codes.indexOf(c) !== i);

const isOrgUnitType = (type: string | undefined): type is OrgUnitType =>
  (ORG_UNIT_TYPES as readonly string[]).includes(type ?? '');

/**
 * The round's units as a catalogue for the domain's checks (duplicate codes, self-parents, parent
 * cycles). A parent outside the list (e.g. the province itself) is the catalogue's root, so it becomes
 * `null`; a free-text type the catalogue does not know is checked as a department (levels are not
 * checked here: a round lists only the units it surveys, not their whole hierarchy).
 */
const unitIssues = (units: RoundUnits): ErrorDetail[] => {
  const codes = new Set(units.map((u) => u.code));
  const catalogue: OrgUnit[] = units.map((u) => ({
    code: u.code,
    name: u.name,
    type: isOrgUnitType(u.type) ? u.type : 'department',
    parentCode: u.parentCode !== undefined && codes.has(u.parentCode) ? u.parentCode : null,
    validFrom: '1900-01-01',
    validTo: null,
    successorCodes: [],
  }));
  try {
    validateCatalogue(catalogue);
    return [];
  } catch (error) {
    if (!(error instanceof CatalogueError)) throw error;
    return error.issues.map((i) => ({ path: 'units', code: i.code, message: i.message }));
  }
};

const checkInput = (input: CreateRoundInput, units: RoundUnits, fields: Round['fields']): void => {
  const details: ErrorDetail[] = unitIssues(units);
  for (const code of duplicates(fields.map((f) => f.code))) {
    details.push({ path: 'fields', code: 'DUPLICATE_CODE', message: `Mã lĩnh vực "${code}" bị trùng.` });
  }
  fields.forEach((f, i) => {
    if (!f.code)
      details.push({
        path: `fields.${i}.code`,
        code: 'INVALID_CODE',
        message: 'Không tạo được mã lĩnh vực từ tên.',
      });
  });
  if (input.raterMatrix !== undefined && input.kind !== 'PAR') {
    details.push({
      path: 'raterMatrix',
      code: 'RATER_MATRIX_NOT_PAR',
      message: 'Ma trận người đánh giá chỉ dùng cho đợt Chỉ số CCHC (PAR).',
    });
  }
  if (details.length > 0) throw new ValidationError('Danh sách đơn vị hoặc lĩnh vực không hợp lệ.', details);
};

/**
 * The round's units selected from a stored catalogue version: the named codes (each must exist, be
 * valid on `asOf` and fit the round's structure), or every unit valid on `asOf` below the province.
 */
export const unitsFromStoredCatalogue = async (
  ref: NonNullable<CreateRoundInput['catalogue']>,
  unitCodes: readonly string[] | undefined,
  round: { year: number; structure: 'three-tier' | 'two-tier' },
  catalogues: Pick<CatalogueStore, 'getCatalogue'> | undefined,
): Promise<RoundUnits> => {
  const stored = await catalogues?.getCatalogue(ref.id, ref.version);
  if (!stored) {
    throw new ValidationError(
      `Không có danh mục đơn vị "${ref.id}" phiên bản ${ref.version}.`,
      undefined,
      'CATALOGUE_NOT_FOUND',
    );
  }
  const asOf =
    ref.asOf ??
    (round.structure === 'three-tier' && round.year >= 2025 ? '2025-06-30' : `${round.year}-12-31`);
  const byCode = new Map(stored.units.map((u) => [u.code, u as OrgUnit]));
  const fits = (u: OrgUnit) =>
    LEVEL_OF_TYPE[u.type] !== 'province' &&
    !(round.structure === 'two-tier' && LEVEL_OF_TYPE[u.type] === 'district');
  const details: ErrorDetail[] = [];
  const chosen: OrgUnit[] = [];
  if (unitCodes === undefined) {
    chosen.push(...[...byCode.values()].filter((u) => isValidOn(u, asOf) && fits(u)));
  } else {
    unitCodes.forEach((code, i) => {
      const u = byCode.get(code);
      const path = `unitCodes.${i}`;
      if (!u) details.push({ path, code: 'UNKNOWN_UNIT', message: `Danh mục không có đơn vị "${code}".` });
      else if (!isValidOn(u, asOf))
        details.push({
          path,
          code: 'UNIT_NOT_VALID',
          message: `Đơn vị "${code}" không còn hiệu lực ngày ${asOf}.`,
        });
      else if (!fits(u))
        details.push({
          path,
          code: round.structure === 'two-tier' ? 'DISTRICT_IN_TWO_TIER' : 'INVALID_UNIT_LEVEL',
          message:
            round.structure === 'two-tier' && LEVEL_OF_TYPE[u.type] === 'district'
              ? `Đơn vị "${code}" là cấp huyện; cấu trúc hai cấp không có cấp huyện.`
              : `Đơn vị "${code}" là cấp tỉnh, không phải đơn vị được khảo sát.`,
        });
      else chosen.push(u);
    });
  }
  if (details.length > 0) throw new ValidationError('Đơn vị chọn từ danh mục không hợp lệ.', details);
  if (chosen.length === 0) {
    throw new ValidationError(
      `Danh mục không có đơn vị nào còn hiệu lực ngày ${asOf}.`,
      undefined,
      'NO_UNITS',
    );
  }
  return chosen.map((u) => ({
    code: u.code,
    name: u.name,
    type: u.type,
    ...(u.parentCode === null ? {} : { parentCode: u.parentCode }),
  }));
};

export const createRound = async (
  input: CreateRoundInput,
  ctx: {
    principal: Principal;
    idempotencyKey: string | undefined;
    store: RoundStore;
    questionnaires?: Pick<QuestionnaireStore, 'getQuestionnaire'>;
    catalogues?: Pick<CatalogueStore, 'getCatalogue'>;
    now?: Date;
  },
): Promise<{ created: boolean; round: Round }> => {
  const fields = input.fields.map((f) => ({ code: f.code ?? slugify(f.name), name: f.name }));
  if (input.units) checkInput(input, input.units, fields);
  const scoringRules = input.scoringRules ?? {};
  const known = Object.keys((input.kind === 'SIPAS' ? sipasRulesSchema : parRulesSchema).shape);
  const unknown = Object.keys(scoringRules).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ValidationError(
      'Quy tắc tính điểm có mục không được hỗ trợ.',
      unknown.map((k) => ({
        path: `scoringRules.${k}`,
        code: 'UNKNOWN_SETTING',
        message: `Không có quy tắc "${k}" (có: ${known.join(', ')}).`,
      })),
    );
  }
  // The methodology version in force for the year, with this round's overrides; a bad setting
  // throws the domain's ConfigError naming it (mapped to 400 by the HTTP layer).
  const methodology = resolveRoundMethodology(input.year, {
    ...(input.structure ? { structure: input.structure } : {}),
    ...(input.templateId ? { templates: { [input.kind]: input.templateId } } : {}),
    ...(input.kind === 'SIPAS' ? { sipas: scoringRules } : { par: scoringRules }),
  });
  const units = input.units
    ? input.units
    : await unitsFromStoredCatalogue(
        input.catalogue as NonNullable<CreateRoundInput['catalogue']>,
        input.unitCodes,
        { year: input.year, structure: methodology.structure },
        ctx.catalogues,
      );
  if (!input.units) checkInput(input, units, fields);
  const templateId = input.questionnaire?.id ?? methodology.templates[input.kind];
  let template: ReturnType<typeof getTemplate>;
  if (input.questionnaire) {
    const { id, version } = input.questionnaire;
    const stored = await ctx.questionnaires?.getQuestionnaire(id, version);
    if (!stored) {
      throw new ValidationError(
        `Không có mẫu phiếu "${id}" phiên bản ${version}.`,
        undefined,
        'QUESTIONNAIRE_NOT_FOUND',
      );
    }
    template = stored.template;
  } else {
    try {
      template = getTemplate(templateId);
    } catch {
      throw new ValidationError(`Không có mẫu phiếu "${templateId}".`, undefined, 'TEMPLATE_NOT_FOUND');
    }
  }
  if (template.kind !== input.kind) {
    throw new ValidationError(
      `Mẫu phiếu "${templateId}" dành cho ${template.kind}, không phải ${input.kind}.`,
      undefined,
      'TEMPLATE_KIND_MISMATCH',
    );
  }

  // A bad matrix throws the domain's RaterMatrixError naming group and cell (400).
  const raterMatrix = input.raterMatrix === undefined ? undefined : parseRaterMatrix(input.raterMatrix);
  const now = (ctx.now ?? new Date()).toISOString();
  const requestHash = sha256Hex(canonicalJson(input));
  const round: Round = {
    // An Idempotency-Key makes a re-sent create return the first round instead of a copy.
    id: ctx.idempotencyKey ? idFrom('r', ctx.principal.sub, ctx.idempotencyKey) : newId('r'),
    name: input.name,
    year: input.year,
    kind: input.kind,
    templateId: template.id,
    structure: methodology.structure,
    methodologyVersion: methodology.version,
    units,
    fields,
    scoringRules,
    // Rosters can be uploaded as soon as the round exists.
    status: input.status ?? 'ROSTERS_OPEN',
    ...(input.schedule ? { schedule: input.schedule } : {}),
    ...(input.seed ? { seed: { ...input.seed, fixedAt: now, fixedBy: ctx.principal.sub } } : {}),
    ...(input.quota ? { quota: input.quota } : {}),
    settings: roundSettingsSchema.parse(input.settings ?? DEFAULT_ROUND_SETTINGS),
    ...(raterMatrix ? { raterMatrix } : {}),
    ...(input.questionnaire ? { questionnaire: input.questionnaire } : {}),
    ...(input.catalogue ? { catalogue: { id: input.catalogue.id, version: input.catalogue.version } } : {}),
    createdAt: now,
    createdBy: ctx.principal.sub,
    requestHash,
  };
  const result = await ctx.store.putIfAbsent(round);
  if (!result.created && result.round.requestHash !== requestHash) {
    throw new ConflictError(
      'IDEMPOTENCY_KEY_REUSED',
      'Idempotency-Key này đã được dùng cho một yêu cầu khác.',
    );
  }
  return result;
};

/** What the API shows of a round (no internal hashes). */
export const publicRound = ({ requestHash: _h, ...round }: Round) => round;
