/**
 * The year's PAR criteria tree as versioned configuration: imported from CSV (docs/par.md) or JSON,
 * validated by the domain (`parseParCriteriaConfig`), stored as an immutable version. The same content
 * again returns its version (200); changed content under the same id becomes the next version.
 */
import { createHash } from 'node:crypto';
import {
  importParCriteriaCsv,
  type ParCriteriaConfig,
  type ParCriteriaMeta,
  parseParCriteriaConfig,
} from '../../shared/domain/index.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { canonicalJson } from '../../shared/platform/crypto.ts';
import { UnsupportedMediaTypeError, ValidationError } from '../../shared/platform/errors.ts';
import type { StoredCriteria } from '../../shared/tables/assessments.ts';
import type { AssessmentStore } from './store.ts';

const LEVELS = ['ministry', 'province', 'department', 'district', 'commune'] as const;

const metaFromQuery = (query: Readonly<Record<string, string>>): ParCriteriaMeta => {
  const missing = (['id', 'year', 'level', 'title'] as const).filter((k) => !query[k]);
  if (missing.length > 0) {
    throw new ValidationError(
      `Tệp CSV bộ tiêu chí cần kèm tham số: ${missing.join(', ')} (ví dụ ?id=…&year=2026&level=department&title=…).`,
      missing.map((k) => ({ path: k, code: 'MISSING_PARAMETER', message: `thiếu tham số "${k}"` })),
      'MISSING_PARAMETER',
    );
  }
  const year = Number(query.year);
  const level = query.level as ParCriteriaMeta['level'];
  if (!LEVELS.includes(level)) {
    throw new ValidationError(
      `Tham số level phải là một trong: ${LEVELS.join(', ')}.`,
      undefined,
      'INVALID_PARAMETER',
    );
  }
  const declared = query.declaredMaxPoints === undefined ? undefined : Number(query.declaredMaxPoints);
  return {
    id: query.id ?? '',
    year,
    level,
    title: query.title ?? '',
    ...(query.methodRef ? { methodRef: query.methodRef } : {}),
    ...(query.surveyTemplateId ? { surveyTemplateId: query.surveyTemplateId } : {}),
    ...(declared === undefined ? {} : { declaredMaxPoints: declared }),
  };
};

const parseBody = (
  bytes: Buffer,
  contentType: string,
  query: Readonly<Record<string, string>>,
): { config: ParCriteriaConfig; source: 'csv' | 'json' } => {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const text = bytes.toString('utf8');
  if (type === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ValidationError('Nội dung yêu cầu không phải JSON hợp lệ.', undefined, 'MALFORMED_JSON');
    }
    // The server numbers versions: whatever the file says is replaced.
    const withVersion =
      json && typeof json === 'object' && !Array.isArray(json) ? { ...json, version: 1 } : json;
    return { config: parseParCriteriaConfig(withVersion), source: 'json' };
  }
  if (type === 'text/csv' || type === 'text/plain') {
    return { config: importParCriteriaCsv(text, metaFromQuery(query)), source: 'csv' };
  }
  throw new UnsupportedMediaTypeError(
    'Hãy gửi bộ tiêu chí dạng CSV (Content-Type: text/csv) hoặc JSON (application/json).',
  );
};

const contentHashOf = (config: ParCriteriaConfig): string => {
  const { version: _v, ...rest } = config;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
};

export const importCriteria = async (
  input: { bytes: Buffer; contentType: string; query: Readonly<Record<string, string>> },
  deps: {
    principal: Principal;
    store: Pick<AssessmentStore, 'listCriteria' | 'putCriteriaIfAbsent' | 'getCriteria'>;
  },
): Promise<{ created: boolean; criteria: StoredCriteria }> => {
  const { config, source } = parseBody(input.bytes, input.contentType, input.query);
  const hash = contentHashOf(config);
  for (let attempt = 0; attempt < 5; attempt++) {
    const versions = (await deps.store.listCriteria()).filter((c) => c.id === config.id);
    const same = versions.find((c) => c.contentHash === hash);
    if (same) return { created: false, criteria: same };
    const version = Math.max(0, ...versions.map((c) => c.version)) + 1;
    const stored: StoredCriteria = {
      id: config.id,
      version,
      contentHash: hash,
      config: { ...config, version },
      source,
      createdAt: new Date().toISOString(),
      createdBy: deps.principal.sub,
    };
    // Two imports racing for the same next number: the loser reads again and takes the next one.
    if (await deps.store.putCriteriaIfAbsent(stored)) return { created: true, criteria: stored };
  }
  throw new Error(`criteria ${config.id}: could not allocate a version`);
};

export const criteriaSummary = (c: StoredCriteria) => ({
  id: c.id,
  version: c.version,
  year: c.config.year,
  level: c.config.level,
  title: c.config.title,
  declaredMaxPoints: c.config.declaredMaxPoints,
  source: c.source,
  createdAt: c.createdAt,
  createdBy: c.createdBy,
});
