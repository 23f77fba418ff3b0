/**
 * Fields and procedures (lĩnh vực = administrative field; thủ tục hành chính = administrative procedure)
 * per unit level, and the strata they define with the units (methodology.md §5: strata = unit × field or
 * procedure [seed 004]).
 */
import { z } from 'zod';
import { CatalogueError, type Issue } from './errors.ts';
import { LEVEL_OF_TYPE, type OrgLevel, type OrgUnit } from './org-unit.ts';
import { foldKey } from './text.ts';

const levelSchema = z.enum(['province', 'department', 'district', 'commune']);

export const fieldSchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  name: z.string().min(1),
  /** Levels whose units handle procedures of this field. */
  levels: z.array(levelSchema).min(1),
});
export type Field = z.infer<typeof fieldSchema>;

export const procedureSchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  name: z.string().min(1),
  fieldCode: z.string(),
  levels: z.array(levelSchema).min(1),
});
export type Procedure = z.infer<typeof procedureSchema>;

export const fieldCatalogueSchema = z.object({
  id: z.string().min(1),
  year: z.number().int(),
  fields: z.array(fieldSchema).min(1),
  procedures: z.array(procedureSchema),
});
export type FieldCatalogue = z.infer<typeof fieldCatalogueSchema>;

/** Validate: unique codes and names, procedures in a known field and at a level of that field. */
export function parseFieldCatalogue(json: unknown): FieldCatalogue {
  const parsed = fieldCatalogueSchema.safeParse(json);
  if (!parsed.success) {
    throw new CatalogueError(
      parsed.error.issues.map((i) => {
        const where = `danh mục lĩnh vực "${i.path.join('.')}"`;
        return { where, code: 'SCHEMA', message: `${where}: ${i.message}` };
      }),
    );
  }
  const cat = parsed.data;
  const issues: Issue[] = [];
  const add = (where: string, code: string, message: string) =>
    issues.push({ where, code, message: `${where}: ${message}` });
  const codes = new Set<string>();
  const names = new Set<string>();
  for (const f of cat.fields) {
    if (codes.has(f.code)) add(`lĩnh vực "${f.code}"`, 'DUPLICATE_CODE', 'mã bị trùng');
    if (names.has(foldKey(f.name))) add(`lĩnh vực "${f.code}"`, 'DUPLICATE_NAME', `tên "${f.name}" bị trùng`);
    codes.add(f.code);
    names.add(foldKey(f.name));
  }
  const fields = new Map(cat.fields.map((f) => [f.code, f]));
  const procCodes = new Set<string>();
  for (const p of cat.procedures) {
    const where = `thủ tục "${p.code}"`;
    if (procCodes.has(p.code)) add(where, 'DUPLICATE_CODE', 'mã bị trùng');
    procCodes.add(p.code);
    const field = fields.get(p.fieldCode);
    if (field === undefined) {
      add(where, 'UNKNOWN_FIELD', `lĩnh vực "${p.fieldCode}" không tồn tại`);
      continue;
    }
    const wrong = p.levels.find((l) => !field.levels.includes(l));
    if (wrong !== undefined)
      add(where, 'INVALID_LEVEL', `lĩnh vực "${field.code}" không có ở cấp "${wrong}"`);
  }
  if (issues.length > 0) throw new CatalogueError(issues);
  return cat;
}

/** Find a field by code or by Vietnamese name (case, spacing and diacritics ignored) — rule 5. */
export function findField(catalogue: FieldCatalogue, codeOrName: string): Field | undefined {
  const key = foldKey(codeOrName);
  return (
    catalogue.fields.find((f) => f.code === codeOrName.trim()) ??
    catalogue.fields.find((f) => foldKey(f.code) === key || foldKey(f.name) === key)
  );
}

export function fieldsForLevel(catalogue: FieldCatalogue, level: OrgLevel): Field[] {
  return catalogue.fields.filter((f) => f.levels.includes(level));
}

export interface Stratum {
  unitCode: string;
  fieldCode: string;
  /** Present when the stratum is a single procedure (e.g. "đăng ký thành lập hộ kinh doanh"). */
  procedureCode?: string;
}

/** Stable key of a stratum, used by sampling and results. */
export function stratumKey(s: Stratum): string {
  return s.procedureCode === undefined
    ? `${s.unitCode}#${s.fieldCode}`
    : `${s.unitCode}#${s.fieldCode}#${s.procedureCode}`;
}

/**
 * Strata of a round: for each selected unit, its selected fields or procedures. A selection that names a
 * field or procedure unavailable at the unit's level is refused, naming unit and field.
 */
