import {
  getTemplate,
  parRulesSchema,
  resolveRoundMethodology,
  sipasRulesSchema,
} from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { canonicalJson, sha256Hex } from '../../shared/platform/crypto.ts';
import { ConflictError, type ErrorDetail, ValidationError } from '../../shared/platform/errors.ts';
import { idFrom, newId } from '../../shared/platform/ids.ts';
import { slugify } from '../../shared/platform/text.ts';
import type { CreateRoundInput, Round } from './schemas.ts';
import type { RoundStore } from './store.ts';

const duplicates = (codes: string[]): string[] => codes.filter((c, i) => codes.indexOf(c) !== i);

const checkInput = (input: CreateRoundInput, fields: Round['fields']): void => {
  const details: ErrorDetail[] = [];
  for (const code of duplicates(input.units.map((u) => u.code))) {
    details.push({ path: 'units', code: 'DUPLICATE_CODE', message: `Mã đơn vị "${code}" bị trùng.` });
  }
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
  // A parent outside the list (e.g. the province itself) is fine; a unit cannot be its own parent.
  input.units.forEach((u, i) => {
    if (u.parentCode === u.code) {
      details.push({
        path: `units.${i}.parentCode`,
        code: 'PARENT_CYCLE',
        message: `Đơn vị "${u.code}" không thể là cấp trên của chính nó.`,
      });
    }
  });
  if (details.length > 0) throw new ValidationError('Danh sách đơn vị hoặc lĩnh vực không hợp lệ.', details);
};

export const createRound = async (
  input: CreateRoundInput,
  ctx: { principal: Principal; idempotencyKey: string | undefined; store: RoundStore; now?: Date },
): Promise<{ created: boolean; round: Round }> => {
  const fields = input.fields.map((f) => ({ code: f.code ?? slugify(f.name), name: f.name }));
  checkInput(input, fields);
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
  const templateId = methodology.templates[input.kind];
  let template: ReturnType<typeof getTemplate>;
  try {
    template = getTemplate(templateId);
  } catch {
    throw new ValidationError(`Không có mẫu phiếu "${templateId}".`, undefined, 'TEMPLATE_NOT_FOUND');
  }
  if (template.kind !== input.kind) {
    throw new ValidationError(
      `Mẫu phiếu "${templateId}" dành cho ${template.kind}, không phải ${input.kind}.`,
      undefined,
      'TEMPLATE_KIND_MISMATCH',
    );
  }

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
    units: input.units,
    fields,
    scoringRules,
    status: 'PLANNED',
    createdAt: (ctx.now ?? new Date()).toISOString(),
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
