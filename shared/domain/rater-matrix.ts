/**
 * Rater-group × target-set matrix of the provincial PAR survey, and its expansion into (rater, target)
 * assignments (methodology.md §3, Hải Phòng 2020 [seed 000]).
 *
 * Self-exclusion: nobody rates their own unit. The seed states it for department leaders ("other
 * departments"); we apply it to every group by default [assumption — configurable per cell with
 * `excludeOwnUnit`].
 *
 * Order: assignments are sorted by rater id, then target code (code-point order) — independent of the
 * order of the input lists.
 */
import { z } from 'zod';
import { ConfigError, type Issue, RaterMatrixError } from './errors.ts';
import { LEVEL_OF_TYPE, type OrgUnit } from './org-unit.ts';
import { configIssues } from './par-rules.ts';

const targetLevelSchema = z.enum(['department', 'district', 'commune']);

export const raterMatrixSchema = z.object({
  id: z.string().min(1),
  year: z.number().int(),
  structure: z.enum(['three-tier', 'two-tier']),
  /** Default for cells that do not say. */
  excludeOwnUnit: z.boolean(),
  groups: z
    .array(
      z.object({
        code: z.string().regex(/^[A-Z0-9_]{1,32}$/),
        name: z.string().min(1),
        targets: z.array(z.object({ level: targetLevelSchema, excludeOwnUnit: z.boolean().optional() })),
      }),
    )
    .min(1),
});
export type RaterMatrix = z.infer<typeof raterMatrixSchema>;

