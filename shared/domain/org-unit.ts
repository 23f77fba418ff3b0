/**
 * Organisation catalogue: the units a round surveys or assesses (methodology.md §3).
 *
 * Levels and types (Vietnamese name once, English identifier in code):
 *   province   — `province` (tỉnh), `central-city` (thành phố trực thuộc trung ương)
 *   department — `department` (sở), `agency` (ban, ngành, cơ quan tương đương sở)
 *   district   — `urban-district` (quận), `rural-district` (huyện), `town` (thị xã),
 *                `provincial-city` (thành phố thuộc tỉnh / thuộc thành phố trực thuộc TW)
 *   commune    — `commune` (xã), `ward` (phường), `township` (thị trấn), `special-zone` (đặc khu)
 * Until 30/6/2025 the structure is three-tier (province → district → commune); from 1/7/2025 it is
 * two-tier (province → commune, no districts) [source: BQN-2cap]. A unit carries validity dates and
 * successor codes so both can live in one catalogue; a round says which structure it uses.
 */
import { z } from 'zod';
import { CatalogueError, type Issue } from './errors.ts';

export const ORG_UNIT_TYPES = [
  'province',
  'central-city',
  'department',
  'agency',
  'urban-district',
  'rural-district',
  'town',
  'provincial-city',
  'commune',
  'ward',
  'township',
  'special-zone',
] as const;
export type OrgUnitType = (typeof ORG_UNIT_TYPES)[number];
export type OrgLevel = 'province' | 'department' | 'district' | 'commune';
export type Structure = 'three-tier' | 'two-tier';

export const LEVEL_OF_TYPE: Readonly<Record<OrgUnitType, OrgLevel>> = {
  province: 'province',
  'central-city': 'province',
  department: 'department',
  agency: 'department',
  'urban-district': 'district',
  'rural-district': 'district',
  town: 'district',
  'provincial-city': 'district',
  commune: 'commune',
  ward: 'commune',
  township: 'commune',
  'special-zone': 'commune',
};

/** Vietnamese names of the types, used in CSV files and the UI. */
export const TYPE_NAME_VI: Readonly<Record<OrgUnitType, string>> = {
  province: 'Tỉnh',
  'central-city': 'Thành phố trực thuộc trung ương',
  department: 'Sở',
  agency: 'Ban, ngành',
  'urban-district': 'Quận',
  'rural-district': 'Huyện',
  town: 'Thị xã',
  'provincial-city': 'Thành phố thuộc tỉnh',
  commune: 'Xã',
  ward: 'Phường',
  township: 'Thị trấn',
  'special-zone': 'Đặc khu',
};

/** First day of the two-tier local government (Luật Tổ chức chính quyền địa phương 2025). */
export const TWO_TIER_FROM = '2025-07-01';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'ngày phải có dạng yyyy-mm-dd')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'ngày không tồn tại');

export const orgUnitSchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'mã đơn vị chỉ gồm chữ, số, ".", "_", "-"'),
  name: z.string().min(1),
  type: z.enum(ORG_UNIT_TYPES),
  parentCode: z.string().nullable(),
  validFrom: isoDate,
  /** Last day of validity (inclusive); `null` = still valid. */
  validTo: isoDate.nullable(),
  successorCodes: z.array(z.string()),
});
export type OrgUnit = z.infer<typeof orgUnitSchema>;

export function levelOf(unit: Pick<OrgUnit, 'type'>): OrgLevel {
  return LEVEL_OF_TYPE[unit.type];
}

/** The structure in force on a date (yyyy-mm-dd). */
export function structureOn(date: string): Structure {
  return date < TWO_TIER_FROM ? 'three-tier' : 'two-tier';
}

export function isValidOn(unit: Pick<OrgUnit, 'validFrom' | 'validTo'>, date: string): boolean {
  return unit.validFrom <= date && (unit.validTo === null || date <= unit.validTo);
}

export function unitsValidOn(units: readonly OrgUnit[], date: string): OrgUnit[] {
  return units.filter((u) => isValidOn(u, date));
}

export interface CatalogueOptions {
  /** Check the parent levels of this structure for the units valid on `asOf` (or all units). */
  structure?: Structure;
  asOf?: string;
  /** Row number (spreadsheet numbering) of each unit, to name rows in messages. */
  rows?: readonly number[];
}

const ALLOWED_PARENT: Readonly<Record<Structure, Record<OrgLevel, OrgLevel | null>>> = {
  'three-tier': { province: null, department: 'province', district: 'province', commune: 'district' },
  'two-tier': { province: null, department: 'province', district: 'province', commune: 'province' },
};

/**
 * Validate a catalogue and return it; throws `CatalogueError` listing every problem: duplicate codes,
 * unknown parents or successors, cycles in parents, validity dates in the wrong order, a parent of the
 * wrong level for the structure, districts in a two-tier structure.
 */