export function buildStrata(
  catalogue: FieldCatalogue,
  units: readonly OrgUnit[],
  selection: ReadonlyArray<{ unitCode: string; fieldCodes?: string[]; procedureCodes?: string[] }>,
): Stratum[] {
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  const issues: Issue[] = [];
  const strata: Stratum[] = [];
  const add = (where: string, code: string, message: string) =>
    issues.push({ where, code, message: `${where}: ${message}` });
  for (const sel of selection) {
    const unit = unitByCode.get(sel.unitCode);
    if (unit === undefined) {
      add(`đơn vị "${sel.unitCode}"`, 'UNKNOWN_UNIT', 'không có trong danh mục');
      continue;
    }
    const level = LEVEL_OF_TYPE[unit.type];
    for (const fc of sel.fieldCodes ?? []) {
      const field = findField(catalogue, fc);
      if (field === undefined)
        add(`đơn vị "${unit.code}"`, 'UNKNOWN_FIELD', `lĩnh vực "${fc}" không tồn tại`);
      else if (!field.levels.includes(level)) {
        add(`đơn vị "${unit.code}"`, 'INVALID_LEVEL', `lĩnh vực "${field.code}" không thuộc cấp của đơn vị`);
      } else strata.push({ unitCode: unit.code, fieldCode: field.code });
    }
    for (const pc of sel.procedureCodes ?? []) {
      const proc = catalogue.procedures.find((p) => p.code === pc);
      if (proc === undefined)
        add(`đơn vị "${unit.code}"`, 'UNKNOWN_PROCEDURE', `thủ tục "${pc}" không tồn tại`);
      else if (!proc.levels.includes(level)) {
        add(`đơn vị "${unit.code}"`, 'INVALID_LEVEL', `thủ tục "${proc.code}" không thuộc cấp của đơn vị`);
      } else strata.push({ unitCode: unit.code, fieldCode: proc.fieldCode, procedureCode: proc.code });
    }
  }
  if (issues.length > 0) throw new CatalogueError(issues);
  const seen = new Set<string>();
  return strata.filter((s) => {
    const k = stratumKey(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * A starting list of common fields [assumption — each round loads its own list]; the Long Biên 2020
 * round used land & environment and household-business registration at district level, justice and
 * labour–invalids–social affairs at ward level [seed 004].
 */
export const DEFAULT_FIELD_CATALOGUE: FieldCatalogue = parseFieldCatalogue({
  id: 'fields-default',
  year: 2020,
  fields: [
    { code: 'TU_PHAP', name: 'Tư pháp', levels: ['department', 'district', 'commune'] },
    { code: 'HO_TICH', name: 'Hộ tịch', levels: ['district', 'commune'] },
    { code: 'CHUNG_THUC', name: 'Chứng thực', levels: ['district', 'commune'] },
    { code: 'DAT_DAI', name: 'Đất đai', levels: ['department', 'district', 'commune'] },
    { code: 'TN_MT', name: 'Tài nguyên và môi trường', levels: ['department', 'district'] },
    { code: 'XAY_DUNG', name: 'Xây dựng', levels: ['department', 'district', 'commune'] },
    { code: 'KH_DT', name: 'Đăng ký kinh doanh', levels: ['department', 'district', 'commune'] },
    {
      code: 'LD_TBXH',
      name: 'Lao động, Thương binh và Xã hội',
      levels: ['department', 'district', 'commune'],
    },
    { code: 'GIAO_DUC', name: 'Giáo dục và đào tạo', levels: ['department', 'district'] },
    { code: 'Y_TE', name: 'Y tế', levels: ['department', 'district'] },
    { code: 'GTVT', name: 'Giao thông vận tải', levels: ['department', 'district'] },
    {
      code: 'NONG_NGHIEP',
      name: 'Nông nghiệp và phát triển nông thôn',
      levels: ['department', 'district', 'commune'],
    },
  ],
  procedures: [
    {
      code: 'HKD_THANH_LAP',
      name: 'Đăng ký thành lập hộ kinh doanh',
      fieldCode: 'KH_DT',
      levels: ['district', 'commune'],
    },
    { code: 'KHAI_SINH', name: 'Đăng ký khai sinh', fieldCode: 'HO_TICH', levels: ['commune'] },
    { code: 'KET_HON', name: 'Đăng ký kết hôn', fieldCode: 'HO_TICH', levels: ['commune'] },
    {
      code: 'CAP_GCN_QSDD',
      name: 'Cấp giấy chứng nhận quyền sử dụng đất lần đầu',
      fieldCode: 'DAT_DAI',
      levels: ['district', 'commune'],
    },
    {
      code: 'GPXD_NHA_O',
      name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
      fieldCode: 'XAY_DUNG',
      levels: ['district', 'commune'],
    },
  ],
});