export function parseRaterMatrix(json: unknown): RaterMatrix {
  const parsed = raterMatrixSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(configIssues('ma trận đối tượng', 'SCHEMA', parsed.error));
  const m = parsed.data;
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const g of m.groups) {
    const where = `nhóm "${g.code}"`;
    if (seen.has(g.code))
      issues.push({ where, code: 'DUPLICATE_CODE', message: `${where}: mã nhóm bị trùng` });
    seen.add(g.code);
    if (m.structure === 'two-tier' && g.targets.some((t) => t.level === 'district')) {
      issues.push({
        where,
        code: 'DISTRICT_IN_TWO_TIER',
        message: `${where}: cấu trúc hai cấp không có cấp huyện`,
      });
    }
    const levels = g.targets.map((t) => t.level);
    if (new Set(levels).size !== levels.length) {
      issues.push({
        where,
        code: 'DUPLICATE_TARGET',
        message: `${where}: một cấp đối tượng được khai báo hai lần`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return m;
}

/** Hải Phòng 2020: departments and district PCs as targets [seed 000]. */
export const HAI_PHONG_2020_RATER_MATRIX: RaterMatrix = parseRaterMatrix({
  id: 'hai-phong-2020',
  year: 2020,
  structure: 'three-tier',
  excludeOwnUnit: true,
  groups: [
    {
      code: 'DB_HDND',
      name: 'Đại biểu HĐND thành phố',
      targets: [{ level: 'department' }, { level: 'district' }],
    },
    {
      code: 'MTTQ_DT',
      name: 'Lãnh đạo Ủy ban MTTQ Việt Nam thành phố và các đoàn thể chính trị – xã hội',
      targets: [{ level: 'department' }, { level: 'district' }],
    },
    {
      code: 'LD_SO',
      name: 'Lãnh đạo các sở, ban, ngành (đánh giá chéo)',
      targets: [{ level: 'department', excludeOwnUnit: true }, { level: 'district' }],
    },
    { code: 'LD_HUYEN', name: 'Lãnh đạo UBND các quận, huyện', targets: [{ level: 'department' }] },
    { code: 'TT_HDND_HUYEN', name: 'Thường trực HĐND các quận, huyện', targets: [{ level: 'department' }] },
    {
      code: 'BAO_CHI',
      name: 'Cơ quan truyền thông, báo chí',
      targets: [{ level: 'department' }, { level: 'district' }],
    },
  ],
});

/**
 * Two-tier provinces from 1/7/2025 [assumption]: the Hải Phòng groups with commune PCs in place of
 * districts; commune leaders rate departments.
 */
export const TWO_TIER_2025_RATER_MATRIX: RaterMatrix = parseRaterMatrix({
  id: 'two-tier-2025',
  year: 2025,
  structure: 'two-tier',
  excludeOwnUnit: true,
  groups: [
    { code: 'DB_HDND', name: 'Đại biểu HĐND tỉnh', targets: [{ level: 'department' }, { level: 'commune' }] },
    {
      code: 'MTTQ_DT',
      name: 'Lãnh đạo Ủy ban MTTQ Việt Nam tỉnh và các đoàn thể chính trị – xã hội',
      targets: [{ level: 'department' }, { level: 'commune' }],
    },
    {
      code: 'LD_SO',
      name: 'Lãnh đạo các sở, ban, ngành',
      targets: [{ level: 'department' }, { level: 'commune' }],
    },
    { code: 'LD_XA', name: 'Lãnh đạo UBND, Thường trực HĐND cấp xã', targets: [{ level: 'department' }] },
    {
      code: 'BAO_CHI',
      name: 'Cơ quan truyền thông, báo chí',
      targets: [{ level: 'department' }, { level: 'commune' }],
    },
  ],
});

export interface Rater {
  /** Stable respondent id (never a name or phone). */
  id: string;
  groupCode: string;
  /** The rater's own unit, when they belong to one that can be a target. */
  unitCode?: string;
}

export interface RaterAssignment {
  raterId: string;
  groupCode: string;
  targetCode: string;
}

export interface RaterExpansion {
  assignments: RaterAssignment[];
  /** Target code → number of raters assigned (every target listed, 0 included). */
  countsByTarget: Record<string, number>;
  countsByRater: Record<string, number>;
  countsByGroup: Record<string, number>;
}

const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function expandRaterAssignments(input: {
  matrix: RaterMatrix;
  raters: readonly Rater[];
  /** Candidate target units (e.g. the round's departments and district/commune PCs). */
  targets: readonly OrgUnit[];
}): RaterExpansion {
  const matrix = parseRaterMatrix(input.matrix);
  const groups = new Map(matrix.groups.map((g) => [g.code, g]));
  const issues: Issue[] = [];
  const ids = new Set<string>();
  for (const r of input.raters) {
    const where = `người đánh giá "${r.id}"`;
    if (ids.has(r.id)) issues.push({ where, code: 'DUPLICATE_RATER', message: `${where}: mã bị trùng` });
    ids.add(r.id);
    if (!groups.has(r.groupCode)) {
      issues.push({
        where,
        code: 'UNKNOWN_GROUP',
        message: `${where}: nhóm "${r.groupCode}" không có trong ma trận`,
      });
    }
  }
  const targetCodes = new Set<string>();
  for (const t of input.targets) {
    if (targetCodes.has(t.code)) {
      issues.push({
        where: `đơn vị "${t.code}"`,
        code: 'DUPLICATE_TARGET',
        message: `đơn vị "${t.code}": bị trùng`,
      });
    }
    targetCodes.add(t.code);
  }
  if (issues.length > 0) throw new RaterMatrixError(issues);

  const targets = [...input.targets].sort((a, b) => byCode(a.code, b.code));
  const raters = [...input.raters].sort((a, b) => byCode(a.id, b.id));
  const assignments: RaterAssignment[] = [];
  const countsByTarget: Record<string, number> = Object.fromEntries(targets.map((t) => [t.code, 0]));
  const countsByRater: Record<string, number> = {};
  const countsByGroup: Record<string, number> = {};
  for (const rater of raters) {
    const group = groups.get(rater.groupCode)!;
    countsByRater[rater.id] = 0;
    for (const target of targets) {
      const cell = group.targets.find((c) => c.level === LEVEL_OF_TYPE[target.type]);
      if (cell === undefined) continue;
      const exclude = cell.excludeOwnUnit ?? matrix.excludeOwnUnit;
      if (exclude && rater.unitCode === target.code) continue;
      assignments.push({ raterId: rater.id, groupCode: rater.groupCode, targetCode: target.code });
      countsByTarget[target.code] = (countsByTarget[target.code] ?? 0) + 1;
      countsByRater[rater.id] = (countsByRater[rater.id] ?? 0) + 1;
      countsByGroup[rater.groupCode] = (countsByGroup[rater.groupCode] ?? 0) + 1;
    }
  }
  return { assignments, countsByTarget, countsByRater, countsByGroup };
}