export function validateCatalogue(units: readonly OrgUnit[], options: CatalogueOptions = {}): OrgUnit[] {
  const issues: Issue[] = [];
  const place = (i: number, code: string) => {
    const row = options.rows?.[i];
    return row === undefined ? `đơn vị "${code}"` : `dòng ${row}, đơn vị "${code}"`;
  };
  const add = (i: number, code: string, issueCode: string, message: string) => {
    const where = place(i, code);
    issues.push({ where, code: issueCode, message: `${where}: ${message}` });
  };

  const byCode = new Map<string, OrgUnit>();
  units.forEach((u, i) => {
    const parsed = orgUnitSchema.safeParse(u);
    if (!parsed.success) {
      for (const z of parsed.error.issues)
        add(i, String(u.code), 'INVALID_UNIT', `${z.path.join('.')}: ${z.message}`);
      return;
    }
    if (byCode.has(u.code)) add(i, u.code, 'DUPLICATE_CODE', 'mã đơn vị bị trùng');
    else byCode.set(u.code, u);
  });
  units.forEach((u, i) => {
    if (u.parentCode !== null && !byCode.has(u.parentCode)) {
      add(i, u.code, 'UNKNOWN_PARENT', `đơn vị cấp trên "${u.parentCode}" không tồn tại`);
    }
    if (u.parentCode === u.code) add(i, u.code, 'PARENT_CYCLE', 'đơn vị là cấp trên của chính nó');
    for (const s of u.successorCodes ?? []) {
      if (!byCode.has(s)) add(i, u.code, 'UNKNOWN_SUCCESSOR', `đơn vị kế thừa "${s}" không tồn tại`);
    }
    if (u.validTo !== null && u.validTo < u.validFrom) {
      add(i, u.code, 'INVALID_DATES', `ngày hết hiệu lực ${u.validTo} trước ngày có hiệu lực ${u.validFrom}`);
    }
  });
  // Cycles: walk up from each unit; a cycle is reported once, by its member with the smallest code.
  const reported = new Set<string>();
  units.forEach((u, i) => {
    const path: string[] = [u.code];
    let current = byCode.get(u.parentCode ?? '');
    while (current !== undefined) {
      if (current.code === u.code) {
        const cycle = [...path, u.code];
        const key = [...new Set(cycle)].sort().join('|');
        if (!reported.has(key) && path.length > 1) {
          reported.add(key);
          add(i, u.code, 'PARENT_CYCLE', `vòng lặp đơn vị cấp trên: ${cycle.join(' → ')}`);
        }
        break;
      }
      if (path.includes(current.code) || path.length > byCode.size) break;
      path.push(current.code);
      current = byCode.get(current.parentCode ?? '');
    }
  });
  if (options.structure !== undefined) {
    const allowed = ALLOWED_PARENT[options.structure];
    units.forEach((u, i) => {
      if (options.asOf !== undefined && !isValidOn(u, options.asOf)) return;
      const level = LEVEL_OF_TYPE[u.type];
      if (level === undefined) return;
      if (options.structure === 'two-tier' && level === 'district') {
        add(i, u.code, 'DISTRICT_IN_TWO_TIER', 'cấu trúc hai cấp không có đơn vị cấp huyện');
        return;
      }
      const expected = allowed[level];
      const parent = u.parentCode === null ? undefined : byCode.get(u.parentCode);
      if (expected === null && u.parentCode !== null) {
        add(i, u.code, 'INVALID_PARENT_LEVEL', 'đơn vị cấp tỉnh không có đơn vị cấp trên');
      } else if (expected !== null && u.parentCode === null) {
        add(i, u.code, 'MISSING_PARENT', `thiếu đơn vị cấp trên (cấp ${LEVEL_NAME_VI[expected]})`);
      } else if (expected !== null && parent !== undefined && LEVEL_OF_TYPE[parent.type] !== expected) {
        add(
          i,
          u.code,
          'INVALID_PARENT_LEVEL',
          `đơn vị cấp trên "${parent.code}" phải thuộc cấp ${LEVEL_NAME_VI[expected]}, không phải cấp ${LEVEL_NAME_VI[LEVEL_OF_TYPE[parent.type]]}`,
        );
      }
    });
  }
  if (issues.length > 0) throw new CatalogueError(issues);
  return [...units];
}

export const LEVEL_NAME_VI: Readonly<Record<OrgLevel, string>> = {
  province: 'tỉnh',
  department: 'sở, ban, ngành',
  district: 'huyện',
  commune: 'xã',
};

/** Units of a level valid on a date, sorted by code. */
export function unitsOfLevel(units: readonly OrgUnit[], level: OrgLevel, date?: string): OrgUnit[] {
  return units
    .filter((u) => LEVEL_OF_TYPE[u.type] === level && (date === undefined || isValidOn(u, date)))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
